package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/demo"
	"github.com/newsarc/newsarc/internal/metrics"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/store"
)

type crawlOptions struct {
	sites       []string
	maxPages    int
	depth       int
	concurrency int
	rate        float64
	demo        bool
	progress    string
}

func newCrawlCmd(g *globalOptions) *cobra.Command {
	o := &crawlOptions{}
	cmd := &cobra.Command{
		Use:   "crawl [--site NAME]... [URL]...",
		Short: "Crawl now: the named sites' start URLs plus any URLs given",
		Args:  args(0, -1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runCrawl(cmd.Context(), g, o, a, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.sites, "site", nil, "crawl this site from its start_urls (repeatable)")
	f.IntVar(&o.maxPages, "max-pages", 0, "stop after this many pages (0 = no limit)")
	f.IntVar(&o.depth, "depth", 1, "links to follow from a start URL (overrides max_depth; default 1 for ad hoc URLs)")
	f.IntVar(&o.concurrency, "concurrency", 0, "requests in flight, all hosts together (overrides the config)")
	f.Float64Var(&o.rate, "rate", 0, "requests per second per host (overrides the site files; 0 = no limit)")
	f.BoolVar(&o.demo, "demo", false, "serve the built-in sample news site on a loopback port and crawl it")
	f.StringVar(&o.progress, "progress", "auto", "progress display: auto (bar on a terminal), bar, log, none")
	return cmd
}

// crawlPlan is what one crawl will visit.
type crawlPlan struct {
	crawl []crawler.Site
	pipe  []pipeline.Site
}

func (p *crawlPlan) add(s crawler.Site, ps pipeline.Site) {
	p.crawl = append(p.crawl, s)
	p.pipe = append(p.pipe, ps)
}

func runCrawl(ctx context.Context, g *globalOptions, o *crawlOptions, urls []string, changed func(string) bool) error {
	switch o.progress {
	case "auto", "bar", "log", "none":
	default:
		return usagef("--progress: %q is not auto, bar, log or none", o.progress)
	}
	if o.maxPages < 0 || o.depth < 0 || o.concurrency < 0 || o.rate < 0 {
		return usagef("--max-pages, --depth, --concurrency and --rate must not be negative")
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	log := g.logger()
	var sites []*config.Site
	if !o.demo || len(o.sites) > 0 {
		if sites, err = g.loadSites(cfg); err != nil {
			return err
		}
	}
	if o.demo {
		base, stopDemo, err := demo.Start()
		if err != nil {
			return fmt.Errorf("start demo site: %w", err)
		}
		defer stopDemo(context.WithoutCancel(ctx))
		if sites, err = addDemoSite(sites); err != nil {
			return err
		}
		ds := sites[len(sites)-1]
		ds.Crawl.StartURLs = []string{base + "/"}
		log.Info("serving the demo news site", "url", base)
		o.sites = append(o.sites, ds.Name)
	}
	plan, err := planCrawl(sites, o, urls, changed)
	if err != nil {
		return err
	}

	db, err := store.Open(cfg.DB, &store.Options{BatchDelay: pipeline.BatchDelay})
	if err != nil {
		return err
	}
	// Close flushes what is pending even when ctx was cancelled.
	defer db.Close()

	ccfg := crawlerConfig(cfg, log)
	ccfg.MaxPages = o.maxPages
	if changed("concurrency") {
		ccfg.Concurrency = o.concurrency
	}
	res, runErr := crawlOnce(ctx, db, ccfg, plan, log, nil, func(c *crawler.Crawler, p *pipeline.Pipeline) func() {
		return startProgress(g.stderr, o.progress, log, c, p)
	})
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close archive: %w", err)
	}
	printSummary(g.stdout, res.took, res.stats, res.counts)
	reportSelectors(g.stdout, log, res.health)
	if runErr == nil && res.counts.StoreFailed > 0 {
		// Pages may fail; the archive may not.
		runErr = fmt.Errorf("%d extracted articles could not be stored in %s (see the log)", res.counts.StoreFailed, cfg.DB)
	}
	return runErr
}

// crawlerConfig is the crawler's part of the main config.
func crawlerConfig(cfg config.Config, log *slog.Logger) crawler.Config {
	return crawler.Config{
		UserAgent:    cfg.UserAgent,
		Concurrency:  cfg.Concurrency,
		Timeout:      time.Duration(cfg.Timeout),
		MaxBodyBytes: cfg.MaxBodyBytes,
		Logger:       log,
	}
}

// crawlResult is what one crawl did.
type crawlResult struct {
	stats  crawler.Stats
	counts pipeline.Counts
	health []pipeline.FieldHealth
	took   time.Duration
}

// crawlOnce crawls plan into db with the extracting and storing pipeline,
// and stores everything fetched before it returns, also when ctx is
// cancelled. progress, when not nil, starts a display and returns its stop.
func crawlOnce(ctx context.Context, db store.Archive, ccfg crawler.Config, plan *crawlPlan, log *slog.Logger,
	m *metrics.Registry, progress func(*crawler.Crawler, *pipeline.Pipeline) func()) (crawlResult, error) {
	pipe := pipeline.New(db, plan.pipe, log)
	pipe.SetMetrics(m)
	ccfg.Validators = pipe.Validators
	c, err := crawler.New(ccfg, plan.crawl, pipe.Handle)
	if err != nil {
		pipe.Close()
		return crawlResult{}, err
	}
	start := time.Now()
	stop := func() {}
	if progress != nil {
		stop = progress(c, pipe)
	}
	stats, err := c.Run(ctx)
	pipe.Close()
	stop()
	return crawlResult{stats: stats, counts: pipe.Counts(), health: pipe.SelectorHealth(), took: time.Since(start)}, err
}

// reportSelectors logs and prints the selectors that took nothing on most
// article pages of a crawl.
func reportSelectors(w io.Writer, log *slog.Logger, health []pipeline.FieldHealth) {
	for _, h := range pipeline.Unhealthy(health, selectorMinPages, selectorThreshold) {
		log.Warn("selector took nothing on most pages: has the site changed its markup?", "site", h.Site,
			"field", h.Field, "hits", h.Hits, "pages", h.Pages)
		if w != nil {
			fmt.Fprintf(w, "  selector %s of %s took something on %d of %d article pages: check the site file\n",
				h.Field, h.Site, h.Hits, h.Pages)
		}
	}
}

// A selector whose hit rate over a run of at least selectorMinPages article
// pages falls below selectorThreshold is reported.
const (
	selectorMinPages  = 10
	selectorThreshold = 0.5
)

// planCrawl picks the sites to crawl and turns the given URLs into start
// URLs of their site, or of an ad hoc site limited to their host.
func planCrawl(sites []*config.Site, o *crawlOptions, urls []string, changed func(string) bool) (*crawlPlan, error) {
	chosen := map[string]*config.Site{}
	var order []*config.Site
	pick := func(s *config.Site) {
		if chosen[s.Name] == nil {
			c := *s
			c.Crawl.StartURLs = append([]string(nil), s.Crawl.StartURLs...)
			chosen[s.Name] = &c
			order = append(order, &c)
		}
	}
	for _, name := range o.sites {
		s, err := findSite(sites, name)
		if err != nil {
			return nil, err
		}
		pick(s)
	}
	if len(o.sites) == 0 && len(urls) == 0 {
		return nil, usagef("crawl: name a site (--site NAME), give a URL, or use --demo")
	}
	adhoc := map[string]*crawler.Site{}
	var adhocOrder []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err == nil {
			_, err = urlnorm.NormalizeURL(u)
		}
		if err != nil {
			return nil, usagef("crawl: %v", err)
		}
		if owner := siteFor(sites, u); owner != nil {
			c := chosen[owner.Name]
			if c == nil {
				// A site reached only through URLs given: those URLs, not
				// its own start URLs.
				pick(owner)
				c = chosen[owner.Name]
				c.Crawl.StartURLs = nil
			}
			c.Crawl.StartURLs = append(c.Crawl.StartURLs, raw)
			continue
		}
		host := u.Hostname()
		s := adhoc[host]
		if s == nil {
			s = &crawler.Site{Name: host, Domains: []string{host}, MaxDepth: o.depth, Rate: config.DefaultRate, AdHoc: true}
			adhoc[host] = s
			adhocOrder = append(adhocOrder, host)
		}
		s.StartURLs = append(s.StartURLs, raw)
	}
	plan := &crawlPlan{}
	for _, s := range order {
		cs := s.Crawl
		if changed("depth") {
			cs.MaxDepth = o.depth
		}
		if changed("rate") {
			cs.Rate = o.rate
		}
		if len(cs.StartURLs) == 0 {
			return nil, usagef("crawl: site %s has no start_urls (%s) and no URL of it was given", s.Name, s.File)
		}
		plan.add(cs, pipelineSite(s))
	}
	for _, host := range adhocOrder {
		cs := *adhoc[host]
		if changed("rate") {
			cs.Rate = o.rate
		}
		plan.add(cs, pipeline.Site{Name: cs.Name, Domains: cs.Domains, AdHoc: true})
	}
	return plan, nil
}

func printSummary(w io.Writer, took time.Duration, s crawler.Stats, c pipeline.Counts) {
	fmt.Fprintf(w, "crawl finished in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(w, "  fetched      %d\n", s.Fetched)
	fmt.Fprintf(w, "  articles     %d\n", c.Articles)
	fmt.Fprintf(w, "  new          %d\n", c.New)
	fmt.Fprintf(w, "  unchanged    %d\n", c.Unchanged)
	fmt.Fprintf(w, "  not modified %d (304 answers to conditional requests, counted in unchanged)\n", c.NotModified)
	fmt.Fprintf(w, "  errors       %d\n", s.Errors+c.StoreFailed)
	if s.DiscoveryFetched > 0 || s.DiscoveryErrors > 0 {
		fmt.Fprintf(w, "  discovered   %d (from %d sitemaps and feeds; %d failed)\n", s.Discovered, s.DiscoveryFetched, s.DiscoveryErrors)
	}
	if c.Revisits > 0 {
		fmt.Fprintf(w, "  revisits     %d due revisits made, %d found a new version\n", c.Revisits, c.RevisitsNew)
	}
	if s.RobotsBlocked > 0 {
		fmt.Fprintf(w, "  robots.txt   %d blocked\n", s.RobotsBlocked)
	}
	if s.Truncated > 0 {
		fmt.Fprintf(w, "  truncated    %d\n", s.Truncated)
	}
	if c.Skipped > 0 {
		fmt.Fprintf(w, "  skipped      %d (not HTML, cut at max_body_bytes, or no article content on an ad hoc page)\n", c.Skipped)
	}
	sites := make([]string, 0, len(c.BodyFallback))
	for site := range c.BodyFallback {
		sites = append(sites, site)
	}
	sort.Strings(sites)
	for _, site := range sites {
		fmt.Fprintf(w, "  body selector missed on %d pages of %s (generic extractor used)\n", c.BodyFallback[site], site)
	}
}

// pipelineSite is what the pipeline needs of a configured site to crawl it.
func pipelineSite(s *config.Site) pipeline.Site {
	return pipeline.Site{Name: s.Name, Domains: s.Crawl.Domains, Rules: s.Rules, HasBody: s.HasBody, Revisits: s.Revisits}
}

// addDemoSite appends the built-in demo site to sites.
func addDemoSite(sites []*config.Site) ([]*config.Site, error) {
	ds, err := config.ParseSite("demo.yaml", demo.SiteFile())
	if err != nil {
		return nil, fmt.Errorf("demo site file: %w", err)
	}
	return append(sites, ds), nil
}
