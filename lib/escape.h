/*
 * Output escaping, one function per sink.  Every untrusted string that
 * leaves the program goes through exactly one of these.  All append to a
 * struct buf and return 0, or -1 if the buffer's ceiling was reached (the
 * buffer is then left as it was: a value is appended whole or not at all).
 */
#ifndef DMARC_ESCAPE_H
#define DMARC_ESCAPE_H

#include "buf.h"

/* JSON string body (no quotes added): " \ and all C0 controls escaped */
int	escape_json(struct buf *, const char *);
/*
 * One RFC 4180 CSV field: quoted when it holds , " CR LF; a value starting
 * with = + - @ TAB or CR gets a leading ' so spreadsheets do not run it.
 * Other controls and invisible or reordering code points are shown as
 * escape_term() shows them (TAB, CR and LF are kept).
 */
int	escape_csv(struct buf *, const char *);
/* HTML text and attribute values: & < > " ' escaped */
int	escape_html(struct buf *, const char *);
/*
 * Terminal: C0/C1 controls and DEL shown as \xNN, invalid UTF-8 bytes as
 * \xNN, so a value cannot move the cursor, change colours or fake lines.
 * A C1 or bidi control (U+061C, U+200E/F, U+202A..E, U+2066..9), a line
 * or paragraph separator (U+2028/9), U+200B or U+FEFF is shown as its
 * UTF-8 bytes: U+009B gives "\xc2\x9b".  Other UTF-8 is kept.
 */
int	escape_term(struct buf *, const char *);

#endif
