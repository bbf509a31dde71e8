#!/usr/bin/env python3
"""Writes the DNS response fixtures of tests/test_dnswire.c (and the seeds
of the dnswire fuzz target): well-formed answers and hostile messages.
Run it in this directory; the .bin files are checked in."""
import struct

def name(n):
    out = b''
    for label in n.split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\0'

def hdr(rcode=0, qd=1, an=0, ns=0, ar=0, ident=0x1234):
    return struct.pack('>HHHHHH', ident, 0x8180 | rcode, qd, an, ns, ar)

def question(n, qtype):
    return name(n) + struct.pack('>HH', qtype, 1)

def rr(owner, rtype, ttl, rdata, cls=1):
    return owner + struct.pack('>HHIH', rtype, cls, ttl, len(rdata)) + rdata

def txt(*strings):
    return b''.join(bytes([len(s)]) + s for s in strings)

PTR, TXT, SOA = 12, 16, 6
Q = '_dmarc.example.org'
PQ = '1.2.0.192.in-addr.arpa'
PTR_ = b'\xc0\x0c'      # pointer to the question name
soa = name('ns.example.org') + name('host.example.org') + \
    struct.pack('>IIIII', 1, 3600, 600, 86400, 120)

files = {
    # well-formed
    'txt-one.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 3600, txt(b'v=DMARC1; p=reject')),
    'txt-split.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 600, txt(b'v=DMARC1; ', b'p=none')),
    'txt-two.bin': hdr(an=2) + question(Q, TXT) +
        rr(PTR_, TXT, 900, txt(b'v=DMARC1; p=none')) +
        rr(PTR_, TXT, 300, txt(b'v=spf1 -all')),
    'txt-nul-utf8.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 60, txt(b'v=DMARC1;\0p=\xffnone')),
    'txt-other-class.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 60, txt(b'v=DMARC1; p=none'), cls=3),
    'nxdomain-soa.bin': hdr(rcode=3, ns=1) + question(Q, TXT) +
        rr(name('example.org'), SOA, 7200, soa),
    'nodata-nosoa.bin': hdr() + question(Q, TXT),
    'ttl-huge.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 0xffffffff, txt(b'v=DMARC1; p=none')),
    'ptr-one.bin': hdr(an=1) + question(PQ, PTR) +
        rr(PTR_, PTR, 86400, name('Mail.Example.ORG')),
    'ptr-insane.bin': hdr(an=1) + question(PQ, PTR) +
        rr(PTR_, PTR, 86400, name('bad name.example')),
    # hostile
    'short-header.bin': hdr()[:11],
    'loop-question.bin': hdr() + b'\xc0\x0c' + struct.pack('>HH', TXT, 1),
    'loop-two.bin': hdr(an=1) + b'\xc0\x0e' + b'\xc0\x0c' +
        struct.pack('>HH', TXT, 1),
    'pointer-out.bin': hdr(an=1) + question(Q, TXT) +
        rr(b'\xc0\xff', TXT, 60, txt(b'v=DMARC1')),
    'pointer-forward.bin': hdr(an=1) + question(Q, TXT) +
        rr(b'\xc0\x60', TXT, 60, txt(b'v=DMARC1')),
    'label-past-end.bin': hdr() + b'\x3fshort',
    'truncated-rr.bin': (hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 60, txt(b'v=DMARC1; p=none')))[:-8],
    'truncated-fixed.bin': (hdr(an=1) + question(Q, TXT) + PTR_ +
        struct.pack('>HH', TXT, 1)),
    'rdlen-lies.bin': hdr(an=1) + question(Q, TXT) + PTR_ +
        struct.pack('>HHIH', TXT, 1, 60, 200) + txt(b'v=DMARC1'),
    'count-lies.bin': hdr(an=5) + question(Q, TXT) +
        rr(PTR_, TXT, 60, txt(b'v=DMARC1; p=none')),
    'qdcount-lies.bin': hdr(qd=40) + question(Q, TXT),
    'txt-len-lies.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 60, b'\xfev=DMARC1; p=none'),
    # the PTR target is a pointer to itself
    'ptr-loop.bin': hdr(an=1) + question(PQ, PTR) + rr(PTR_, PTR, 60,
        struct.pack('>H', 0xc000 | (12 + len(question(PQ, PTR)) + 12))),
    'soa-short.bin': hdr(rcode=3, ns=1) + question(Q, TXT) +
        rr(name('example.org'), SOA, 7200, soa[:-10]),
    'many-answers.bin': hdr(an=40) + question(Q, TXT) + b''.join(
        rr(PTR_, TXT, 60, txt(b'r%d' % i)) for i in range(40)),
    'txt-long.bin': hdr(an=1) + question(Q, TXT) +
        rr(PTR_, TXT, 60, txt(*([b'a' * 255] * 20))),
}
for fn, data in files.items():
    with open(fn, 'wb') as f:
        f.write(data)
