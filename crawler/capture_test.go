package crawler

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWireRecordHead(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://example.org:8443/a%20b?x=1&y=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	type field struct {
		key    string
		values []string
	}
	tests := []struct {
		name   string
		fields []field
		want   string
	}{
		{"nothing written", nil, ""},
		{
			"http/1.1: as written",
			[]field{
				{"Host", []string{"example.org:8443"}},
				{"User-Agent", []string{"ua/1"}},
				{"Accept", []string{"text/html"}},
				{"X-Two", []string{"a", "b"}},
				{"Accept-Encoding", []string{"gzip"}},
			},
			"GET /a%20b?x=1&y=2 HTTP/1.1\r\nHost: example.org:8443\r\nUser-Agent: ua/1\r\nAccept: text/html\r\nX-Two: a\r\nX-Two: b\r\nAccept-Encoding: gzip\r\n\r\n",
		},
		{
			"http/1.1 written twice (net/http's retry on a new connection): the last write",
			[]field{
				{"Host", []string{"example.org:8443"}},
				{"User-Agent", []string{"ua/1"}},
				{"Accept", []string{"text/html"}},
				{"Host", []string{"example.org:8443"}},
				{"User-Agent", []string{"ua/1"}},
				{"Accept", []string{"text/html"}},
				{"Connection", []string{"close"}},
			},
			"GET /a%20b?x=1&y=2 HTTP/1.1\r\nHost: example.org:8443\r\nUser-Agent: ua/1\r\nAccept: text/html\r\nConnection: close\r\n\r\n",
		},
		{
			"http/2: rendered, sorted",
			[]field{
				{":authority", []string{"example.org:8443"}},
				{":method", []string{"GET"}},
				{":path", []string{"/a%20b?x=1&y=2"}},
				{":scheme", []string{"https"}},
				{"user-agent", []string{"ua/1"}},
				{"if-none-match", []string{`"x"`}},
				{"cookie", []string{"a=1"}},
				{"accept", []string{"text/html"}},
				{"cookie", []string{"b=2"}},
				{"x-two", []string{"a"}},
				{"x-two", []string{"b"}},
				{"accept-encoding", []string{"gzip"}},
			},
			"GET /a%20b?x=1&y=2 HTTP/2.0\r\nHost: example.org:8443\r\nAccept: text/html\r\nAccept-Encoding: gzip\r\nCookie: a=1; b=2\r\n" +
				"If-None-Match: \"x\"\r\nUser-Agent: ua/1\r\nX-Two: a\r\nX-Two: b\r\n\r\n",
		},
		{
			"http/2 written twice: the last write",
			[]field{
				{":authority", []string{"old"}},
				{":method", []string{"GET"}},
				{"accept", []string{"old"}},
				{":authority", []string{"example.org:8443"}},
				{":method", []string{"GET"}},
				{":path", []string{"/"}},
				{"accept", []string{"text/html"}},
			},
			"GET / HTTP/2.0\r\nHost: example.org:8443\r\nAccept: text/html\r\n\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &wireRecord{}
			w.setTarget(req)
			tr := w.trace()
			for _, f := range tt.fields {
				tr.WroteHeaderField(f.key, f.values)
			}
			if diff := cmp.Diff(tt.want, string(w.head())); diff != "" {
				t.Errorf("head (-want +got):\n%s", diff)
			}
		})
	}
}

// roundTripFunc is a RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCaptureTransport(t *testing.T) {
	var got *http.Request
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", Body: io.NopCloser(strings.NewReader(""))}, nil
	})
	ct := &captureTransport{next: next}

	// Not a page request (robots.txt): passed on as it is.
	req, _ := http.NewRequest(http.MethodGet, "http://example.org/robots.txt", nil)
	if _, err := ct.RoundTrip(req); err != nil || got != req {
		t.Errorf("robots.txt request changed on its way (%v)", err)
	}

	key, w := ct.expect()
	req, _ = http.NewRequest(http.MethodGet, "http://example.org/a", nil)
	req.Header.Set(captureHeader, key)
	req.Header.Set("Accept", "text/html")
	if _, err := ct.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if got.Header.Get(captureHeader) != "" || got.Header.Get("Accept") != "text/html" {
		t.Errorf("header passed on: %v", got.Header)
	}
	if req.Header.Get(captureHeader) != key {
		t.Errorf("the caller's request was changed")
	}
	if w.protocol() != "HTTP/1.1" {
		t.Errorf("proto %q", w.protocol())
	}
	ct.forget(key)
	if _, ok := ct.pending.Load(key); ok {
		t.Errorf("record kept after forget")
	}

	// A key nobody expects (cannot happen): still taken out.
	req.Header.Set(captureHeader, "zz")
	if _, err := ct.RoundTrip(req); err != nil || got.Header.Get(captureHeader) != "" {
		t.Errorf("unknown key passed on (%v)", err)
	}
}
