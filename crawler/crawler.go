package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsarc/newsarc/internal/urlnorm"
)

// DefaultUserAgent is the User-Agent of a Config that names none.
const DefaultUserAgent = "newsarc/0.1 (+https://example.org/newsarc)"

// Defaults for the zero values of Config.
const (
	defaultConcurrency  = 8
	defaultTimeout      = 30 * time.Second
	defaultMaxBodyBytes = 10 << 20
	defaultRetries      = 3
	defaultRetryBase    = 500 * time.Millisecond
)

// Log attribute keys.
const (
	keySite   = "site"
	keyURL    = "url"
	keyStatus = "status"
	keyErr    = "err"
)

// Config is how the crawler behaves across all sites. The zero value is
// usable: every zero field means its default.
type Config struct {
	UserAgent    string            // "" = DefaultUserAgent
	Concurrency  int               // requests in flight, all hosts together; 0 = 8
	Timeout      time.Duration     // per request, from the moment it leaves its host's gate; 0 = 30s
	MaxBodyBytes int64             // 0 = 10 MiB; larger bodies are cut, Page.Truncated set and counted
	MaxPages     int               // pages fetched in all (Stats.Fetched; robots.txt not counted); 0 = no limit
	Retries      int               // attempts after the first on timeouts, connection errors, 5xx and 429; 0 = 3, <0 = none
	RetryBase    time.Duration     // first backoff, doubled each time with jitter; 0 = 500ms
	Logger       *slog.Logger      // nil = discard
	Transport    http.RoundTripper // nil = a tuned *http.Transport (MaxIdleConnsPerHost >= Concurrency), closed after Run

	// Validators, when not nil, is asked before each request for an
	// article page (each redirect hop that is an article, by its own
	// normalised URL; never a start page, a follow page or robots.txt) for
	// the ETag and Last-Modified of its last fetch. Those not empty are
	// sent as If-None-Match and If-Modified-Since on that hop's requests,
	// retries included. A 304 to such a request is handed as a Page with
	// NotModified set. It is called from several goroutines at once.
	Validators func(ctx context.Context, url string) (etag, lastModified string)
	// OnFetch, when set, is called after each page request (every redirect
	// hop, retries included in took) with the site's name, the status (0:
	// no response), the body's size and the time taken: for metrics. Not
	// for robots.txt, sitemaps or feeds.
	OnFetch func(site string, status int, bytes int64, took time.Duration)
	// OnFailure, when set, is called for each page that failed (counted
	// in Stats.Errors, handler errors aside) or that robots.txt kept from
	// being fetched (Stats.RobotsBlocked), with the site's name, the page's
	// normalised URL as queued (before redirects) and the final status: 0
	// when no response came (after retries) or robots.txt said no (which
	// may be a server error of robots.txt's), else the non-2xx status or
	// the redirect that could not be followed.
	OnFailure func(site, url string, status int)
	// Frontier, when not nil, keeps each site's frontier, so that a run
	// cut short is resumed by the next Run: see the package doc, "Resume".
	// nil keeps it in memory only.
	Frontier Frontier
}

// Stats are a crawl's running totals.
type Stats struct {
	Fetched       int64 // pages with a final response, any status (robots.txt not counted)
	Pages         int64 // pages handed to the handler: 2xx, and 304 to a conditional request
	Articles      int64 // of which Page.Article
	NotModified   int64 // of which Page.NotModified (304 to a conditional request; always articles)
	Errors        int64 // fetch failures after retries, non-2xx final responses, handler errors
	HandlerErrors int64 // handler errors and panics (also in Errors)
	Retries       int64 // requests repeated after a failure
	RobotsBlocked int64 // URLs not fetched because robots.txt disallows them
	Truncated     int64 // bodies cut at MaxBodyBytes
	Queued        int64 // URLs waiting to be fetched (sitemaps and feeds included)

	// Discovery (see the package doc): sitemaps and feeds are not pages
	// and are counted here only, never in the counters above but Retries,
	// RobotsBlocked and Queued.
	Discovered       int64 // URLs from sitemaps and feeds queued as pages (once fetched, also in Fetched, Pages...)
	DiscoveryFetched int64 // sitemaps and feeds with a final response, any status
	DiscoveryErrors  int64 // sitemaps and feeds that failed: fetch failures after retries, non-2xx final responses, bodies that are neither sitemap nor feed

	// Resume (Config.Frontier only).
	Resumed        int64 // URLs of an unfinished run queued again
	ResumedDone    int64 // URLs of an unfinished run done before: not fetched again
	FrontierErrors int64 // Frontier calls that failed (their pages stay queued there)
}

// Crawler crawls a set of sites once. Make one with New.
type Crawler struct {
	cfg     Config
	sites   []*site
	handler Handler
	log     *slog.Logger
	started atomic.Bool

	fetched, pages, articles, notModified, errs, handlerErrs, retries, robotsBlocked, truncated, queued atomic.Int64
	discovered, discoveryFetched, discoveryErrs                                                         atomic.Int64
	resumed, resumedDone, frontierErrs                                                                  atomic.Int64
}

// New checks cfg and sites and returns a crawler for them. It starts
// nothing: the crawl happens in Run.
func New(cfg Config, sites []Site, h Handler) (*Crawler, error) {
	if h == nil {
		return nil, errors.New("new crawler: nil handler")
	}
	if err := cfg.fill(); err != nil {
		return nil, fmt.Errorf("new crawler: %w", err)
	}
	if len(sites) == 0 {
		return nil, errors.New("new crawler: no sites")
	}
	c := &Crawler{cfg: cfg, handler: h, log: cfg.Logger}
	names := make(map[string]bool, len(sites))
	for i := range sites {
		s, err := compileSite(sites[i])
		if err != nil {
			return nil, fmt.Errorf("new crawler: site %q: %w", sites[i].Name, err)
		}
		if names[s.Name] {
			return nil, fmt.Errorf("new crawler: site %q: name used twice", s.Name)
		}
		if s.Revisit && cfg.Frontier != nil {
			// Frontiers are by site name: the pass would carry on, or
			// clear, the site's crawl.
			return nil, fmt.Errorf("new crawler: site %q: a revisit pass has no frontier", s.Name)
		}
		names[s.Name] = true
		c.sites = append(c.sites, s)
	}
	return c, nil
}

// fill checks cfg and replaces zero values by defaults.
func (cfg *Config) fill() error {
	switch {
	case cfg.Concurrency < 0:
		return fmt.Errorf("concurrency %d: must be 0 (default) or more", cfg.Concurrency)
	case cfg.Timeout < 0:
		return fmt.Errorf("timeout %s: must be 0 (default) or more", cfg.Timeout)
	case cfg.MaxBodyBytes < 0 || cfg.MaxBodyBytes >= math.MaxInt:
		return fmt.Errorf("max body bytes %d: must be 0 (default) or more", cfg.MaxBodyBytes)
	case cfg.MaxPages < 0:
		return fmt.Errorf("max pages %d: must be 0 (no limit) or more", cfg.MaxPages)
	case cfg.RetryBase < 0:
		return fmt.Errorf("retry base %s: must be 0 (default) or more", cfg.RetryBase)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = defaultConcurrency
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = defaultMaxBodyBytes
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = defaultRetries
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase = defaultRetryBase
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Stats returns the totals so far. It is safe to call during Run. Counters
// are read in the reverse of the order a page moves them, so that a
// snapshot never shows more 304s than articles, more articles than pages
// or more pages than fetched.
func (c *Crawler) Stats() Stats {
	var s Stats
	s.HandlerErrors = c.handlerErrs.Load()
	s.Errors = c.errs.Load()
	s.NotModified = c.notModified.Load()
	s.Articles = c.articles.Load()
	s.Pages = c.pages.Load()
	s.Truncated = c.truncated.Load()
	s.Fetched = c.fetched.Load()
	s.Retries = c.retries.Load()
	s.RobotsBlocked = c.robotsBlocked.Load()
	s.Queued = c.queued.Load()
	s.DiscoveryErrors = c.discoveryErrs.Load()
	s.DiscoveryFetched = c.discoveryFetched.Load()
	s.Discovered = c.discovered.Load()
	s.Resumed = c.resumed.Load()
	s.ResumedDone = c.resumedDone.Load()
	s.FrontierErrors = c.frontierErrs.Load()
	return s
}

// Run crawls every site from its start URLs and what its sitemaps and
// feeds list, to the end: until no URL is left, MaxPages is reached, or
// ctx is cancelled. It returns the final Stats, and ctx.Err() when ctx was
// cancelled. Handlers in flight when ctx is cancelled finish first; no
// goroutine Run started outlives it.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	if !c.started.CompareAndSwap(false, true) {
		return c.Stats(), errors.New("run crawler: a crawler runs once")
	}
	r := c.newRun(ctx)
	defer r.close()

	for _, s := range c.sites {
		// An unfinished run's URLs are seen first: the start URLs it has
		// are not queued again.
		resumed, err := r.resume(ctx, s)
		if err != nil {
			return c.Stats(), fmt.Errorf("run crawler: resume site %q: %w", s.Name, err)
		}
		r.front.add(ctx, resumed)
		var seeds []*task
		for _, raw := range s.StartURLs {
			u, norm, err := parseNorm(raw)
			if err != nil || !r.seen.add(norm) {
				continue // checked in New; a start URL given twice is fetched once
			}
			if !s.allowed(u) {
				c.log.Debug("start url ignored", keySite, s.Name, keyURL, norm)
				continue
			}
			seeds = append(seeds, &task{site: s, u: u, url: norm, depth: 0, article: s.isArticle(u, 0)})
		}
		if s.AdHoc || s.Revisit {
			r.queue(ctx, seeds)
			continue
		}
		r.startDiscovery(ctx, s, seeds)
	}

	var wg sync.WaitGroup
	for range c.cfg.Concurrency {
		wg.Go(func() { r.work(ctx) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return c.Stats(), err
	}
	return c.Stats(), nil
}

// parseNorm parses and normalises an absolute URL; u is the parsed normal form.
func parseNorm(raw string) (*url.URL, string, error) {
	norm, err := urlnorm.Normalize(raw)
	if err != nil {
		return nil, "", err
	}
	u, err := url.Parse(norm)
	if err != nil {
		return nil, "", err
	}
	return u, norm, nil
}

// seenSet is the crawl's set of normalised URLs already queued or fetched.
type seenSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

// add marks u and reports whether it was new: of all concurrent callers
// with one URL, exactly one gets true.
func (s *seenSet) add(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[u]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[string]struct{})
	}
	s.m[u] = struct{}{}
	return true
}
