// Package server is newsarc's HTTP API, served by `newsarc run` from the
// archive it holds, and the Client the CLI uses when another process holds
// the archive.
//
// Routes (all GET; HEAD too):
//
//	/healthz                 200 "ok", or 503 with the health check's error; never needs the token
//	/metrics                 Prometheus text format (internal/metrics)
//	/api/v1/export           ?format=jsonl|csv|warc&site=&since=&until=&all_versions=&filename=
//	/api/v1/sites            the sites in force, as a JSON array
//	/api/v1/history?url=     one JSON object per version, as `newsarc history --format json`
//	/api/v1/record?url=&version=   a version's stored record (default: the latest)
//
// Export takes the CLI's filters with the CLI's meaning and writes the very
// same bytes, through package export: since and until are RFC 3339 or
// YYYY-MM-DD (a date-only until includes that day), all_versions is a
// boolean, and format=warc holds every fetch in the window. For WARC,
// filename is the name the warcinfo record gives the file (default
// newsarc.warc.gz); as with -o, a name ending in .warc gives an uncompressed
// WARC, any other one gzip members. The warcinfo record itself (its date and
// random record ID) differs from one export to the next, on the CLI as here.
// format=cdxj is not offered: a CDXJ index points at byte offsets of records
// in a WARC file written by the same export, and one response can carry only
// one of the two; fetch format=warc and index that file.
//
// An unknown or repeated query parameter, or a bad value, is a 400 with a
// message saying which. Errors are text/plain.
//
// An export is streamed. An error before the first byte is sent is a 500
// with its message; an error after it is logged and the response is aborted
// (http.ErrAbortHandler), so that the client sees a cut transfer (the
// chunked encoding's end never comes) and never a short 200. A complete
// export ends with the trailer "Newsarc-Export: complete", which Client
// checks as well.
//
// With Options.Token set, every route but /healthz needs the header
// "Authorization: Bearer TOKEN" (compared in constant time) and answers 401
// without it. (config.LoopbackListen decides when a token is required.)
//
// Serve runs the handler on a listener until its context ends, and returns
// only once no handler is left using the archive, so that the caller can
// close it next.
package server
