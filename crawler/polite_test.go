package crawler_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/crawler"
)

// Timing margins: the gaps measured on the server may be a little shorter
// than the client's spacing (one request waits for a new connection, the
// next reuses one), never much.
const slack = 30 * time.Millisecond

func TestRobotsDisallow(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		// Our group, not "*", applies.
		"/robots.txt": text(200, "User-agent: *\nDisallow: /\n\nUser-agent: newsarc\nDisallow: /news/secret\nDisallow: /section/*?sort=\n"),
		"/":           html("/news/1", "/news/secret", "/section/a?sort=new", "/section/b"),
		"/news/1":     html(),
		"/section/b":  html(),
	})
	site := newsSite(srv, 2)
	site.ArticleURLs = res(`^/news/`)
	rec, st := crawl(t, crawler.Config{Concurrency: 4}, site)
	if diff := cmp.Diff([]string{"/", "/news/1", "/section/b"}, rec.paths()); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if st.RobotsBlocked != 2 {
		t.Errorf("robots blocked = %d, want 2", st.RobotsBlocked)
	}
	if n := srv.hitsOf("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once", n)
	}
	for _, p := range []string{"/news/secret", "/section/a?sort=new"} {
		if srv.hitsOf(p) != 0 {
			t.Errorf("%s fetched despite robots.txt", p)
		}
	}
}

func TestRobotsServerErrorDisallowsAll(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/robots.txt": text(500, "oops"),
		"/":           html("/news/1"),
	})
	rec, st := crawl(t, crawler.Config{}, newsSite(srv, 1))
	if len(rec.paths()) != 0 || st.RobotsBlocked != 1 || st.Fetched != 0 {
		t.Errorf("pages %v, stats %+v: want nothing fetched, 1 blocked", rec.paths(), st)
	}
}

// TestSpacing checks on the server's clock that requests to a host are
// spaced by the slower of the site's rate and robots.txt's Crawl-delay,
// robots.txt and redirect hops included.
func TestSpacing(t *testing.T) {
	tests := []struct {
		name       string
		rate       float64
		crawlDelay string
		want       time.Duration
	}{
		{"crawl-delay slower", 20, "0.25", 250 * time.Millisecond},
		{"rate slower", 4, "0.1", 250 * time.Millisecond},
		{"rate only", 5, "", 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			robots := "User-agent: *\nDisallow: /private/\n"
			if tt.crawlDelay != "" {
				robots += "Crawl-delay: " + tt.crawlDelay + "\n"
			}
			srv := newServer(t, map[string]http.HandlerFunc{
				"/robots.txt":   text(200, robots),
				"/":             redirect(http.StatusMovedPermanently, "/home"),
				"/home":         redirect(http.StatusFound, "/section/home"),
				"/section/home": html("/news/1", "/news/2", "/news/3"),
				"/news/1":       html(),
				"/news/2":       html(),
				"/news/3":       html(),
			})
			site := newsSite(srv, 1)
			site.Rate = tt.rate
			rec, st := crawl(t, crawler.Config{Concurrency: 8}, site)
			hs := srv.requests()
			if len(hs) != 7 || hs[0].target != "/robots.txt" || st.Pages != 4 {
				t.Fatalf("requests %v, stats %+v: want robots.txt, 3 hops, 3 articles", hs, st)
			}
			for i, g := range gaps(hs) {
				if g < tt.want-slack {
					t.Errorf("%s came %s after %s, want ≥ %s", hs[i+1].target, g, hs[i].target, tt.want)
				}
			}
			p := rec.page("/")
			if p == nil || p.FinalURL.Path != "/section/home" || p.Article {
				t.Errorf("page / = %+v, want final URL /section/home", p)
			}
		})
	}
}

// TestRateZeroIsParallel checks that a site without rate or Crawl-delay is
// fetched by several workers at once.
func TestRateZeroIsParallel(t *testing.T) {
	var inFlight, most atomic.Int64
	srv := newServer(t, map[string]http.HandlerFunc{
		"/": html("/news/1", "/news/2", "/news/3", "/news/4", "/news/5", "/news/6"),
		"/news/": func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(150 * time.Millisecond)
			html()(w, r)
		},
	})
	site := newsSite(srv, 1)
	site.ArticleURLs = res(`^/news/`)
	start := time.Now()
	_, st := crawl(t, crawler.Config{Concurrency: 6}, site)
	if st.Pages != 7 || most.Load() < 3 {
		t.Errorf("pages %d, at most %d in flight; want 7 pages fetched in parallel", st.Pages, most.Load())
	}
	if took := time.Since(start); took > 600*time.Millisecond { // one at a time: ≥ 900ms
		t.Errorf("crawl took %s: not parallel", took)
	}
}

// TestRetryAfter checks that a 429 or 503 with Retry-After pauses the whole
// host for that long, then the page is retried.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		status int
		value  func() string
		want   time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, func() string { return "1" }, time.Second},
		// An HTTP date has whole seconds: 2s ahead is 1 to 2 s away.
		{"503 date", http.StatusServiceUnavailable, func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			srv := newServer(t, map[string]http.HandlerFunc{
				"/": html("/news/1", "/news/2", "/news/3", "/news/4"),
				"/news/1": func(w http.ResponseWriter, r *http.Request) {
					if calls.Add(1) == 1 {
						w.Header().Set("Retry-After", tt.value())
						w.WriteHeader(tt.status)
						return
					}
					html()(w, r)
				},
				"/news/": html(),
			})
			site := newsSite(srv, 1)
			site.Rate = 50 // one request at a time, so that none is in flight when the 429 comes
			rec, st := crawl(t, crawler.Config{Concurrency: 4, RetryBase: time.Millisecond}, site)
			if rec.page("/news/1") == nil || st.Pages != 5 || st.Retries != 1 || st.Errors != 0 {
				t.Fatalf("pages %v, stats %+v: want /news/1 retried once, 5 pages", rec.paths(), st)
			}
			hs := srv.requests()
			var limited time.Time
			for _, h := range hs {
				switch {
				case h.target == "/news/1" && limited.IsZero():
					limited = h.at
				case !limited.IsZero() && h.at.Sub(limited) < tt.want-slack:
					t.Errorf("%s requested %s after the %d, want ≥ %s", h.target, h.at.Sub(limited), tt.status, tt.want)
				}
			}
		})
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/": text(http.StatusServiceUnavailable, "down for maintenance", "Retry-After", "86400"),
	})
	start := time.Now()
	_, st := crawl(t, crawler.Config{}, newsSite(srv, 1))
	if time.Since(start) > 2*time.Second || st.Errors != 1 || st.Retries != 0 || st.Fetched != 1 {
		t.Errorf("stats %+v after %s: want one error, no retry, at once", st, time.Since(start))
	}
}

// TestSlowHostDoesNotStallOthers checks that workers are not stuck waiting
// for a slow host while another host has work: a rate-limited host takes
// one worker at most.
func TestSlowHostDoesNotStallOthers(t *testing.T) {
	var links []string
	for i := range 20 {
		links = append(links, "/news/"+itoa(i))
	}
	slowSrv := newServer(t, map[string]http.HandlerFunc{"/": html(links...), "/news/": html()})
	fastSrv := newServer(t, map[string]http.HandlerFunc{"/": html(links...), "/news/": html()})
	slowSite, fastSite := newsSite(slowSrv, 1), newsSite(fastSrv, 1)
	slowSite.Name, slowSite.Rate = "slow", 4
	slowSite.ArticleURLs, fastSite.ArticleURLs = res(`^/news/`), res(`^/news/`)

	start := time.Now()
	_, st := crawl(t, crawler.Config{Concurrency: 2, MaxPages: 21 + 4}, slowSite, fastSite)
	hs := fastSrv.requests()
	if st.Fetched != 25 || len(hs) != 22 {
		t.Fatalf("stats %+v, %d requests to the fast host: want all 22", st, len(hs))
	}
	if took := hs[len(hs)-1].at.Sub(start); took > 600*time.Millisecond {
		t.Errorf("the fast host was done after %s: workers waited for the slow one", took)
	}
}
