// Package warc writes and reads WARC files (ISO 28500, WARC/1.1) and their
// CDXJ indexes, for newsarc's export and import commands.
//
// It deals in plain values, not in the store: the caller hands in raw HTTP
// requests and responses with their target URI and fetch time, and gets back
// each record's id, offset and length for the index.
//
// # Writing
//
// [NewWriter] wraps an io.Writer. With gzip on, every record is its own gzip
// member, as readers and replay tools expect, so that a record can be read
// from its offset alone. Records are built and serialised with
// github.com/nlnwa/gowarc/v3; digests are SHA-1 in base32 ("sha1:" + 32
// characters), the form [Digest] returns.
//
// [Writer.Exchange] writes a response and [Writer.Revisit] a revisit, each
// optionally preceded by the request record of the same fetch; the two name
// each other in WARC-Concurrent-To. Both records are built and checked
// before either is written, so a failure leaves no half pair behind.
//
// Record ids are deterministic ([RecordID]): a UUIDv5 over the record type,
// target URI, date and payload digest (a request record uses its response's
// or revisit's). Exporting the same archive twice gives the same ids, and a
// metadata record can name its response without a lookup. Only warcinfo
// records get a random id.
//
// WARC-Date is written as RFC 3339 in UTC with as many fractional digits as
// the time has (up to nanoseconds; none when the time is whole seconds), which
// WARC/1.1 allows; an export and import keeps fetch times exactly.
//
// # Reading
//
// [Open] and [NewReader] read WARC/1.0 and WARC/1.1 files, plain or gzipped
// (detected by the magic bytes, per member), written by anyone: wget,
// Heritrix, browsertrix, warcio, and this package. They are lenient: a
// missing digest, LF-only line ends, stray bytes between records, an
// unknown record type or a digest that does not match are reported in
// [Record.Warnings], not as errors; a digest that does not match is a
// [*DigestError] there ([Record.DigestErrors]), for the caller to refuse the
// record. HTTP response blocks are parsed into [HTTPResponse], with chunked
// transfer coding undone; content coding is left to [DecodedBody].
//
// A gzip member is read to its end, so that its CRC and size are checked,
// before any record in it is returned: a damaged member gives an error, not
// a record.
//
// # Offsets and lengths
//
// A record's offset and length are those of its gzip member in a gzipped
// file. In a plain file the length leaves out the CRLF CRLF that ends each
// record, as warcio and pywb count it in CDX indexes (gowarc's own reader
// counts it).
//
// # Indexes
//
// [WriteCDXJ] writes a pywb-style CDXJ index of response and revisit
// records, keyed by [SURT] (the Python surt package's form); the JSON is
// byte for byte what `warcio cdx-index` prints for the same records.
package warc
