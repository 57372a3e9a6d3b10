package crawler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/crawler"
)

func TestRouting(t *testing.T) {
	var srv *server
	srv = newServer(t, map[string]http.HandlerFunc{
		"/": func(w http.ResponseWriter, r *http.Request) {
			html("/news/1", "/news/2", "/section/a", "/about", "/private/x", "/news/2?print=1",
				"mailto:desk@example.org", "javascript:void(0)", "#top",
				"/news/1#comments", "/news/1?utm_source=tw&fbclid=abc", // the same article
				strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/news/9", // another host
			)(w, r)
		},
		"/news/1":    html("/news/4", "/tag/x", "/section/c", "/"),
		"/news/2":    html(),
		"/news/4":    html("/news/5"), // depth 3: /news/5 would be depth 3 > 2
		"/section/a": html("/news/3", "/section/b?page=2"),
		"/section/b": html("/news/6"),
		"/section/c": html(),
		"/news/3":    html(),
		"/about":     html(),
		"/tag/x":     html(),
	})
	rec, st := crawl(t, crawler.Config{}, newsSite(srv, 2))

	type pg struct {
		Depth   int
		Article bool
	}
	got := map[string]pg{}
	for _, k := range rec.paths() {
		p := rec.page(k)
		got[k] = pg{p.Depth, p.Article}
	}
	want := map[string]pg{
		"/":                 {0, false},
		"/news/1":           {1, true},
		"/news/2":           {1, true},
		"/section/a":        {1, false},
		"/news/4":           {2, true},
		"/section/c":        {2, false},
		"/news/3":           {2, true},
		"/section/b?page=2": {2, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	for _, never := range []string{"/about", "/private/x", "/news/2?print=1", "/tag/x", "/news/5", "/news/6"} {
		if n := srv.hitsOf(never); n > 0 {
			t.Errorf("%s fetched %d times, want never", never, n)
		}
	}
	wantStats := crawler.Stats{Fetched: 8, Pages: 8, Articles: 4}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	p := rec.page("/news/1")
	if p.Site != "news" || p.Status != 200 || p.Doc == nil || p.FinalURL.String() != srv.URL+"/news/1" ||
		p.FetchedAt.IsZero() || p.FetchedAt.Location() != time.UTC || !strings.Contains(string(p.Body), "/tag/x") {
		t.Errorf("page /news/1 = %+v", p)
	}
}

func TestDepth(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":          html("/section/1"),
		"/section/1": html("/section/2"),
		"/section/2": html("/section/3"),
		"/section/3": html("/section/4"),
	})
	tests := []struct {
		depth int
		want  []string
	}{
		{0, []string{"/"}},
		{1, []string{"/", "/section/1"}},
		{3, []string{"/", "/section/1", "/section/2", "/section/3"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.depth), func(t *testing.T) {
			rec, _ := crawl(t, crawler.Config{}, newsSite(srv, tt.depth))
			if diff := cmp.Diff(tt.want, rec.paths()); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

// linkedSite serves n pages /news/0 … /news/n-1, each linking to many
// others (with tracking parameters and fragments too), and / linking to
// /news/0 … /news/9.
func linkedSite(t *testing.T, n int) *server {
	routes := map[string]http.HandlerFunc{}
	var home []string
	for i := range min(n, 10) {
		home = append(home, fmt.Sprintf("/news/%d", i))
	}
	routes["/"] = html(home...)
	for i := range n {
		var links []string
		for k := 1; k <= 12; k++ {
			j := (i*7 + k*k*13) % n
			links = append(links, fmt.Sprintf("/news/%d", j))
			switch k % 4 {
			case 1:
				links = append(links, fmt.Sprintf("/news/%d?utm_source=x%d&utm_medium=y", j, k))
			case 2:
				links = append(links, fmt.Sprintf("/news/%d#c%d", j, k))
			case 3:
				links = append(links, fmt.Sprintf("/news/%d?gclid=%d", j, i))
			}
		}
		links = append(links, fmt.Sprintf("/news/%d", (i+1)%n)) // every page reachable
		routes[fmt.Sprintf("/news/%d", i)] = html(links...)
	}
	return newServer(t, routes)
}

func TestNoURLFetchedTwice(t *testing.T) {
	const n = 300
	srv := linkedSite(t, n)
	site := newsSite(srv, 1000)
	rec, st := crawl(t, crawler.Config{Concurrency: 8}, site)
	if got := len(rec.paths()); got != n+1 {
		t.Errorf("%d pages handed, want %d", got, n+1)
	}
	for _, h := range srv.requests() {
		if strings.Contains(h.target, "?") {
			t.Errorf("tracking variant fetched: %s", h.target)
		}
	}
	for target, c := range srv.counts() {
		if c != 1 {
			t.Errorf("%s fetched %d times", target, c)
		}
	}
	if st.Fetched != n+1 || st.Pages != n+1 || st.Articles != n || st.Errors != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestMaxPages(t *testing.T) {
	srv := linkedSite(t, 100)
	for _, max := range []int{1, 7, 30} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			rec, st := crawl(t, crawler.Config{Concurrency: 8, MaxPages: max}, newsSite(srv, 1000))
			if st.Fetched != int64(max) || len(rec.paths()) != max {
				t.Errorf("fetched %d, handed %d pages, want %d", st.Fetched, len(rec.paths()), max)
			}
		})
	}
}

func TestAdHoc(t *testing.T) {
	var srv *server
	srv = newServer(t, map[string]http.HandlerFunc{
		"/start": func(w http.ResponseWriter, r *http.Request) {
			html("/a", "/b/c?x=1", "/private/p", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/elsewhere")(w, r)
		},
		"/a":      html("/deeper"),
		"/b/c":    html(),
		"/deeper": html(),
	})
	site := crawler.Site{Name: "127.0.0.1", StartURLs: []string{srv.URL + "/start"}, IgnoreURLs: res(`^/private/`), MaxDepth: 1, AdHoc: true}
	rec, st := crawl(t, crawler.Config{}, site)
	got := map[string]bool{}
	for _, k := range rec.paths() {
		got[k] = rec.page(k).Article
	}
	// The start URL is a candidate article too: people give an article's URL.
	want := map[string]bool{"/start": true, "/a": true, "/b/c?x=1": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages → article (-want +got):\n%s", diff)
	}
	if st.Articles != 3 {
		t.Errorf("articles = %d, want 3", st.Articles)
	}
}

func TestHandlerErrorsAndPanics(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":       html("/news/1", "/news/2", "/news/3"),
		"/news/1": html("/news/4"),
		"/news/2": html("/news/5"),
		"/news/3": html(),
		"/news/4": html(),
		"/news/5": html(),
	})
	var handled sync.Map
	h := func(_ context.Context, p *crawler.Page) error {
		handled.Store(pathQuery(p.URL), true)
		switch pathQuery(p.URL) {
		case "/news/1":
			return errors.New("no headline")
		case "/news/2":
			panic("boom")
		}
		return nil
	}
	c, err := crawler.New(crawler.Config{}, []crawler.Site{newsSite(srv, 3)}, h)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/news/1", "/news/2", "/news/3", "/news/4", "/news/5"} {
		if _, ok := handled.Load(p); !ok {
			t.Errorf("%s not handled", p)
		}
	}
	if st.HandlerErrors != 2 || st.Errors != 2 || st.Pages != 6 {
		t.Errorf("stats = %+v, want 2 handler errors, 2 errors, 6 pages", st)
	}
}

func TestCancel(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{})
	srv.routes["/"] = func(w http.ResponseWriter, r *http.Request) {
		var links []string
		for i := range 100 {
			links = append(links, fmt.Sprintf("/news/%d", i))
		}
		html(links...)(w, r)
	}
	srv.routes["/news/"] = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(150 * time.Millisecond):
		case <-r.Context().Done():
		}
		html()(w, r)
	}
	var inHandler, finished atomic.Int64
	h := func(ctx context.Context, p *crawler.Page) error {
		inHandler.Add(1)
		defer finished.Add(1)
		time.Sleep(50 * time.Millisecond) // a handler that finishes its work even when ctx is done
		return nil
	}
	site := newsSite(srv, 1)
	site.ArticleURLs = res(`^/news/`)
	c, err := crawler.New(crawler.Config{Concurrency: 4}, []crawler.Site{site}, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(400*time.Millisecond, cancel)
	start := time.Now()
	st, err := c.Run(ctx)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if took > 400*time.Millisecond+time.Second {
		t.Errorf("Run returned %s after start, want within 1s of the cancel at 400ms", took)
	}
	if inHandler.Load() != finished.Load() {
		t.Errorf("%d handlers started, %d finished", inHandler.Load(), finished.Load())
	}
	if st.Pages == 0 || st.Pages >= 101 || st.Queued == 0 {
		t.Errorf("stats = %+v, want some pages and some left queued", st)
	}
	if st.Errors != 0 {
		t.Errorf("cancelled requests counted as errors: %+v", st)
	}
}

func TestConcurrency(t *testing.T) {
	var inFlight, most atomic.Int64
	srv := newServer(t, map[string]http.HandlerFunc{})
	srv.routes["/"] = html("/news/0", "/news/1", "/news/2", "/news/3", "/news/4", "/news/5", "/news/6", "/news/7", "/news/8", "/news/9")
	srv.routes["/news/"] = func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		html()(w, r)
	}
	site := newsSite(srv, 1)
	_, st := crawl(t, crawler.Config{Concurrency: 3}, site)
	if st.Pages != 11 {
		t.Errorf("pages = %d, want 11", st.Pages)
	}
	if m := most.Load(); m > 3 || m < 2 {
		t.Errorf("at most %d requests in flight, want 3", m)
	}
}

func TestNew(t *testing.T) {
	ok := crawler.Site{Name: "s", Domains: []string{"example.org"}, StartURLs: []string{"https://example.org/"}}
	h := func(context.Context, *crawler.Page) error { return nil }
	tests := []struct {
		name  string
		cfg   crawler.Config
		sites []crawler.Site
		h     crawler.Handler
		want  string // "" = no error
	}{
		{"ok", crawler.Config{}, []crawler.Site{ok}, h, ""},
		{"nil handler", crawler.Config{}, []crawler.Site{ok}, nil, "nil handler"},
		{"no sites", crawler.Config{}, nil, h, "no sites"},
		{"negative concurrency", crawler.Config{Concurrency: -1}, []crawler.Site{ok}, h, "concurrency"},
		{"negative timeout", crawler.Config{Timeout: -time.Second}, []crawler.Site{ok}, h, "timeout"},
		{"negative max pages", crawler.Config{MaxPages: -1}, []crawler.Site{ok}, h, "max pages"},
		{"negative retries is none", crawler.Config{Retries: -1}, []crawler.Site{ok}, h, ""},
		{"no start urls", crawler.Config{}, []crawler.Site{{Name: "s", Domains: []string{"example.org"}}}, h, "no start urls"},
		{"bad start url", crawler.Config{}, []crawler.Site{{Name: "s", StartURLs: []string{"ftp://example.org/"}}}, h, "start url"},
		{"start url off domains", crawler.Config{}, []crawler.Site{{Name: "s", Domains: []string{"example.org"}, StartURLs: []string{"https://example.com/"}}}, h, "not in domains"},
		{"negative rate", crawler.Config{}, []crawler.Site{{Name: "s", StartURLs: []string{"https://example.org/"}, Rate: -1}}, h, "rate"},
		{"negative depth", crawler.Config{}, []crawler.Site{{Name: "s", StartURLs: []string{"https://example.org/"}, MaxDepth: -1}}, h, "max depth"},
		{"name twice", crawler.Config{}, []crawler.Site{ok, ok}, h, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := crawler.New(tt.cfg, tt.sites, tt.h)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("New = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestRunOnce(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{"/": html()})
	c, err := crawler.New(crawler.Config{}, []crawler.Site{newsSite(srv, 0)}, func(context.Context, *crawler.Page) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(t.Context()); err == nil {
		t.Error("second Run: no error")
	}
}

func TestEnvironmentIgnored(t *testing.T) {
	t.Setenv("COLLY_USER_AGENT", "evil")
	t.Setenv("COLLY_MAX_DEPTH", "1")
	t.Setenv("COLLY_ALLOWED_DOMAINS", "example.org")
	t.Setenv("COLLY_FOLLOW_REDIRECTS", "no")
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":          redirect(http.StatusFound, "/section/1"),
		"/section/1": html("/section/2"),
		"/section/2": html(),
	})
	for _, ua := range []string{"", "custom/1.0"} {
		rec, _ := crawl(t, crawler.Config{UserAgent: ua}, newsSite(srv, 5))
		if diff := cmp.Diff([]string{"/", "/section/2"}, rec.paths()); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		want := ua
		if want == "" {
			want = crawler.DefaultUserAgent
		}
		hs := srv.requests()
		if got := hs[len(hs)-1].ua; got != want {
			t.Errorf("User-Agent = %q, want %q", got, want)
		}
	}
}

func TestStatsDuringRun(t *testing.T) {
	srv := linkedSite(t, 100)
	c, err := crawler.New(crawler.Config{}, []crawler.Site{newsSite(srv, 100)}, func(context.Context, *crawler.Page) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
				if s := c.Stats(); s.Pages > s.Fetched || s.Articles > s.Pages || s.NotModified > s.Articles || s.HandlerErrors > s.Errors {
					t.Errorf("stats %+v: inconsistent snapshot", s)
					return
				}
			}
		}
	})
	st, err := c.Run(t.Context())
	close(done)
	wg.Wait()
	if err != nil || st.Pages != 101 || st.Queued != 0 {
		t.Errorf("Run = %+v, %v", st, err)
	}
}

func TestLogs(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":       html("/news/1", "/news/2"),
		"/news/1": text(500, "oops"),
		"/news/2": html(),
	})
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := func(_ context.Context, p *crawler.Page) error {
		if strings.HasSuffix(p.URL, "/news/2") {
			panic("boom")
		}
		return nil
	}
	c, err := crawler.New(crawler.Config{Logger: log, Retries: -1}, []crawler.Site{newsSite(srv, 1)}, h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	var failed, panicked, colly bool
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		switch rec["msg"] {
		case "fetch failed":
			failed = rec["url"] == srv.URL+"/news/1" && rec["status"] == 500.0 && rec["err"] != nil && rec["level"] == "WARN"
		case "handle page":
			panicked = rec["url"] == srv.URL+"/news/2" && strings.Contains(fmt.Sprint(rec["err"]), "boom") &&
				strings.Contains(fmt.Sprint(rec["stack"]), "panic")
		case "colly request":
			colly = true
		}
	}
	if !failed || !panicked || !colly {
		t.Errorf("logs: fetch failed %v, handler panic %v, colly events %v:\n%s", failed, panicked, colly, buf.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
