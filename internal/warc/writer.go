package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// Profile is a WARC revisit profile URI.
type Profile string

// The revisit profiles this package writes (WARC/1.1 URIs). The reader
// reports a record's profile as written; ProfileOf maps WARC/1.0 URIs too.
const (
	ProfileIdenticalPayloadDigest Profile = gowarc.ProfileIdenticalPayloadDigestV1_1
	ProfileServerNotModified      Profile = gowarc.ProfileServerNotModifiedV1_1
)

// ProfileOf maps a WARC-Profile value, WARC/1.0 or 1.1, to one of the two
// Profile constants, or "" for any other profile.
func ProfileOf(s string) Profile {
	switch s {
	case gowarc.ProfileIdenticalPayloadDigestV1_1, gowarc.ProfileIdenticalPayloadDigestV1_0:
		return ProfileIdenticalPayloadDigest
	case gowarc.ProfileServerNotModifiedV1_1, gowarc.ProfileServerNotModifiedV1_0:
		return ProfileServerNotModified
	}
	return ""
}

// Content types of HTTP message blocks.
const (
	contentTypeHTTPResponse = "application/http; msgtype=response"
	contentTypeHTTPRequest  = "application/http; msgtype=request"
)

// Exchange is one HTTP fetch to be written as a request and a response record.
type Exchange struct {
	TargetURI string    // the URL fetched (after redirects)
	Date      time.Time // fetch time; written with its nanoseconds
	// Request is the HTTP request head as sent; nil writes no request record.
	Request []byte
	// Response is the full HTTP response as stored: status line, headers,
	// blank line, body.
	Response []byte
	// PayloadDigest, when set, must equal the digest of the response body
	// (Digest form); Exchange fails otherwise.
	PayloadDigest string
}

// RevisitRecord is a fetch whose payload is already in the archive.
type RevisitRecord struct {
	TargetURI string
	Date      time.Time
	Profile   Profile
	// Block is the HTTP response head (status line, headers, blank line):
	// the new response's head for ProfileIdenticalPayloadDigest, the 304's
	// for ProfileServerNotModified. Any body after the head is dropped.
	Block []byte
	// PayloadDigest is the original payload's digest; required for
	// ProfileIdenticalPayloadDigest, optional for ProfileServerNotModified.
	PayloadDigest     string
	RefersToTargetURI string    // the original's target URI, when known
	RefersToDate      time.Time // the original's WARC-Date, when known
	RefersTo          string    // the original's record id, when known
	// Request is the HTTP request head as sent (for ProfileServerNotModified
	// the conditional request); nil writes no request record.
	Request []byte
}

// MetadataRecord is a metadata record about a response.
type MetadataRecord struct {
	TargetURI   string
	Date        time.Time
	ContentType string // e.g. "application/json"
	Body        []byte
	RefersTo    string // the record id of the response it describes, if any
}

// Written describes one record as written.
type Written struct {
	ID   string // "urn:uuid:..."
	Type string // "response", "request", "revisit", "metadata", "warcinfo"
	// Offset and Length locate the record in the output: the gzip member
	// when gzip is on, else the raw record without its CRLF CRLF
	// terminator, as warcio and pywb count it in CDX indexes (the next
	// record then starts at Offset+Length+4).
	Offset, Length int64
	// Index is the CDXJ entry of a response or revisit record (Filename
	// left empty), nil for other types.
	Index *IndexEntry
}

// Writer writes WARC/1.1 records to an io.Writer. It is not safe for
// concurrent use. After an error from the underlying writer every later call
// returns that error.
type Writer struct {
	cw   *countingWriter
	bw   *bufio.Writer
	gz   *gzip.Writer
	m    gowarc.Marshaler
	gzOn bool
	err  error
}

// NewWriter returns a Writer writing to w, one gzip member per record when
// gzip is true.
func NewWriter(w io.Writer, gzip bool) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &Writer{cw: &countingWriter{w: bw}, bw: bw, m: gowarc.NewMarshaler(), gzOn: gzip}
}

// Close flushes buffered output. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.err = fmt.Errorf("flush: %w", err)
		}
	}
	if w.err != nil {
		return fmt.Errorf("warc: close: %w", w.err)
	}
	return nil
}

// RecordID returns the deterministic record id this package gives a record:
// "urn:uuid:" + a version 5 UUID over the record type, the target URI, the
// date (UTC, RFC 3339 with nanoseconds) and a digest. Writer uses, for
// response and revisit records the payload digest (RevisitRecord.PayloadDigest
// as given, "" when a server-not-modified revisit has none); for a request
// record the digest its companion's id uses: the response's payload digest
// in [Writer.Exchange], RevisitRecord.PayloadDigest (possibly "") in
// [Writer.Revisit]; for a metadata record the digest of the metadata body
// ([Digest]). A request record has the date of its response or revisit.
func RecordID(typ, targetURI string, date time.Time, digest string) string {
	name := strings.Join([]string{typ, targetURI, date.UTC().Format(time.RFC3339Nano), digest}, "\n")
	return "urn:uuid:" + uuid.NewSHA1(recordIDSpace, []byte(name)).String()
}

// recordIDSpace is the UUIDv5 namespace of newsarc record ids.
var recordIDSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/newsarc/newsarc/warc-record-id"))

// Info writes a warcinfo record with the given fields, in order, as its
// application/warc-fields block. filename becomes WARC-Filename when not
// empty.
func (w *Writer) Info(date time.Time, filename string, fields [][2]string) (Written, error) {
	var block bytes.Buffer
	for _, f := range fields {
		if f[0] == "" || strings.ContainsAny(f[0], ":\r\n") || strings.ContainsAny(f[1], "\r\n") {
			return Written{}, fmt.Errorf("warc: warcinfo field %q: name or value not allowed", f[0])
		}
		block.WriteString(f[0] + ": " + f[1] + "\r\n")
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return Written{}, fmt.Errorf("warc: warcinfo id: %w", err)
	}
	h := []field{{gowarc.WarcRecordID, id.URN()}}
	if filename != "" {
		h = append(h, field{gowarc.WarcFilename, filename})
	}
	h = append(h, field{gowarc.ContentType, gowarc.ApplicationWarcFields},
		field{gowarc.WarcBlockDigest, Digest(block.Bytes())})
	wr, err := w.write(gowarc.Warcinfo, date, h, block.Bytes(), false)
	if err != nil {
		return wr, fmt.Errorf("warc: warcinfo: %w", err)
	}
	return wr, nil
}

// Exchange writes a request record (when e.Request is not nil) and a
// response record, linked both ways by WARC-Concurrent-To.
func (w *Writer) Exchange(e Exchange) (req, resp Written, err error) {
	if e.TargetURI == "" {
		return req, resp, errors.New("warc: exchange: empty target URI")
	}
	if _, ok := headEnd(e.Response); !ok {
		return req, resp, fmt.Errorf("warc: exchange %s: response has no header terminator", e.TargetURI)
	}
	hr, _, perr := parseHTTPResponse(e.Response)
	if perr != nil {
		return req, resp, fmt.Errorf("warc: exchange %s: %w", e.TargetURI, perr)
	}
	pd := Digest(hr.Body) // the payload: the body with chunked coding undone
	chunked := hr.Chunked
	if e.PayloadDigest != "" && !strings.EqualFold(e.PayloadDigest, pd) {
		return req, resp, fmt.Errorf("warc: exchange %s: payload digest %s given, body has %s", e.TargetURI, e.PayloadDigest, pd)
	}
	respID := RecordID("response", e.TargetURI, e.Date, pd)
	var reqRec *built
	if e.Request != nil {
		reqID := RecordID("request", e.TargetURI, e.Date, pd)
		if reqRec, err = w.buildRequest(reqID, e.TargetURI, e.Date, respID, e.Request); err != nil {
			return req, resp, fmt.Errorf("warc: exchange %s: %w", e.TargetURI, err)
		}
		defer reqRec.close()
	}
	h := []field{{gowarc.WarcRecordID, respID}, {gowarc.WarcTargetURI, e.TargetURI}}
	if reqRec != nil {
		h = append(h, field{gowarc.WarcConcurrentTo, reqRec.id})
	}
	h = append(h, field{gowarc.ContentType, contentTypeHTTPResponse},
		field{gowarc.WarcBlockDigest, Digest(e.Response)}, field{gowarc.WarcPayloadDigest, pd})
	respRec, err := w.build(gowarc.Response, e.Date, h, e.Response, chunked)
	if err != nil {
		return req, resp, fmt.Errorf("warc: exchange %s: %w", e.TargetURI, err)
	}
	defer respRec.close()
	// Both records are built (and checked) before either is written, so that
	// a failure leaves no half pair behind.
	if reqRec != nil {
		if req, err = w.emit(reqRec); err != nil {
			return req, resp, fmt.Errorf("warc: exchange %s: %w", e.TargetURI, err)
		}
	}
	if resp, err = w.emit(respRec); err != nil {
		return req, resp, fmt.Errorf("warc: exchange %s: %w", e.TargetURI, err)
	}
	resp.Index = &IndexEntry{URL: e.TargetURI, Date: e.Date, Mime: mimeOf(hr), Status: hr.Status,
		Digest: pd, Offset: resp.Offset, Length: resp.Length}
	return req, resp, nil
}

// Revisit writes a revisit record, preceded by a request record when
// r.Request is not nil. The two are linked both ways by WARC-Concurrent-To,
// as [Writer.Exchange] links a request and its response; the request record
// has the revisit's target URI and date, and the id
// RecordID("request", r.TargetURI, r.Date, r.PayloadDigest). The returned
// Written is the revisit's (the request's follows from it: it ends where
// the revisit starts). WARC-Truncated is not written: the block is the whole
// HTTP head by the profile's definition.
func (w *Writer) Revisit(r RevisitRecord) (Written, error) {
	if r.TargetURI == "" {
		return Written{}, errors.New("warc: revisit: empty target URI")
	}
	switch r.Profile {
	case ProfileIdenticalPayloadDigest:
		if r.PayloadDigest == "" {
			return Written{}, fmt.Errorf("warc: revisit %s: identical-payload-digest needs the payload digest", r.TargetURI)
		}
	case ProfileServerNotModified:
	default:
		return Written{}, fmt.Errorf("warc: revisit %s: unknown profile %q", r.TargetURI, r.Profile)
	}
	block := r.Block
	if n, ok := headEnd(block); ok {
		block = block[:n]
	} else if len(block) > 0 {
		block = append(bytes.TrimRight(block[:len(block):len(block)], "\r\n"), "\r\n\r\n"...)
	}
	var hr *HTTPResponse
	if len(block) > 0 {
		var err error
		if hr, _, err = parseHTTPResponse(block); err != nil {
			return Written{}, fmt.Errorf("warc: revisit %s: %w", r.TargetURI, err)
		}
	}
	id := RecordID("revisit", r.TargetURI, r.Date, r.PayloadDigest)
	var reqRec *built
	if r.Request != nil {
		reqID := RecordID("request", r.TargetURI, r.Date, r.PayloadDigest)
		var err error
		if reqRec, err = w.buildRequest(reqID, r.TargetURI, r.Date, id, r.Request); err != nil {
			return Written{}, fmt.Errorf("warc: revisit %s: %w", r.TargetURI, err)
		}
		defer reqRec.close()
	}
	h := []field{{gowarc.WarcRecordID, id}, {gowarc.WarcTargetURI, r.TargetURI}}
	if reqRec != nil {
		h = append(h, field{gowarc.WarcConcurrentTo, reqRec.id})
	}
	h = append(h, field{gowarc.WarcProfile, string(r.Profile)})
	if r.RefersTo != "" {
		h = append(h, field{gowarc.WarcRefersTo, r.RefersTo})
	}
	if r.RefersToTargetURI != "" {
		h = append(h, field{gowarc.WarcRefersToTargetURI, r.RefersToTargetURI})
	}
	if !r.RefersToDate.IsZero() {
		h = append(h, field{gowarc.WarcRefersToDate, formatDate(r.RefersToDate)})
	}
	if len(block) > 0 {
		h = append(h, field{gowarc.ContentType, contentTypeHTTPResponse})
	}
	h = append(h, field{gowarc.WarcBlockDigest, Digest(block)})
	if r.PayloadDigest != "" {
		h = append(h, field{gowarc.WarcPayloadDigest, r.PayloadDigest})
	}
	rec, err := w.build(gowarc.Revisit, r.Date, h, block, false)
	if err != nil {
		return Written{}, fmt.Errorf("warc: revisit %s: %w", r.TargetURI, err)
	}
	defer rec.close()
	if reqRec != nil {
		if _, err := w.emit(reqRec); err != nil {
			return Written{}, fmt.Errorf("warc: revisit %s: request: %w", r.TargetURI, err)
		}
	}
	wr, err := w.emit(rec)
	if err != nil {
		return wr, fmt.Errorf("warc: revisit %s: %w", r.TargetURI, err)
	}
	e := &IndexEntry{URL: r.TargetURI, Date: r.Date, Mime: "warc/revisit", Digest: r.PayloadDigest,
		Offset: wr.Offset, Length: wr.Length}
	if hr != nil {
		e.Status = hr.Status
	}
	wr.Index = e
	return wr, nil
}

// Metadata writes a metadata record. Its id is RecordID("metadata",
// TargetURI, Date, Digest(Body)).
func (w *Writer) Metadata(m MetadataRecord) (Written, error) {
	if m.TargetURI == "" {
		return Written{}, errors.New("warc: metadata: empty target URI")
	}
	if m.ContentType == "" {
		return Written{}, fmt.Errorf("warc: metadata %s: empty content type", m.TargetURI)
	}
	bd := Digest(m.Body)
	h := []field{{gowarc.WarcRecordID, RecordID("metadata", m.TargetURI, m.Date, bd)},
		{gowarc.WarcTargetURI, m.TargetURI}}
	if m.RefersTo != "" {
		h = append(h, field{gowarc.WarcRefersTo, m.RefersTo})
	}
	h = append(h, field{gowarc.ContentType, m.ContentType}, field{gowarc.WarcBlockDigest, bd})
	wr, err := w.write(gowarc.Metadata, m.Date, h, m.Body, false)
	if err != nil {
		return wr, fmt.Errorf("warc: metadata %s: %w", m.TargetURI, err)
	}
	return wr, nil
}

type field struct{ name, value string }

// built is a record built and checked by gowarc, not yet written.
type built struct {
	rec gowarc.WarcRecord
	rt  gowarc.RecordType
	id  string
}

// close releases the record's block; it may be called more than once.
func (b *built) close() {
	if b.rec != nil {
		b.rec.Close()
		b.rec = nil
	}
}

// write builds one record and writes it (see build and emit).
func (w *Writer) write(rt gowarc.RecordType, date time.Time, h []field, block []byte, chunked bool) (Written, error) {
	b, err := w.build(rt, date, h, block, chunked)
	if err != nil {
		return Written{}, err
	}
	defer b.close()
	return w.emit(b)
}

// buildRequest builds the request record of an exchange or revisit.
func (w *Writer) buildRequest(id, targetURI string, date time.Time, concurrentTo string, request []byte) (*built, error) {
	h := []field{{gowarc.WarcRecordID, id}, {gowarc.WarcTargetURI, targetURI},
		{gowarc.WarcConcurrentTo, concurrentTo}, {gowarc.ContentType, contentTypeHTTPRequest},
		{gowarc.WarcBlockDigest, Digest(request)}}
	b, err := w.build(gowarc.Request, date, h, request, false)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return b, nil
}

// build builds one record with gowarc and checks it. Header order:
// WARC-Type, WARC-Record-ID, WARC-Date, then h, then Content-Length.
// chunked tells that the block's body uses chunked coding, so gowarc's
// payload digest (over the raw body) is expected to differ from ours (over
// the dechunked body). The caller closes the result.
func (w *Writer) build(rt gowarc.RecordType, date time.Time, h []field, block []byte, chunked bool) (*built, error) {
	if w.err != nil {
		return nil, w.err
	}
	if date.IsZero() {
		return nil, errors.New("zero date")
	}
	b := gowarc.NewRecordBuilder(rt, gowarc.WithDefaultDigestAlgorithm("sha1"))
	b.AddWarcHeader(gowarc.WarcRecordID, "<"+h[0].value+">")
	b.AddWarcHeaderTime(gowarc.WarcDate, date)
	for _, f := range h[1:] {
		switch f.name {
		case gowarc.WarcConcurrentTo, gowarc.WarcRefersTo:
			b.AddWarcHeader(f.name, "<"+f.value+">")
		default:
			b.AddWarcHeader(f.name, f.value)
		}
	}
	b.AddWarcHeader(gowarc.ContentLength, strconv.Itoa(len(block)))
	if _, err := b.Write(block); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("build %s record: %w", rt, err)
	}
	rec, validation, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("build %s record: %w", rt, err)
	}
	for _, v := range validation {
		var de *gowarc.DigestError
		var le *gowarc.ContentLengthError
		var he *gowarc.HeaderFieldError
		switch {
		case errors.As(v, &de) && chunked && strings.HasPrefix(v.Error(), "payload"):
		case errors.As(v, &de), errors.As(v, &le):
			rec.Close()
			return nil, fmt.Errorf("build %s record: %w", rt, v)
		case errors.As(v, &he) && he.FieldName != "":
			// gowarc blanks a field that fails its check (a target URI
			// the WHATWG parser rejects, say): refuse to write that.
			rec.Close()
			return nil, fmt.Errorf("build %s record: %w", rt, v)
		}
	}
	return &built{rec: rec, rt: rt, id: h[0].value}, nil
}

// emit writes a built record, gzipped or not, and returns where it went.
func (w *Writer) emit(b *built) (Written, error) {
	if w.err != nil {
		return Written{}, w.err
	}
	var err error
	off := w.cw.n
	if w.gzOn {
		if w.gz == nil {
			w.gz = gzip.NewWriter(w.cw)
		} else {
			w.gz.Reset(w.cw)
		}
		if _, _, err = w.m.Marshal(w.gz, b.rec, 0); err == nil {
			err = w.gz.Close()
		}
	} else {
		_, _, err = w.m.Marshal(w.cw, b.rec, 0)
	}
	if err != nil {
		w.err = fmt.Errorf("write %s record: %w", b.rt, err)
		return Written{}, w.err
	}
	n := w.cw.n - off
	if !w.gzOn {
		n -= int64(len("\r\n\r\n")) // the record terminator is not counted, as in CDX indexes
	}
	return Written{ID: b.id, Type: b.rt.String(), Offset: off, Length: n}, nil
}

func formatDate(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func mimeOf(h *HTTPResponse) string {
	ct := h.Header.Get("Content-Type")
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
