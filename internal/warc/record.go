package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// Record is one WARC record as read.
type Record struct {
	Version      string    // "WARC/1.0", "WARC/1.1"
	Type         string    // "response", "request", "revisit", "metadata", "warcinfo", "resource", ...
	ID           string    // WARC-Record-ID without the angle brackets
	ConcurrentTo []string  // WARC-Concurrent-To values (the field may repeat), without brackets
	TargetURI    string    // without the angle brackets some WARC/1.0 writers (wget) put around it
	Date         time.Time // WARC-Date; zero when missing or unparsable (see Warnings)
	ContentType  string    // the record's Content-Type
	// Offset is where the record starts in the file: its gzip member in a
	// gzipped file, else its "WARC/" line. Length is the size of that
	// member, or of the record's header and block without the CRLF CRLF
	// terminator (as CDX indexes count it); 0 when unknown (several records
	// in one gzip member).
	Offset, Length    int64
	Profile           string // WARC-Profile of a revisit, as written (see ProfileOf)
	RefersTo          string // WARC-Refers-To without brackets
	RefersToTargetURI string
	RefersToDate      time.Time
	PayloadDigest     string // WARC-Payload-Digest as written
	BlockDigest       string // WARC-Block-Digest as written
	// Header is the WARC header as written: every field in order.
	Header        [][2]string
	Block         []byte // the record block as stored
	contentLength int64  // as parsed by gowarc
	headerLen     int64  // of the WARC header, 0 if unknown

	// HTTP is the parsed HTTP response of a response or revisit record whose
	// block is one ("application/http; msgtype=response", or a block that
	// starts with "HTTP/"); nil otherwise. A request record's head is in Block.
	HTTP *HTTPResponse
	// BlockTruncated is true when the block was larger than
	// Reader.MaxBlockSize: Block then holds only its first 64 KiB (HTTP
	// holds the head and no body), and a warning wrapping
	// ErrBlockTooLarge is in Warnings.
	BlockTruncated bool
	// Warnings lists what was wrong but did not stop the read: a digest
	// that does not match (*DigestError, see DigestErrors), syntax errors,
	// stray bytes, HTTP parsing trouble.
	Warnings []error
}

// rawHeader is a WARC header as written, parsed from the read buffer
// before gowarc reads the record. gowarc's own copy cannot be used as is: in
// its lenient mode it blanks a field that fails validation (wget's
// "<http://...>" target URIs, for one).
type rawHeader struct {
	version string
	fields  [][2]string
	n       int64 // bytes from the version line through the blank line
}

// peekHeader parses the WARC header at the start of br's buffer; ok is false
// when it is not all buffered or is not a WARC header.
func peekHeader(br *bufio.Reader) (h rawHeader, ok bool) {
	b, _ := br.Peek(br.Size())
	if !bytes.HasPrefix(b, []byte("WARC/")) {
		return h, false
	}
	for i, first := 0, true; i < len(b); first = false {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return h, false
		}
		line := strings.TrimRight(string(b[i:i+j]), "\r")
		i += j + 1
		switch {
		case first:
			h.version = strings.TrimSpace(line)
		case line == "":
			h.n = int64(i)
			return h, true
		case (line[0] == ' ' || line[0] == '\t') && len(h.fields) > 0: // continuation
			h.fields[len(h.fields)-1][1] += " " + strings.TrimSpace(line)
		default:
			name, value, _ := strings.Cut(line, ":")
			h.fields = append(h.fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
	}
	return h, false
}

// get returns the first value of a field, matched case-insensitively.
func (h rawHeader) get(name string) string {
	for _, f := range h.fields {
		if strings.EqualFold(f[0], name) {
			return f[1]
		}
	}
	return ""
}

func (h rawHeader) has(name string) bool {
	for _, f := range h.fields {
		if strings.EqualFold(f[0], name) {
			return true
		}
	}
	return false
}

func (h rawHeader) getAll(name string) []string {
	var vs []string
	for _, f := range h.fields {
		if strings.EqualFold(f[0], name) {
			vs = append(vs, f[1])
		}
	}
	return vs
}

func (rec *Record) parseDate(field, v string) time.Time {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "20060102150405"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	rec.Warnings = append(rec.Warnings, fmt.Errorf("%s: cannot parse %q", field, v))
	return time.Time{}
}

// checkDigests parses the HTTP response, if any, and checks the block and
// payload digests. The payload digest of a chunked response is accepted over
// the dechunked body (the WARC spec's payload) or the raw body (what some
// writers, wget among them, digest). The payload of a response or resource
// record whose block is not an HTTP message is the block.
func (rec *Record) checkDigests() {
	if rec.BlockDigest != "" && !rec.BlockTruncated {
		rec.digestMismatch(gowarc.WarcBlockDigest, rec.BlockDigest, rec.Block)
	}
	isHTTP := strings.HasPrefix(strings.ToLower(strings.ReplaceAll(rec.ContentType, " ", "")), "application/http") ||
		bytes.HasPrefix(bytes.TrimLeft(rec.Block, "\r\n"), []byte("HTTP/"))
	if (rec.Type == "response" || rec.Type == "revisit") && isHTTP && len(rec.Block) > 0 &&
		!strings.Contains(strings.ToLower(rec.ContentType), "msgtype=request") {
		b := rec.Block
		if rec.BlockTruncated {
			n, _ := headEnd(b)
			b = b[:n]
		}
		resp, warns, err := parseHTTPResponse(b)
		if err != nil {
			rec.Warnings = append(rec.Warnings, err)
		} else {
			rec.HTTP = resp
			rec.Warnings = append(rec.Warnings, warns...)
		}
	}
	// A revisit's payload digest is the original's: it can only be
	// compared with the original record.
	if rec.PayloadDigest == "" || rec.Type == "revisit" || rec.Type == "request" || rec.BlockTruncated {
		return
	}
	switch {
	case rec.HTTP != nil:
		if rec.HTTP.Chunked {
			n, _ := headEnd(rec.Block)
			if ok, _, _ := checkDigest(rec.PayloadDigest, rec.Block[n:]); ok {
				return
			}
		}
		rec.digestMismatch(gowarc.WarcPayloadDigest, rec.PayloadDigest, rec.HTTP.Body)
	case rec.Type == "resource" || (rec.Type == "response" && !isHTTP):
		rec.digestMismatch(gowarc.WarcPayloadDigest, rec.PayloadDigest, rec.Block)
	}
}

// digestMismatch checks a digest field against content and adds a
// *DigestError to the warnings when it does not match, or a plain warning
// when its algorithm is not supported.
func (rec *Record) digestMismatch(field, value string, content []byte) {
	ok, known, computed := checkDigest(value, content)
	switch {
	case !known:
		rec.Warnings = append(rec.Warnings, fmt.Errorf("%s %q: algorithm not supported, not checked", field, value))
	case !ok:
		rec.Warnings = append(rec.Warnings, &DigestError{Field: field, Expected: value, Computed: computed})
	}
}

// DigestErrors returns the *DigestError warnings: the block or payload
// digests that were checked and do not match. None means every digest
// that could be checked matched; not checked are a missing digest, a
// revisit's payload digest (the original's), the payload digest of a block
// cut to Reader.MaxBlockSize (its block digest is checked over the whole
// block) and of an HTTP block that cannot be parsed.
func (rec *Record) DigestErrors() []*DigestError {
	var des []*DigestError
	for _, w := range rec.Warnings {
		var de *DigestError
		if errors.As(w, &de) {
			des = append(des, de)
		}
	}
	return des
}

// IndexEntry returns the CDXJ entry of a response or revisit record with a
// target URI (Filename left empty); ok is false for other records.
func (rec *Record) IndexEntry() (e IndexEntry, ok bool) {
	if (rec.Type != "response" && rec.Type != "revisit") || rec.TargetURI == "" {
		return e, false
	}
	e = IndexEntry{URL: rec.TargetURI, Date: rec.Date, Digest: rec.PayloadDigest, Offset: rec.Offset, Length: rec.Length}
	if rec.HTTP != nil {
		e.Status = rec.HTTP.Status
		if rec.Type == "response" {
			e.Mime = mimeOf(rec.HTTP)
		}
	}
	if rec.Type == "revisit" {
		e.Mime = "warc/revisit"
	}
	return e, true
}
