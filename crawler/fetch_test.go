package crawler_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	xhtml "golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"

	"github.com/newsarc/newsarc/crawler"
)

// failing serves /news/1 with fail for its first n requests, then a page.
func failing(n int64, fail http.HandlerFunc) http.HandlerFunc {
	var calls atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			fail(w, r)
			return
		}
		html()(w, r)
	}
}

func slow(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
		html()(w, r)
	}
}

// slowBody sends the headers at once and the body after d.
func slowBody(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		w.Write([]byte("<html><body>"))
		w.(http.Flusher).Flush()
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
		w.Write([]byte("</body></html>"))
	}
}

// noKeepAlive makes the client close the connection after h's answer.
func noKeepAlive(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		h(w, r)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name    string
		cfg     crawler.Config
		news1   http.HandlerFunc
		handled bool  // /news/1 reaches the handler
		hits    int   // requests for /news/1
		retries int64 // Stats.Retries
		errors  int64 // Stats.Errors
		fetched int64 // Stats.Fetched (of 2 pages)
	}{
		{"503 then 200", crawler.Config{}, failing(1, text(503, "busy")), true, 2, 1, 0, 2},
		{"500 twice then 200", crawler.Config{}, failing(2, text(500, "oops")), true, 3, 2, 0, 2},
		{"500 always", crawler.Config{}, text(500, "oops"), false, 4, 3, 1, 2},
		{"500 always, retries 1", crawler.Config{Retries: 1}, text(500, "oops"), false, 2, 1, 1, 2},
		{"500 always, no retries", crawler.Config{Retries: -1}, text(500, "oops"), false, 1, 0, 1, 2},
		{"404 not retried", crawler.Config{}, text(404, "gone"), false, 1, 0, 1, 2},
		{"429 without Retry-After", crawler.Config{}, failing(1, text(429, "slow down")), true, 2, 1, 0, 2},
		{"slow headers then fast", crawler.Config{Timeout: 100 * time.Millisecond}, failing(1, slow(time.Second)), true, 2, 1, 0, 2},
		{"slow headers always", crawler.Config{Timeout: 100 * time.Millisecond, Retries: 2}, slow(time.Second), false, 3, 2, 1, 1},
		{"slow body always", crawler.Config{Timeout: 100 * time.Millisecond, Retries: 1}, slowBody(time.Second), false, 2, 1, 1, 1},
		// net/http itself re-sends a GET once when a reused keep-alive
		// connection dies before answering; no connection is reused here
		// (Connection: close), so every attempt is ours.
		{"connection closed then 200", crawler.Config{}, failing(2, hangUp), true, 3, 2, 0, 2},
		{"connection closed always", crawler.Config{Retries: 2}, hangUp, false, 3, 2, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, map[string]http.HandlerFunc{
				"/":           noKeepAlive(html("/news/1")),
				"/robots.txt": noKeepAlive(http.NotFound),
				"/news/1":     noKeepAlive(tt.news1),
			})
			tt.cfg.RetryBase = 5 * time.Millisecond
			rec, st := crawl(t, tt.cfg, newsSite(srv, 1))
			if got := rec.page("/news/1") != nil; got != tt.handled {
				t.Errorf("/news/1 handled: %v, want %v", got, tt.handled)
			}
			if got := srv.hitsOf("/news/1"); got != tt.hits {
				t.Errorf("/news/1 requested %d times, want %d", got, tt.hits)
			}
			want := crawler.Stats{Fetched: tt.fetched, Pages: 1, Articles: 0, Retries: tt.retries, Errors: tt.errors}
			if tt.handled {
				want.Pages, want.Articles = 2, 1
			}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/": text(503, "busy"),
	})
	crawl(t, crawler.Config{RetryBase: 40 * time.Millisecond, Retries: 3}, newsSite(srv, 0))
	var at []time.Time
	for _, h := range srv.requests() {
		if h.target == "/" {
			at = append(at, h.at)
		}
	}
	if len(at) != 4 {
		t.Fatalf("%d requests, want 4", len(at))
	}
	// Backoffs are base·2^n with ±50% jitter: ≥ 20ms, 40ms, 80ms.
	for i, min := range []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond} {
		if g := at[i+1].Sub(at[i]); g < min-5*time.Millisecond {
			t.Errorf("retry %d came %s after the previous request, want ≥ %s", i+1, g, min)
		}
	}
}

// TestRawBody checks that a page declared windows-1256 in its header is
// handed as received (bytes and headers), while Doc holds the Arabic text.
func TestRawBody(t *testing.T) {
	const arabic = "عاجل: الرئيس يستقبل وفدا رفيع المستوى"
	page := "<html><head><title>خبر</title></head><body><h1>" + arabic + "</h1><a href=\"/news/2\">التالي</a></body></html>"
	raw, err := charmap.Windows1256.NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	const ct = "text/html; charset=windows-1256"
	srv := newServer(t, map[string]http.HandlerFunc{
		"/": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Header().Set("X-Extra", "1")
			w.Write(raw)
		},
		"/news/2": func(w http.ResponseWriter, r *http.Request) {
			// gzip on the wire: the body is handed decompressed.
			w.Header().Set("Content-Type", ct)
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(raw)
			zw.Close()
		},
	})
	rec, _ := crawl(t, crawler.Config{}, newsSite(srv, 1))
	for _, k := range []string{"/", "/news/2"} {
		p := rec.page(k)
		if p == nil {
			t.Fatalf("%s not handed", k)
		}
		if !bytes.Equal(p.Body, raw) {
			t.Errorf("%s: body differs from the bytes sent:\n got %q\nwant %q", k, p.Body, raw)
		}
		if got := p.Header.Values("Content-Type"); len(got) != 1 || got[0] != ct {
			t.Errorf("%s: Content-Type = %q, want %q", k, got, ct)
		}
		if p.Doc == nil || !strings.Contains(textOf(p.Doc), arabic) {
			t.Errorf("%s: Doc text lacks the Arabic headline", k)
		}
	}
	if rec.page("/").Header.Get("X-Extra") != "1" {
		t.Error("header X-Extra lost")
	}
}

func textOf(n *xhtml.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == xhtml.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func TestTruncated(t *testing.T) {
	big := "<html><body>" + strings.Repeat("<p>كلام</p>", 500) + "<a href=\"/news/9\">x</a></body></html>"
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":       html("/news/1", "/news/2"),
		"/news/1": text(200, big, "Content-Type", "text/html; charset=utf-8"),
		"/news/2": text(200, big[:1000], "Content-Type", "text/html; charset=utf-8"),
	})
	rec, st := crawl(t, crawler.Config{MaxBodyBytes: 1000}, newsSite(srv, 2))
	p1, p2 := rec.page("/news/1"), rec.page("/news/2")
	if p1 == nil || !p1.Truncated || string(p1.Body) != big[:1000] || p1.Doc == nil {
		t.Errorf("/news/1: want a body cut at 1000 bytes, marked Truncated")
	}
	if p2 == nil || p2.Truncated || len(p2.Body) != 1000 {
		t.Errorf("/news/2: a body of exactly MaxBodyBytes is whole")
	}
	if st.Truncated != 1 || srv.hitsOf("/news/9") != 0 {
		t.Errorf("stats %+v; /news/9 fetched %d times (its link was cut off)", st, srv.hitsOf("/news/9"))
	}
}

func TestRedirects(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/": html("/news/1", "/news/2", "/section/old", "/news/3", "/news/4", "/news/5", "/news/6"),
		// to a URL also linked: fetched once, by its own link
		"/news/1": redirect(http.StatusMovedPermanently, "/news/2?utm_source=redirect"),
		"/news/2": html(),
		// to a URL not linked: the page keeps its URL, FinalURL is the target
		"/section/old": redirect(http.StatusFound, "/section/new"),
		"/section/new": html("/news/7"),
		"/news/7":      html(),
		// off the site: not followed, no error
		"/news/3": redirect(http.StatusFound, "http://localhost:1/elsewhere"),
		// to an ignored URL: not followed
		"/news/4": redirect(http.StatusFound, "/private/x"),
		// a loop
		"/news/5": loop,
		// 3xx without Location: an error
		"/news/6": text(http.StatusFound, ""),
	})
	rec, st := crawl(t, crawler.Config{}, newsSite(srv, 2))
	if diff := cmp.Diff([]string{"/", "/news/2", "/news/7", "/section/old"}, rec.paths()); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if p := rec.page("/section/old"); p != nil && (p.FinalURL.Path != "/section/new" || p.Depth != 1 || p.Article) {
		t.Errorf("/section/old: final %s depth %d article %v", p.FinalURL, p.Depth, p.Article)
	}
	if n := srv.hitsOf("/news/2"); n != 1 {
		t.Errorf("/news/2 fetched %d times, want once", n)
	}
	if n := srv.hitsOf("/private/x"); n != 0 {
		t.Errorf("ignored redirect target fetched")
	}
	// /news/5 → ?a=1 → ?a=2 … : 10 redirects followed, the 11th is an error.
	if n := hitsPrefix(srv, "/news/5"); n != 11 {
		t.Errorf("redirect loop: %d requests, want 11", n)
	}
	want := crawler.Stats{Fetched: 9, Pages: 4, Articles: 2, Errors: 2}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// loop redirects /news/5?a=n to /news/5?a=n+1.
func loop(w http.ResponseWriter, r *http.Request) {
	n := 0
	if v := r.URL.Query().Get("a"); v != "" {
		for _, c := range v {
			n = n*10 + int(c-'0')
		}
	}
	http.Redirect(w, r, "/news/5?a="+itoa(n+1), http.StatusFound)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func hitsPrefix(s *server, prefix string) int {
	n := 0
	for _, h := range s.requests() {
		if strings.HasPrefix(h.target, prefix) {
			n++
		}
	}
	return n
}

func TestLinks(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/section/1": text(200, `<html><head><base href="/news/"><link rel="next" href="/section/2"><link rel="stylesheet" href="/section/css"></head>
<body><a href="1">rel to base</a><map><area href="/news/2"></map><a href="  /news/3  ">spaces</a><a>no href</a></body></html>`, "Content-Type", "text/html"),
		"/section/2": text(200, `<a href="/news/4">no content type: sniffed</a>`),
		"/news/":     html(),
	})
	site := newsSite(srv, 2)
	site.StartURLs = []string{srv.URL + "/section/1"}
	rec, _ := crawl(t, crawler.Config{}, site)
	want := []string{"/news/1", "/news/2", "/news/3", "/news/4", "/section/1", "/section/2"}
	if diff := cmp.Diff(want, rec.paths()); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

func TestNonHTML(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":       html("/news/1"),
		"/news/1": text(200, `{"a": "<a href='/news/2'>"}`, "Content-Type", "application/json"),
	})
	rec, _ := crawl(t, crawler.Config{}, newsSite(srv, 2))
	p := rec.page("/news/1")
	if p == nil || p.Doc != nil || srv.hitsOf("/news/2") != 0 {
		t.Errorf("a JSON page is handed without Doc and its text is not searched for links")
	}
}
