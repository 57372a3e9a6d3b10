package crawler_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/crawler"
)

// modTime is the Last-Modified of every page of validating servers.
var modTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// page is the HTML of a page linking to hrefs.
func page(hrefs ...string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>t</title></head><body>")
	for _, h := range hrefs {
		fmt.Fprintf(&b, "<a href=%q>x</a>\n", h)
	}
	b.WriteString("</body></html>")
	return b.String()
}

// validating serves a page linking to hrefs with an ETag and a
// Last-Modified, and answers If-None-Match and If-Modified-Since as
// net/http's ServeContent does (If-None-Match first).
func validating(etag string, hrefs ...string) http.HandlerFunc {
	body := page(hrefs...)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "page.html", modTime, strings.NewReader(body))
	}
}

// seen is one request as a handler saw it.
type seen struct {
	proto  string
	host   string
	header http.Header
}

// headerLog keeps the requests its handlers saw, by path?query.
type headerLog struct {
	mu sync.Mutex
	m  map[string][]seen
}

func (l *headerLog) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		if l.m == nil {
			l.m = map[string][]seen{}
		}
		k := r.URL.RequestURI()
		l.m[k] = append(l.m[k], seen{proto: r.Proto, host: r.Host, header: r.Header.Clone()})
		l.mu.Unlock()
		h(w, r)
	}
}

func (l *headerLog) routes(rs map[string]http.HandlerFunc) map[string]http.HandlerFunc {
	out := map[string]http.HandlerFunc{}
	for k, h := range rs {
		out[k] = l.wrap(h)
	}
	return out
}

func (l *headerLog) of(target string) []seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.m[target])
}

func (l *headerLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m = nil
}

// conditional tells whether a request carried validators.
func conditional(h http.Header) bool {
	return h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != ""
}

// validatorLog is a Config.Validators that records its calls and answers
// from a table.
type validatorLog struct {
	mu    sync.Mutex
	calls []string
	etag  map[string]string
	lm    map[string]string
}

func (v *validatorLog) get(_ context.Context, u string) (string, string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, u)
	return v.etag[u], v.lm[u]
}

func (v *validatorLog) called() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := slices.Clone(v.calls)
	slices.Sort(out)
	return out
}

// TestConditionalRecrawl crawls a site that honours validators twice: the
// second crawl, given the ETag and Last-Modified the first one saw, gets
// 304 for every article and the start and follow pages whole.
func TestConditionalRecrawl(t *testing.T) {
	tests := []struct {
		name     string
		etag, lm bool // which validators the second crawl sends
	}{
		{"etag", true, false},
		{"last-modified", false, true},
		{"both", true, true},
	}
	articles := []string{"/news/1", "/news/2", "/news/3"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log headerLog
			srv := newServer(t, log.routes(map[string]http.HandlerFunc{
				"/robots.txt": http.NotFound,
				"/":           validating(`"home"`, "/section/a", "/news/1"),
				"/section/a":  validating(`"section"`, "/news/2", "/news/3"),
				"/news/1":     validating(`"n1"`, "/news/2", "/"),
				"/news/2":     validating(`"n2"`, "/news/3"),
				"/news/3":     validating(`"n3"`, "/news/1"),
			}))
			site := newsSite(srv, 3)

			// First crawl: nothing known, every page whole.
			first := &validatorLog{}
			rec, st := crawl(t, crawler.Config{Validators: first.get}, site)
			if diff := cmp.Diff(crawler.Stats{Fetched: 5, Pages: 5, Articles: 3}, st); diff != "" {
				t.Fatalf("first crawl stats (-want +got):\n%s", diff)
			}
			known := &validatorLog{etag: map[string]string{}, lm: map[string]string{}}
			for _, k := range rec.paths() {
				p := rec.page(k)
				if p.Status != 200 || p.NotModified || len(p.Body) == 0 {
					t.Errorf("first crawl %s: status %d, not modified %v, %d bytes", k, p.Status, p.NotModified, len(p.Body))
				}
				if tt.etag {
					known.etag[p.URL] = p.Header.Get("ETag")
				}
				if tt.lm {
					known.lm[p.URL] = p.Header.Get("Last-Modified")
				}
			}
			log.reset()

			// Second crawl: validators of every page are known, but only
			// articles may use them.
			rec, st = crawl(t, crawler.Config{Validators: known.get}, site)
			want := crawler.Stats{Fetched: 5, Pages: 5, Articles: 3, NotModified: 3}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("second crawl stats (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"/", "/news/1", "/news/2", "/news/3", "/section/a"}, rec.paths()); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
			for _, k := range articles {
				p := rec.page(k)
				if p == nil {
					continue
				}
				if p.Status != http.StatusNotModified || !p.NotModified || p.Body != nil || p.Doc != nil ||
					!p.Article || p.FetchedAt.IsZero() || p.Header.Get("ETag") != `"n`+k[len("/news/"):]+`"` {
					t.Errorf("%s: status %d, not modified %v, body %q, doc %v, article %v, fetched %s, header %v",
						k, p.Status, p.NotModified, p.Body, p.Doc != nil, p.Article, p.FetchedAt, p.Header)
				}
				hs := log.of(k)
				if len(hs) != 1 {
					t.Fatalf("%s requested %d times", k, len(hs))
				}
				h := hs[0].header
				if got, want := h.Get("If-None-Match"), known.etag[p.URL]; got != want {
					t.Errorf("%s: If-None-Match %q, want %q", k, got, want)
				}
				if got, want := h.Get("If-Modified-Since"), known.lm[p.URL]; got != want {
					t.Errorf("%s: If-Modified-Since %q, want %q", k, got, want)
				}
				if tt.etag && !bytes.Contains(p.Request, []byte("\r\nIf-None-Match: "+known.etag[p.URL]+"\r\n")) {
					t.Errorf("%s: Page.Request lacks If-None-Match:\n%s", k, p.Request)
				}
			}
			for _, k := range []string{"/", "/section/a"} {
				p := rec.page(k)
				if p == nil || p.Status != 200 || p.NotModified || len(p.Body) == 0 || p.Doc == nil {
					t.Errorf("%s: want a whole page, got %+v", k, p)
				}
				for _, s := range log.of(k) {
					if conditional(s.header) {
						t.Errorf("%s: conditional request %v", k, s.header)
					}
				}
			}
		})
	}
}

// TestValidatorsOnlyForArticles checks which URLs Validators is asked
// for: each article hop once, by its normalised URL, retries included;
// never start or follow pages, redirect sources that are not articles, or
// robots.txt.
func TestValidatorsOnlyForArticles(t *testing.T) {
	var log headerLog
	srv := newServer(t, log.routes(map[string]http.HandlerFunc{
		"/robots.txt": http.NotFound,
		"/":           html("/news/1?utm_source=x#top", "/section/a", "/section/r", "/news/3", "/news/6"),
		"/news/100":   html(), // a start URL that is an article: fetched whole
		"/section/a":  html("/news/2"),
		"/section/r":  redirect(http.StatusFound, "/news/5"), // a follow page moved to an article
		"/news/3":     redirect(http.StatusMovedPermanently, "/news/4"),
		"/news/6":     failing(1, text(503, "busy")),
		"/news/1":     html(),
		"/news/2":     html(),
		"/news/4":     html(),
		"/news/5":     html(),
	}))
	site := newsSite(srv, 2)
	site.StartURLs = append(site.StartURLs, srv.URL+"/news/100")
	v := &validatorLog{etag: map[string]string{}}
	var want []string
	for _, k := range []string{"/news/1", "/news/2", "/news/3", "/news/4", "/news/5", "/news/6"} {
		want = append(want, srv.URL+k)
		v.etag[srv.URL+k] = `"e` + k + `"`
	}
	_, st := crawl(t, crawler.Config{Validators: v.get, RetryBase: time.Millisecond}, site)
	if diff := cmp.Diff(want, v.called()); diff != "" {
		t.Errorf("validators asked for (-want +got):\n%s", diff)
	}
	// 200 to a conditional request: a page like any other.
	if st.Pages != 8 || st.NotModified != 0 || st.Errors != 0 || st.Retries != 1 {
		t.Errorf("stats = %+v", st)
	}
	for _, k := range []string{"/news/1", "/news/2", "/news/3", "/news/4", "/news/5", "/news/6"} {
		hs := log.of(k)
		if k == "/news/6" && len(hs) != 2 {
			t.Errorf("/news/6 requested %d times, want 2 (one retry)", len(hs))
		}
		for _, s := range hs {
			if got := s.header.Get("If-None-Match"); got != `"e`+k+`"` {
				t.Errorf("%s: If-None-Match %q", k, got)
			}
		}
	}
	for _, k := range []string{"/robots.txt", "/", "/news/100", "/section/a", "/section/r"} {
		hs := log.of(k)
		if len(hs) == 0 {
			t.Errorf("%s not requested", k)
		}
		for _, s := range hs {
			if conditional(s.header) {
				t.Errorf("%s: conditional request %v", k, s.header)
			}
		}
	}
}

// Test304 checks that a 304 is a page only as the answer to a conditional
// request, is never retried, and is never taken for a redirect (even with
// a Location).
func Test304(t *testing.T) {
	tests := []struct {
		name       string
		validators func(context.Context, string) (string, string)
		handled    bool
	}{
		{"no validators func", nil, false},
		{"no validators known", func(context.Context, string) (string, string) { return "", "" }, false},
		{"etag known", func(context.Context, string) (string, string) { return `"x"`, "" }, true},
		{"last-modified known", func(context.Context, string) (string, string) { return "", modTime.Format(http.TimeFormat) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, map[string]http.HandlerFunc{
				"/":       html("/news/1"),
				"/news/1": text(http.StatusNotModified, "", "Location", "/news/2", "ETag", `"x"`),
				"/news/2": html(),
			})
			rec, st := crawl(t, crawler.Config{Validators: tt.validators}, newsSite(srv, 1))
			want := crawler.Stats{Fetched: 2, Pages: 1, Errors: 1}
			if tt.handled {
				want = crawler.Stats{Fetched: 2, Pages: 2, Articles: 1, NotModified: 1}
			}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			p := rec.page("/news/1")
			if got := p != nil; got != tt.handled {
				t.Errorf("/news/1 handled: %v, want %v", got, tt.handled)
			}
			if p != nil && (!p.NotModified || p.Status != 304 || p.FinalURL.Path != "/news/1" || p.Header.Get("ETag") != `"x"`) {
				t.Errorf("/news/1 = %+v", p)
			}
			if n := srv.hitsOf("/news/1"); n != 1 {
				t.Errorf("/news/1 requested %d times, want once", n)
			}
			if n := srv.hitsOf("/news/2"); n != 0 {
				t.Errorf("the Location of a 304 was followed")
			}
		})
	}
}

// tap records the bytes the server reads, one buffer per connection.
type tap struct {
	net.Listener
	mu    sync.Mutex
	conns []*bytes.Buffer
}

func (l *tap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	b := &bytes.Buffer{}
	l.mu.Lock()
	l.conns = append(l.conns, b)
	l.mu.Unlock()
	return &tapConn{Conn: c, l: l, b: b}, nil
}

// heads returns what was read on each connection that carried anything.
func (l *tap) heads() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, b := range l.conns {
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return out
}

type tapConn struct {
	net.Conn
	l *tap
	b *bytes.Buffer
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.mu.Lock()
	c.b.Write(p[:n])
	c.l.mu.Unlock()
	return n, err
}

// newServerWith is newServer with start to configure and start it.
func newServerWith(t *testing.T, routes map[string]http.HandlerFunc, start func(*httptest.Server)) *server {
	t.Helper()
	s := &server{t: t, routes: routes, count: map[string]int{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	start(s.Server)
	t.Cleanup(s.Close)
	return s
}

// parseHead splits a request head into its request line, Host and the
// other header fields.
func parseHead(t *testing.T, head []byte) (line, host string, h http.Header) {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(head)))
	line, err := r.ReadLine()
	if err != nil {
		t.Fatalf("request line: %v", err)
	}
	mh, err := r.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("header of %q: %v", head, err)
	}
	h = http.Header(mh)
	host = h.Get("Host")
	delete(h, "Host")
	return line, host, h
}

// TestRequestCapture checks Page.Request against the bytes the server
// read: over HTTP/1.1 (one request per connection, so that each
// connection's bytes are one request head) it is byte for byte the same,
// headers the transport added itself included.
func TestRequestCapture(t *testing.T) {
	var log headerLog
	tp := &tap{}
	srv := newServerWith(t, log.routes(map[string]http.HandlerFunc{
		"/robots.txt": http.NotFound,
		"/":           html("/news/1", "/news/2?b=2&a=1"),
		"/news/1":     validating(`"v1"`),
		"/news/2":     html(),
	}), func(s *httptest.Server) {
		s.Config.SetKeepAlivesEnabled(false)
		tp.Listener = s.Listener
		s.Listener = tp
		s.Start()
	})
	v := &validatorLog{
		etag: map[string]string{srv.URL + "/news/1": `"v1"`},
		lm:   map[string]string{srv.URL + "/news/1": modTime.Format(http.TimeFormat)},
	}
	site := newsSite(srv, 1)
	site.ArticleURLs = res(`^/news/\d+`)
	rec, st := crawl(t, crawler.Config{Validators: v.get}, site)
	if st.Pages != 3 || st.NotModified != 1 {
		t.Fatalf("stats = %+v", st)
	}
	heads := tp.heads()
	for _, h := range heads {
		if strings.Contains(strings.ToLower(h), "newsarc-capture") {
			t.Errorf("the capture header went on the wire:\n%s", h)
		}
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, k := range []string{"/", "/news/1", "/news/2?a=1&b=2"} {
		p := rec.page(k)
		if p == nil {
			t.Fatalf("%s not handled", k)
		}
		if p.Proto != "HTTP/1.1" {
			t.Errorf("%s: Proto %q", k, p.Proto)
		}
		if !slices.Contains(heads, string(p.Request)) {
			t.Errorf("%s: Page.Request is not what the server read:\n%s\nthe server read:\n%s", k, p.Request, strings.Join(heads, "---\n"))
		}
		want := "GET " + k + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + crawler.DefaultUserAgent + "\r\nAccept: "
		if !bytes.HasPrefix(p.Request, []byte(want)) || !bytes.HasSuffix(p.Request, []byte("\r\nAccept-Encoding: gzip\r\n\r\n")) {
			t.Errorf("%s: Page.Request =\n%s", k, p.Request)
		}
		line, gotHost, got := parseHead(t, p.Request)
		srvSaw := log.of(k)
		if len(srvSaw) != 1 {
			t.Fatalf("%s requested %d times", k, len(srvSaw))
		}
		s := srvSaw[0]
		if line != "GET "+k+" "+s.proto || gotHost != s.host {
			t.Errorf("%s: request line %q, host %q; server saw %s, %s", k, line, gotHost, s.proto, s.host)
		}
		if diff := cmp.Diff(s.header, got); diff != "" {
			t.Errorf("%s: Page.Request header (-server saw +captured):\n%s", k, diff)
		}
		if c := conditional(got); c != (k == "/news/1") {
			t.Errorf("%s: conditional %v", k, c)
		}
	}
	if p := rec.page("/news/1"); !bytes.Contains(p.Request, []byte("\r\nIf-Modified-Since: "+modTime.Format(http.TimeFormat)+"\r\nIf-None-Match: \"v1\"\r\n")) {
		t.Errorf("/news/1: validators missing from\n%s", p.Request)
	}
}

// TestHTTP2Capture crawls over TLS with HTTP/2: Page.Proto says so and
// Page.Request carries what the server received, rendered as an HTTP/1.1
// head with HTTP/2.0 in its request line.
func TestHTTP2Capture(t *testing.T) {
	var log headerLog
	srv := newServerWith(t, log.routes(map[string]http.HandlerFunc{
		"/robots.txt": http.NotFound,
		"/":           html("/news/1"),
		"/news/1":     validating(`"v1"`),
	}), func(s *httptest.Server) {
		s.EnableHTTP2 = true
		s.StartTLS()
	})
	v := &validatorLog{etag: map[string]string{srv.URL + "/news/1": `"v1"`}}
	rec, st := crawl(t, crawler.Config{Validators: v.get, Transport: srv.Client().Transport}, newsSite(srv, 1))
	if st.Pages != 2 || st.NotModified != 1 {
		t.Fatalf("stats = %+v", st)
	}
	host := strings.TrimPrefix(srv.URL, "https://")
	for _, k := range []string{"/", "/news/1"} {
		p := rec.page(k)
		if p == nil {
			t.Fatalf("%s not handled", k)
		}
		s := log.of(k)[0]
		if p.Proto != "HTTP/2.0" || s.proto != "HTTP/2.0" {
			t.Errorf("%s: Proto %q, server saw %q", k, p.Proto, s.proto)
		}
		line, gotHost, got := parseHead(t, p.Request)
		if line != "GET "+k+" HTTP/2.0" || gotHost != host || s.host != host {
			t.Errorf("%s: request line %q, host %q; server saw host %q", k, line, gotHost, s.host)
		}
		if diff := cmp.Diff(s.header, got); diff != "" {
			t.Errorf("%s: Page.Request header (-server saw +captured):\n%s", k, diff)
		}
		if got.Get("Accept-Encoding") != "gzip" || got.Get("User-Agent") != crawler.DefaultUserAgent {
			t.Errorf("%s: Page.Request =\n%s", k, p.Request)
		}
	}
	if got := rec.page("/news/1").Request; !bytes.Contains(got, []byte("\r\nIf-None-Match: \"v1\"\r\n")) {
		t.Errorf("/news/1: Page.Request lacks If-None-Match:\n%s", got)
	}
}

// TestRevisitPass fetches known articles as a revisit pass: each start URL
// is an article asked for with its validators, even one no article
// pattern matches any more; no link is followed, no sitemap or feed read.
func TestRevisitPass(t *testing.T) {
	var log headerLog
	srv := newServer(t, log.routes(map[string]http.HandlerFunc{
		"/robots.txt":    func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nSitemap: /sitemap.xml\n") },
		"/sitemap.xml":   http.NotFound,
		"/news/1":        validating(`"n1"`, "/news/2", "/"),
		"/news/3":        validating(`"n3"`, "/news/1"),
		"/old/4":         validating(`"o4"`),
		"/news/5":        http.NotFound,
		"/news/6":        http.RedirectHandler("/section/moved", http.StatusMovedPermanently).ServeHTTP,
		"/section/moved": validating(`"s"`, "/news/9"),
		"/news/7":        func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusServiceUnavailable) },
	}))
	site := newsSite(srv, 3)
	site.StartURLs = []string{srv.URL + "/news/1", srv.URL + "/news/3", srv.URL + "/old/4", srv.URL + "/news/5",
		srv.URL + "/news/6", srv.URL + "/news/7"}
	site.Feeds = []string{srv.URL + "/feed.xml"}
	site.Revisit = true
	known := &validatorLog{etag: map[string]string{srv.URL + "/news/1": `"n1"`, srv.URL + "/old/4": `"o4"`}}
	var mu sync.Mutex
	failures := map[string]int{}
	cfg := crawler.Config{Validators: known.get, Retries: -1, OnFailure: func(site, u string, status int) {
		mu.Lock()
		defer mu.Unlock()
		failures[strings.TrimPrefix(u, srv.URL)] = status
	}}
	rec, st := crawl(t, cfg, site)
	want := crawler.Stats{Fetched: 6, Pages: 4, Articles: 3, NotModified: 2, Errors: 2}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/news/1", "/news/3", "/news/6", "/old/4"}, rec.paths()); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"/news/5": 404, "/news/7": 503}, failures); diff != "" {
		t.Errorf("OnFailure (-want +got):\n%s", diff)
	}
	// A known article that now redirects to a section page is not an
	// article any more: its links are not followed either.
	if p := rec.page("/news/6"); p == nil || p.Article || p.FinalURL.Path != "/section/moved" {
		t.Errorf("/news/6: %+v; want the section page it redirects to, not an article", p)
	}
	for k, notModified := range map[string]bool{"/news/1": true, "/news/3": false, "/old/4": true} {
		if p := rec.page(k); p == nil || !p.Article || p.NotModified != notModified || p.Depth != 0 {
			t.Errorf("%s: %+v; want an article, not modified %v", k, p, notModified)
		}
	}
	for _, k := range []string{"/sitemap.xml", "/feed.xml", "/news/2", "/", "/news/9"} {
		if n := len(log.of(k)); n != 0 {
			t.Errorf("%s requested %d times by a revisit pass", k, n)
		}
	}
	if n := len(log.of("/robots.txt")); n != 1 {
		t.Errorf("robots.txt requested %d times, want 1", n)
	}

	// A revisit pass keeps no frontier: it would be the site's crawl's.
	if _, err := crawler.New(crawler.Config{Frontier: nopFrontier{}}, []crawler.Site{site}, (&recorder{}).handle); err == nil {
		t.Error("New accepted a revisit pass with a Frontier")
	}
}

type nopFrontier struct{}

func (nopFrontier) Load(context.Context, string, func(crawler.FrontierURL, bool) error) error {
	return nil
}
func (nopFrontier) Add(context.Context, string, []crawler.FrontierURL) error { return nil }
func (nopFrontier) Done(context.Context, string, string) error               { return nil }
