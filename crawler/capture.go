package crawler

import (
	"bytes"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// captureHeader carries, from run.do to captureTransport, the key of the
// wireRecord a page request fills. colly builds each request's context
// from the collector's, so the header is the only per-request thing that
// reaches the transport; captureTransport takes it out before anything
// below it sees the request.
const captureHeader = "X-Newsarc-Capture"

// captureTransport records what net/http puts on the wire for each page
// request: the request head, field by field as the transport writes it
// (httptrace.ClientTrace.WroteHeaderField, so that headers the transport
// adds itself, such as Accept-Encoding: gzip, are there and nothing is
// guessed), and the protocol of the response. Requests without
// captureHeader (robots.txt) pass through untouched.
type captureTransport struct {
	next    http.RoundTripper
	seq     atomic.Uint64
	pending sync.Map // key → *wireRecord
}

// expect registers a record for one request and returns its key, to be
// sent in captureHeader. The caller forgets the key when the request is
// over.
func (t *captureTransport) expect() (string, *wireRecord) {
	key := strconv.FormatUint(t.seq.Add(1), 36)
	w := &wireRecord{}
	t.pending.Store(key, w)
	return key, w
}

func (t *captureTransport) forget(key string) { t.pending.Delete(key) }

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Header.Get(captureHeader)
	if key == "" {
		return t.next.RoundTrip(req)
	}
	out := req
	var w *wireRecord
	if v, ok := t.pending.Load(key); ok {
		w = v.(*wireRecord)
		out = req.WithContext(httptrace.WithClientTrace(req.Context(), w.trace()))
		w.setTarget(out)
	} else {
		out = req.WithContext(req.Context()) // a copy: the caller's request is not ours to change
	}
	out.Header = req.Header.Clone()
	delete(out.Header, captureHeader)
	resp, err := t.next.RoundTrip(out)
	if err == nil && w != nil {
		w.setProto(resp.Proto)
	}
	return resp, err
}

// headerField is one header field as the transport wrote it.
type headerField struct {
	key    string
	values []string
}

// wireRecord is what captureTransport saw of one request. The trace hooks
// run on the transport's writing goroutine, hence the lock.
type wireRecord struct {
	mu          sync.Mutex
	method, uri string        // of the request line (HTTP/1.x)
	fields      []headerField // of the latest write of the request, in order
	proto       string        // of the response
}

func (w *wireRecord) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{WroteHeaderField: w.wrote}
}

// wrote records a header field as written. Host (HTTP/1.x) and :authority
// (HTTP/2) are always written first: when net/http writes the request
// again (on a new connection, after a reused one died), the record starts
// afresh.
func (w *wireRecord) wrote(key string, values []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if key == "Host" || key == ":authority" {
		w.fields = w.fields[:0]
	}
	w.fields = append(w.fields, headerField{key: key, values: slices.Clone(values)})
}

// setTarget notes the request line: net/http writes the method and the
// origin-form request URI (no proxy is used below the crawler's transport).
func (w *wireRecord) setTarget(req *http.Request) {
	m := req.Method
	if m == "" {
		m = http.MethodGet
	}
	w.mu.Lock()
	w.method, w.uri = m, req.URL.RequestURI()
	w.mu.Unlock()
}

func (w *wireRecord) setProto(p string) {
	w.mu.Lock()
	w.proto = p
	w.mu.Unlock()
}

func (w *wireRecord) protocol() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.proto
}

// head renders the request head: request line, Host, the other header
// fields, blank line; nil when nothing was written.
//
// HTTP/1.x: the request line net/http writes ("HTTP/1.1"), then the fields
// byte for byte in the order written (Host, User-Agent, the request's
// headers in sorted order, then those the transport adds: Accept-Encoding,
// Connection).
//
// HTTP/2 has no request line and sends its fields compressed, names in
// lower case: the head is rendered as HTTP/1.1 would carry it, with the
// protocol of the exchange ("GET /path HTTP/2.0", matching Page.Proto),
// :authority as Host, canonical names, Cookie fields joined with "; ", and
// the fields in sorted order (net/http sends them in map order).
func (w *wireRecord) head() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.fields) == 0 {
		return nil
	}
	var b bytes.Buffer
	line := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	if w.fields[0].key != ":authority" {
		b.WriteString(w.method + " " + w.uri + " HTTP/1.1\r\n")
		for _, f := range w.fields {
			for _, v := range f.values {
				line(f.key, v)
			}
		}
		b.WriteString("\r\n")
		return b.Bytes()
	}

	var method, path, host string
	var cookies []string
	var rest []headerField
	for _, f := range w.fields {
		v := strings.Join(f.values, ", ") // HTTP/2 fields come one value at a time
		switch f.key {
		case ":authority":
			host = v
		case ":method":
			method = v
		case ":path":
			path = v
		case "cookie":
			cookies = append(cookies, v)
		default:
			if !strings.HasPrefix(f.key, ":") {
				rest = append(rest, headerField{key: http.CanonicalHeaderKey(f.key), values: f.values})
			}
		}
	}
	if len(cookies) > 0 {
		rest = append(rest, headerField{key: "Cookie", values: []string{strings.Join(cookies, "; ")}})
	}
	slices.SortStableFunc(rest, func(a, b headerField) int { return strings.Compare(a.key, b.key) })
	b.WriteString(method + " " + path + " HTTP/2.0\r\n")
	line("Host", host)
	for _, f := range rest {
		for _, v := range f.values {
			line(f.key, v)
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
