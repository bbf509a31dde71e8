/*
 * dmarc-fakeimap: a scripted IMAP server on 127.0.0.1 for tests/test_imap.c,
 * for what a real server will not do: answer a SEARCH or FETCH with an
 * over-long or malformed response, or lack MOVE and UIDPLUS.  It serves
 * connections one after the other, plain text, any login accepted; its
 * mailbox holds one message (the bytes of MESSAGE, UID 7), and every
 * command line it receives is appended to LOG for the test to inspect.
 *
 *	dmarc-fakeimap SCENARIO PORTFILE LOG MESSAGE
 *
 * Scenarios: plain (MOVE and UIDPLUS offered, answers correct), nomove
 * (neither offered), uidplus (UIDPLUS without MOVE), longsearch (a 109 KB
 * SEARCH line), badsearch ("7x"), bigsearch (a UID past 2^32), manysearch
 * (more UIDs than messages asked for), longfetch (a 70 KB FETCH line
 * before the literal), fetchnouid (a body without its UID), fetchshort
 * (the connection ends inside the literal).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define UID	7		/* the one message's UID */

static const char *scenario;
static char *message;
static long message_len;

static int
is(const char *s)
{
	return strcmp(scenario, s) == 0;
}

static void
out(FILE *f, const char *s)
{
	fputs(s, f);
}

/* "* SEARCH" answer for the plain search of the one message */
static void
search(FILE *f, const char *cmd)
{
	if (strstr(cmd, "LARGER") != NULL) {
		out(f, "* SEARCH\r\n");
		return;
	}
	if (is("longsearch")) {
		out(f, "* SEARCH");
		for (long i = 1; i < 20000; i++)
			fprintf(f, " %ld", i);
		out(f, "\r\n");
	} else if (is("badsearch"))
		out(f, "* SEARCH 7x\r\n");
	else if (is("bigsearch"))
		out(f, "* SEARCH 7 99999999999999999999\r\n");
	else if (is("manysearch")) {
		out(f, "* SEARCH");
		for (long i = 1; i <= 501; i++)
			fprintf(f, " %ld", i);
		out(f, "\r\n");
	} else
		fprintf(f, "* SEARCH %d\r\n", UID);
}

/* the FETCH answer; 0, or -1 to drop the connection */
static int
fetch(FILE *f)
{
	if (is("longfetch")) {
		fprintf(f, "* 1 FETCH (UID %d X-PAD \"", UID);
		for (long i = 0; i < 70000; i++)
			fputc('x', f);
		fprintf(f, "\" BODY[] {%ld}\r\n", message_len);
	} else if (is("fetchnouid"))
		fprintf(f, "* 1 FETCH (BODY[] {%ld}\r\n", message_len);
	else
		fprintf(f, "* 1 FETCH (UID %d BODY[] {%ld}\r\n", UID,
		    message_len);
	if (is("fetchshort")) {
		fwrite(message, 1, (size_t)message_len / 2, f);
		return -1;
	}
	fwrite(message, 1, (size_t)message_len, f);
	out(f, ")\r\n");
	return 0;
}

static void
capability(FILE *f)
{
	fprintf(f, "* CAPABILITY IMAP4rev1%s%s\r\n", is("nomove") ? "" :
	    " UIDPLUS", is("nomove") || is("uidplus") ? "" : " MOVE");
}

/* answers one command; 0 to go on, -1 to close the connection */
static int
answer(FILE *f, const char *tag, const char *cmd)
{
	int rc = 0;

	if (strncasecmp(cmd, "CAPABILITY", 10) == 0)
		capability(f);
	else if (strncasecmp(cmd, "SELECT", 6) == 0)
		out(f, "* 1 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n");
	else if (strncasecmp(cmd, "LIST", 4) == 0)
		out(f, "* LIST () \"/\" Done\r\n");
	else if (strncasecmp(cmd, "UID SEARCH", 10) == 0)
		search(f, cmd);
	else if (strncasecmp(cmd, "UID FETCH", 9) == 0)
		rc = fetch(f);
	else if (strncasecmp(cmd, "UID MOVE", 8) == 0 ||
	    strncasecmp(cmd, "UID EXPUNGE", 11) == 0)
		out(f, "* 1 EXPUNGE\r\n");
	else if (strncasecmp(cmd, "LOGOUT", 6) == 0) {
		out(f, "* BYE bye\r\n");
		rc = -1;
	}
	if (rc == 0 || strncasecmp(cmd, "LOGOUT", 6) == 0)
		fprintf(f, "%s OK done\r\n", tag);
	fflush(f);
	return rc;
}

/* one client: greeting, then command after command */
static void
serve(int fd, const char *log)
{
	FILE *in = fdopen(fd, "r"), *o = fdopen(dup(fd), "w"), *l;
	char line[16384], *sp;

	if (in == NULL || o == NULL)
		exit(1);
	out(o, "* OK fake IMAP ready\r\n");
	fflush(o);
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((l = fopen(log, "a")) != NULL) {
			fprintf(l, "%s\n", line);
			fclose(l);
		}
		if ((sp = strchr(line, ' ')) == NULL)
			break;
		*sp++ = '\0';
		if (answer(o, line, sp) == -1)
			break;
	}
	fclose(in);
	fclose(o);
}

/* the message file, with CRLF line ends as IMAP sends them */
static void
load(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;
	long n = 0, cap = 1 << 16;

	if (f == NULL || (message = malloc((size_t)cap)) == NULL)
		exit(1);
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 >= cap && (message = realloc(message,
		    (size_t)(cap *= 2))) == NULL)
			exit(1);
		if (c == '\n')
			message[n++] = '\r';
		message[n++] = (char)c;
	}
	fclose(f);
	message_len = n;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	FILE *pf;
	int s, c;

	if (argc != 5)
		return 2;
	scenario = argv[1];
	load(argv[4]);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(s, 4) == -1 ||
	    getsockname(s, (struct sockaddr *)&a, &al) == -1)
		return 1;
	if ((pf = fopen(argv[2], "w")) == NULL)
		return 1;
	fprintf(pf, "%d\n", ntohs(a.sin_port));
	fclose(pf);
	while ((c = accept(s, NULL, NULL)) != -1)
		serve(c, argv[3]);
	return 1;
}
