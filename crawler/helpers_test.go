package crawler_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsarc/newsarc/crawler"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// hit is one request as the test server saw it.
type hit struct {
	at     time.Time
	target string // path?query
	ua     string
}

// server is a scripted loopback site: routes by path?query, else by path,
// else by a prefix ending in "/" (not "/" itself); 404 for the rest. It
// records every request.
type server struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   []hit
	count  map[string]int
}

func newServer(t *testing.T, routes map[string]http.HandlerFunc) *server {
	t.Helper()
	s := &server{t: t, routes: routes, count: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.hits = append(s.hits, hit{at: time.Now(), target: target, ua: r.UserAgent()})
	s.count[target]++
	h := s.routes[target]
	if h == nil {
		h = s.routes[r.URL.Path]
	}
	for prefix, ph := range s.routes {
		if h == nil && strings.HasSuffix(prefix, "/") && prefix != "/" && strings.HasPrefix(r.URL.Path, prefix) {
			h = ph
		}
	}
	s.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// requests returns every request so far, in order of arrival.
func (s *server) requests() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// hitsOf returns how many times target (path?query) was requested.
func (s *server) hitsOf(target string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[target]
}

// counts returns the number of requests per path?query.
func (s *server) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.count)
}

// html serves a page linking to hrefs.
func html(hrefs ...string) http.HandlerFunc {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>t</title></head><body>")
	for _, h := range hrefs {
		fmt.Fprintf(&b, "<a href=%q>x</a>\n", h)
	}
	b.WriteString("</body></html>")
	page := b.String()
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}
}

// text serves a fixed body with a status and headers.
func text(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// redirect answers with code and Location loc.
func redirect(code int, loc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, code) }
}

// recorder is a Handler that keeps every page by its URL's path?query
// (tests of several hosts look at Stats and server logs instead).
type recorder struct {
	mu    sync.Mutex
	pages map[string]*crawler.Page
	urls  map[string]bool // every URL handed
	dups  []string        // URLs handed twice
}

func (r *recorder) handle(_ context.Context, p *crawler.Page) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pages == nil {
		r.pages = map[string]*crawler.Page{}
	}
	if r.urls == nil {
		r.urls = map[string]bool{}
	}
	if r.urls[p.URL] {
		r.dups = append(r.dups, p.URL)
	}
	r.urls[p.URL] = true
	r.pages[pathQuery(p.URL)] = p
	return nil
}

// paths returns the path?query of every page handled, sorted.
func (r *recorder) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.pages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *recorder) page(k string) *crawler.Page {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pages[k]
}

// pathQuery strips scheme and host from an absolute URL.
func pathQuery(u string) string {
	i := strings.Index(u, "://")
	j := strings.IndexByte(u[i+3:], '/')
	if j < 0 {
		return "/"
	}
	return u[i+3+j:]
}

func res(exprs ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(exprs))
	for i, e := range exprs {
		out[i] = regexp.MustCompile(e)
	}
	return out
}

// newsSite is a site on srv with the usual patterns.
func newsSite(srv *server, depth int) crawler.Site {
	return crawler.Site{
		Name:        "news",
		Domains:     []string{"127.0.0.1"},
		StartURLs:   []string{srv.URL + "/"},
		ArticleURLs: res(`^/news/\d+$`),
		FollowURLs:  res(`^/section/`),
		IgnoreURLs:  res(`^/private/`, `\?print=`),
		MaxDepth:    depth,
	}
}

// crawl runs a crawler over sites and returns what it recorded.
func crawl(t *testing.T, cfg crawler.Config, sites ...crawler.Site) (*recorder, crawler.Stats) {
	t.Helper()
	rec := &recorder{}
	c, err := crawler.New(cfg, sites, rec.handle)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	st, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rec.dups) > 0 {
		t.Errorf("pages handed twice: %v", rec.dups)
	}
	return rec, st
}

// gaps returns the time between successive requests in hs.
func gaps(hs []hit) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(hs); i++ {
		out = append(out, hs[i].at.Sub(hs[i-1].at))
	}
	return out
}
