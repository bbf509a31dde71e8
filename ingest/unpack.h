/*
 * Walks a container tree down to the report documents in it: plain XML,
 * gzip (also gzip in gzip), zip (every regular entry that holds a report,
 * also a zip or gzip inside an entry), nested at most MAX_NESTING deep.
 * Zip entries are read from memory or the input's descriptor, never
 * extracted to disk; encrypted, truncated and oversized archives are
 * errors; entry names are only used in messages.
 */
#ifndef DMARC_UNPACK_H
#define DMARC_UNPACK_H

#include "diag.h"
#include "sniff.h"
#include "stream.h"

/*
 * Called for each report document found: content whose sniff result
 * (kind) has a row in the table of document kinds (dockind.h).  doc
 * streams its bytes (it is freed by unpack after the call returns); where
 * names the document inside the input for messages: "" for the input
 * itself, "report.xml" for a zip entry, "a.zip/b.xml.gz" when nested.
 * Return 0 to go on, -1 to stop the walk.
 */
typedef int (*unpack_fn)(void *arg, struct stream *doc, enum container kind,
	    const char *where);

/*
 * Unpacks the input readable from fd (a regular, seekable file, read from
 * offset 0); no gzip member or zip entry may inflate to more than max_xml
 * bytes (MAX_XML_BYTES unless the operator changed it).  Returns the number of documents passed to fn, or -1 when the
 * input is not a report container or is broken before any document could
 * be passed (d->error says why: "not a report: PNG image", "zip: entry
 * 'x.xml' is encrypted") or when fn returned -1.  An error met after
 * documents were passed (a later entry broken, more than
 * MAX_REPORTS_PER_INPUT reports) is recorded in d too (d->failed), and
 * the count is still returned.  An archive is vetted as a whole
 * (entry count, encryption, compression methods) before its first
 * document is passed.  fn need not read doc to the end.  Warnings go to
 * d (DIAG_GZIP_TRAILING, DIAG_ZIP_ENTRY_SKIPPED).
 */
int	unpack_fd(int fd, uint64_t max_xml, unpack_fn fn, void *arg,
	    struct diag *d);

#endif
