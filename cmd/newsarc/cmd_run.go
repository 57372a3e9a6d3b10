package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/metrics"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/internal/schedule"
	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/store"
)

type runOptions struct {
	listen   string
	jitter   time.Duration
	interval time.Duration // how often the sites folder is checked for changes
	revisit  time.Duration // how often due revisits are looked for
}

func newRunCmd(g *globalOptions) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [--listen ADDR]",
		Short: "Crawl every site on its schedule and serve the archive, until stopped",
		Long: `Run unattended: crawl each site on the cron schedule of its site file (never
two runs of one site at once; at most max_concurrent_sites sites at a time,
sharing the config's concurrency), and serve the archive's HTTP API and
metrics on listen (127.0.0.1:8080 by default). Site files are reloaded on
SIGHUP and when they change on disk; an invalid one is reported and the old
rules stay. SIGINT or SIGTERM stops taking new pages, stores what was
fetched, closes the archive and exits 0.

Each run keeps its frontier (queued and done pages) in the archive. A run
cut short (stopped, killed) is resumed as soon as newsarc run starts again,
without waiting for its slot: pages done are not fetched again, and a page
is done only once what it yielded is stored.

Every --revisit-interval, each site's articles whose revisit is due (the
site's revisits: ages after first seen, 15m 1h 6h 1d 3d 7d by default) are
fetched again with conditional requests, never beside a run of the site;
newsarc stats reports what those revisits found.`,
		Args: args(0, 0),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runRun(cmd.Context(), g, o, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "", "serve the API here instead of the config's listen (\"off\": do not serve)")
	f.DurationVar(&o.jitter, "jitter", 10*time.Second, "start each scheduled run after a random delay up to this long")
	f.DurationVar(&o.interval, "reload-interval", 2*time.Second, "how often the sites folder is checked for changed files")
	f.DurationVar(&o.revisit, "revisit-interval", time.Minute, "how often each site's due revisits are looked for and fetched")
	return cmd
}

// runGrace bounds how long a stop waits for runs in flight: the process
// exits within 10 s of SIGTERM, with time left to store and close.
const runGrace = 6 * time.Second

func runRun(ctx context.Context, g *globalOptions, o *runOptions, changed func(string) bool) error {
	if o.jitter < 0 || o.interval <= 0 || o.revisit <= 0 {
		return usagef("--jitter must not be negative, --reload-interval and --revisit-interval must be positive")
	}
	cfg, sites, err := g.configAndSites(false)
	if err != nil {
		return err
	}
	// SIGHUP means reload from now until the archive is closed, never the
	// default (terminate), also during start and stop.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if changed("listen") {
		if o.listen != "off" {
			if _, port, err := net.SplitHostPort(o.listen); err != nil || port == "" {
				return usagef("--listen %q: not host:port (like 127.0.0.1:8080) or off", o.listen)
			}
		}
		if o.listen != "off" && cfg.APIToken == "" && !config.LoopbackListen(o.listen) {
			return usagef("--listen %s: reachable beyond this machine; set api_token in the config first", o.listen)
		}
		cfg.Listen = o.listen
	}
	log := g.logger()
	// The store's default batch delay, not the crawl's: each run's frontier
	// marks join the same batches. bench/ -frontier: first crawl 0.71 of
	// bare colly's pages/s at both 10 and 25ms, but the conditional recrawl
	// 4.2 times faster than colly's crawl at 10ms and 2.5 at 25ms.
	db, err := store.Open(cfg.DB, nil)
	if err != nil {
		return err
	}
	defer db.Close()

	d := newDaemon(cfg, db, log)
	defer d.frontier.Close()
	sched := schedule.New(schedule.Options{MaxConcurrent: cfg.MaxConcurrentSites, Jitter: o.jitter, Grace: runGrace, Logger: log,
		OnSkip: d.metrics.RunSkipped})
	if err := d.setSites(sched, sites); err != nil {
		return err
	}

	// The API stops with the runs: an export streaming to a slow client
	// holds a read transaction that a growing archive's writers wait for.
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	var wg sync.WaitGroup
	if cfg.Listen != "off" {
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return fmt.Errorf("serve the API: %w", err)
		}
		log.Info("serving the API", "url", "http://"+ln.Addr().String())
		h := server.New(server.Options{Archive: db, Sites: d.currentSites, Config: cfg, Metrics: d.metrics,
			Token: cfg.APIToken, Software: "newsarc/" + fullVersion(), Logger: log, ArchiveID: archiveID(cfg.DB)})
		wg.Go(func() {
			if err := server.Serve(serveCtx, ln, h, time.Second, log); err != nil {
				log.Error("API server", "err", err)
			}
		})
	}

	reloadCtx, stopReload := context.WithCancel(ctx)
	wg.Go(func() { d.watchSites(reloadCtx, g, cfg, sched, o.interval, hup) })

	log.Info("running", "sites", len(sites), "scheduled", len(d.scheduled()), "max_concurrent_sites", cfg.MaxConcurrentSites)
	resumed, err := d.resumeAll(ctx)
	if err != nil {
		stopReload()
		stopServing()
		wg.Wait()
		return err
	}
	// Revisit passes stop with the runs; what they fetched is stored.
	revisitsDone := make(chan struct{})
	go func() {
		defer close(revisitsDone)
		d.revisitLoop(ctx, o.revisit)
	}()
	// Resumed runs and revisit passes are waited for beside the scheduled
	// runs, within the same grace.
	resumeErr := make(chan error, 1)
	go func() {
		<-ctx.Done()
		resumeErr <- waitGrace(all(resumed, revisitsDone), runGrace)
	}()
	runErr := sched.Run(ctx)
	if err := <-resumeErr; err != nil && runErr == nil {
		runErr = err
	}
	stopReload()
	stopServing()
	wg.Wait()
	d.transport.CloseIdleConnections()
	d.frontier.Close() // what the runs marked done, on disk before the archive closes
	if err := db.Close(); err != nil {
		return fmt.Errorf("close archive: %w", err)
	}
	if runErr != nil {
		log.Warn("stopped with runs still in flight; what they had stored is kept", "err", runErr)
	}
	log.Info("stopped")
	return nil // a stop by signal is how a service ends
}

// daemon is the state `newsarc run` shares between its scheduled runs, the
// API and the reloader.
type daemon struct {
	cfg       config.Config
	db        *store.DB
	log       *slog.Logger
	transport *limitTransport // every run's requests go through it
	metrics   *metrics.Registry

	sem      chan struct{}      // max_concurrent_sites tokens, shared by scheduled and resumed runs
	frontier *pipeline.Frontier // where each run keeps its frontier

	mu        sync.Mutex
	sites     []*config.Site
	lastStart map[string]time.Time // of each site's last successful run
	queued    map[string]int64     // URLs waiting in each running crawl
	busy      map[string]*holder   // sites with a run or a revisit pass going: never two at once
}

// holder is what holds a site: a run, or a pass over its due revisits,
// which a run of the site stops (cancel) and waits for (done).
type holder struct {
	revisit bool
	cancel  context.CancelFunc
	done    chan struct{} // closed by unclaim
}

// watchQueue publishes the frontier of a site's running crawl, summed
// over the sites running, every second until the returned stop is called.
func (d *daemon) watchQueue(site string, c *crawler.Crawler) (stop func()) {
	set := func(n int64) {
		d.mu.Lock()
		if n == 0 {
			delete(d.queued, site)
		} else {
			d.queued[site] = n
		}
		var sum int64
		for _, q := range d.queued {
			sum += q
		}
		d.mu.Unlock()
		d.metrics.QueueDepth(int(sum))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				set(c.Stats().Queued)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		set(0)
	}
}

func newDaemon(cfg config.Config, db *store.DB, log *slog.Logger) *daemon {
	return &daemon{cfg: cfg, db: db, log: log, transport: newLimitTransport(cfg.Concurrency), metrics: metrics.New(),
		sem: make(chan struct{}, max(cfg.MaxConcurrentSites, 1)), frontier: pipeline.NewFrontier(db, log),
		lastStart: map[string]time.Time{}, queued: map[string]int64{}, busy: map[string]*holder{}}
}

// setSites makes sites the ones in force: their scheduled runs, and what
// the API lists. On an error nothing changes.
func (d *daemon) setSites(sched *schedule.Scheduler, sites []*config.Site) error {
	var jobs []schedule.Job
	for _, s := range sites {
		if s.Schedule == "" {
			continue
		}
		name := s.Name
		jobs = append(jobs, schedule.Job{Name: s.Name, Schedule: s.Schedule, Run: d.runSite(s),
			Busy: func() bool { return d.claimed(name) }})
	}
	if err := sched.Set(jobs); err != nil {
		return err
	}
	d.mu.Lock()
	d.sites = sites
	d.mu.Unlock()
	return nil
}

// currentSites returns the sites in force.
func (d *daemon) currentSites() []*config.Site {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sites
}

// scheduled returns the names of the sites that have a schedule.
func (d *daemon) scheduled() []string {
	var names []string
	for _, s := range d.currentSites() {
		if s.Schedule != "" {
			names = append(names, s.Name)
		}
	}
	return names
}

// runSite is one scheduled crawl of s: from its start URLs, into the
// archive, with the config's limits shared by every run. It carries on the
// site's unfinished run when the archive holds one.
func (d *daemon) runSite(s *config.Site) func(ctx context.Context) error {
	crawl := d.crawlSite(s, false)
	return func(ctx context.Context) error {
		err := crawl(ctx)
		if errors.Is(err, errSiteBusy) {
			d.log.Warn("resumed run still in progress: slot skipped", "site", s.Name)
			d.metrics.RunSkipped(s.Name)
			return nil
		}
		return err
	}
}

// errResumed: the unfinished run a resume was for has ended meanwhile.
var errResumed = errors.New("the unfinished run has ended meanwhile")

// errSiteBusy: another run of the site is going.
var errSiteBusy = errors.New("another run of the site is in progress")

// claimed reports whether a run of site is going (a revisit pass does
// not count: a run stops it).
func (d *daemon) claimed(site string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	h := d.busy[site]
	return h != nil && !h.revisit
}

// claim marks site as running; false when it already is. A revisit pass of
// the site is stopped first (what it fetched is stored) and waited for.
func (d *daemon) claim(site string) bool {
	for {
		d.mu.Lock()
		h := d.busy[site]
		if h == nil {
			d.busy[site] = &holder{done: make(chan struct{})}
			d.mu.Unlock()
			return true
		}
		d.mu.Unlock()
		if !h.revisit {
			return false
		}
		h.cancel()
		<-h.done
	}
}

// claimRevisit marks site as in a revisit pass, which cancel stops; false
// when the site is busy.
func (d *daemon) claimRevisit(site string, cancel context.CancelFunc) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[site] != nil {
		return false
	}
	d.busy[site] = &holder{revisit: true, cancel: cancel, done: make(chan struct{})}
	return true
}

func (d *daemon) unclaim(site string) {
	d.mu.Lock()
	h := d.busy[site]
	delete(d.busy, site)
	d.mu.Unlock()
	if h != nil {
		close(h.done)
	}
}

// resumeAll starts at once, without waiting for their slots, the runs of
// the scheduled sites that the archive holds an unfinished frontier of (a
// run killed or stopped). The returned channel is closed once they have all
// returned; they end when ctx does.
func (d *daemon) resumeAll(ctx context.Context) (<-chan struct{}, error) {
	done := make(chan struct{})
	unfinished, err := d.db.FrontierSites(ctx)
	if err != nil {
		close(done)
		return done, err
	}
	var wg sync.WaitGroup
	for _, name := range unfinished {
		var site *config.Site
		for _, s := range d.currentSites() {
			if s.Name == name && s.Schedule != "" {
				site = s
			}
		}
		if site == nil {
			d.log.Warn("unfinished run of a site that is not scheduled: left for later", "site", name)
			continue
		}
		crawl := d.crawlSite(site, true)
		d.log.Info("resuming the unfinished run", "site", name)
		wg.Go(func() {
			// A scheduled run that got the site first carries the
			// frontier on itself.
			if err := crawl(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, errSiteBusy) && !errors.Is(err, errResumed) {
				d.log.Error("resumed run failed", "site", name, "err", err)
			}
		})
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done, nil
}

// all is closed once every one of cs is.
func all(cs ...<-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for _, c := range cs {
			<-c
		}
		close(done)
	}()
	return done
}

// waitGrace waits for done, at most grace.
func waitGrace(done <-chan struct{}, grace time.Duration) error {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return fmt.Errorf("resumed runs or revisit passes still in progress after %s", grace)
	}
}

// crawlSite is one crawl of s, the site's unfinished run carried on if
// there is one. A crawl that ends (not stopped) clears the site's frontier.
// It waits for a max_concurrent_sites slot, then claims the site (stopping
// its revisit pass, if one is going), or returns errSiteBusy when another
// run of the site holds it. A resume returns errResumed when, by the time
// it has the site, a scheduled run has carried the unfinished run to its
// end.
func (d *daemon) crawlSite(s *config.Site, resume bool) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-d.sem }()
		if !d.claim(s.Name) {
			return errSiteBusy
		}
		defer d.unclaim(s.Name)
		if resume {
			unfinished, err := d.db.FrontierSites(ctx)
			if err != nil {
				return err
			}
			if !slices.Contains(unfinished, s.Name) {
				d.log.Info("unfinished run already carried on by a scheduled run", "site", s.Name)
				return errResumed
			}
		}
		log := d.log.With("site", s.Name)
		cs := s.Crawl
		d.mu.Lock()
		since, known := d.lastStart[s.Name]
		d.mu.Unlock()
		if !known { // the first run of this site since the start: ask the archive
			since, _ = d.db.LastRun(ctx, s.Name)
		}
		cs.Since = since // sitemap and feed entries older than the last good run are skipped
		plan := &crawlPlan{}
		plan.add(cs, pipelineSite(s))
		ccfg := crawlerConfig(d.cfg, d.log) // the crawler names the site in its own lines
		ccfg.Transport = d.transport
		ccfg.OnFetch = d.metrics.Fetch
		ccfg.Frontier = d.frontier
		start := time.Now()
		res, err := crawlOnce(ctx, d.db, ccfg, plan, d.log, d.metrics, func(c *crawler.Crawler, _ *pipeline.Pipeline) func() {
			return d.watchQueue(s.Name, c)
		})
		if ctx.Err() == nil {
			// The run ended, and everything it fetched is stored
			// (crawlOnce closed the pipeline): the next one starts afresh.
			if ferr := d.frontier.Finish(ctx, s.Name); ferr != nil && err == nil {
				err = ferr
			}
		}
		reportSelectors(nil, d.log, res.health)
		c := res.counts
		log.Info("run finished", "took", res.took.Round(time.Millisecond), "fetched", res.stats.Fetched,
			"resumed", res.stats.Resumed, "resumed_done", res.stats.ResumedDone,
			"discovered", res.stats.Discovered, "articles", c.Articles, "new", c.New, "unchanged", c.Unchanged, "not_modified", c.NotModified,
			"errors", res.stats.Errors+c.StoreFailed)
		if err == nil && c.StoreFailed > 0 {
			err = fmt.Errorf("%d extracted articles could not be stored", c.StoreFailed)
		}
		if err == nil && ctx.Err() == nil {
			d.mu.Lock()
			d.lastStart[s.Name] = start
			d.mu.Unlock()
			// Kept in the archive, so that discovery after a restart
			// still reads only what is newer.
			if serr := d.db.SetLastRun(context.WithoutCancel(ctx), s.Name, start); serr != nil {
				log.Warn("record the last good run", "err", serr)
			}
		}
		if ctx.Err() == nil { // a run cut short by a stop is neither
			d.metrics.RunFinished(s.Name, err == nil, time.Now())
		}
		return err
	}
}

// watchSites reloads the site files on SIGHUP and when a file in the sites
// folder changes. An invalid set is reported with the file, line and field,
// and the sites in force stay.
func (d *daemon) watchSites(ctx context.Context, g *globalOptions, cfg config.Config, sched *schedule.Scheduler, every time.Duration,
	hup <-chan os.Signal) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := dirState(cfg.SitesDir)
	for {
		why := ""
		select {
		case <-ctx.Done():
			return
		case <-hup:
			why = "SIGHUP"
		case <-tick.C:
			now := dirState(cfg.SitesDir)
			if now == last {
				continue
			}
			last, why = now, "site files changed"
		}
		sites, err := g.loadSites(cfg)
		if err == nil {
			err = d.setSites(sched, sites)
		}
		if err != nil {
			d.log.Error("site files not reloaded; the old rules stay in force", "reason", why, "err", err)
			continue
		}
		d.log.Info("site files reloaded", "reason", why, "sites", len(sites), "scheduled", len(d.scheduled()))
	}
}

// dirState is a fingerprint of the site files of dir: names, sizes and
// modification times.
func dirState(dir string) string {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	paths = append(paths, more...)
	sort.Strings(paths)
	var b []byte
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		b = fmt.Appendf(b, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
	}
	return string(b)
}

// limitTransport keeps at most n requests in flight across every run, so
// that sites crawled at once share the config's concurrency.
type limitTransport struct {
	next *http.Transport
	sem  chan struct{}
}

func newLimitTransport(n int) *limitTransport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * n
	t.MaxIdleConnsPerHost = n
	t.Proxy = nil // the crawler's requests go where the site files say, not through the environment's proxy
	return &limitTransport{next: t, sem: make(chan struct{}, n)}
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.sem <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		<-t.sem
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { <-t.sem }}
	return resp, nil
}

func (t *limitTransport) CloseIdleConnections() { t.next.CloseIdleConnections() }

// releaseBody gives the transport's slot back when the body is closed.
type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// revisitBatch bounds the due revisits of one site fetched in one pass; the
// rest wait for the next pass.
const revisitBatch = 1000

// A revisit that failed for a reason that may pass is tried again after
// revisitRetry revisit intervals (4 min by default), and counted as failed
// once it has been due for revisitGiveUp intervals (1 h).
const (
	revisitRetry  = 4
	revisitGiveUp = 60
)

// revisitLoop starts, every interval (and once at the start), a pass over
// the due revisits of each site that has none going and is not backing off.
// A pass never runs beside a run of its site: it is not started while one
// is going, and a run that starts stops it. Passes share the config's
// concurrency with the runs, but not max_concurrent_sites: they must not
// wait behind long runs. It returns once ctx is done and its passes have.
func (d *daemon) revisitLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	backoff := newBackoff(2*every, time.Hour)
	for ctx.Err() == nil {
		now := time.Now()
		for _, s := range d.currentSites() {
			if len(s.Revisits) == 0 || d.busySite(s.Name) || !backoff.ready(s.Name, now) {
				continue
			}
			wg.Go(func() { backoff.record(s.Name, d.revisitSite(ctx, s, every), time.Now()) })
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// busySite reports whether a run or a revisit pass holds site.
func (d *daemon) busySite(site string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.busy[site] != nil
}

// passResult is how a revisit pass went, for the back-off.
type passResult int

const (
	passNothing   passResult = iota // nothing due, or the pass did not run
	passOK                          // something was stored
	passTransient                   // only transient failures: the site or the network is down
)

// backoff spaces the revisit passes of a site whose passes fail for
// transient reasons only: from min, doubling, up to max; a pass that
// stores something ends it.
type backoff struct {
	min, max time.Duration
	mu       sync.Mutex
	wait     map[string]time.Duration
	until    map[string]time.Time
}

func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max, wait: map[string]time.Duration{}, until: map[string]time.Time{}}
}

func (b *backoff) ready(site string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !now.Before(b.until[site])
}

func (b *backoff) record(site string, r passResult, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch r {
	case passOK:
		delete(b.wait, site)
		delete(b.until, site)
	case passTransient:
		w := min(max(2*b.wait[site], b.min), b.max)
		b.wait[site], b.until[site] = w, now.Add(w)
	}
}

// revisitSite fetches the articles of s whose revisit is due, with
// conditional requests: the store counts each stored fetch against its plan
// (store.Outcome.Revisit). Then the revisits with nothing stored for a
// definite reason (a 4xx, a redirect off the site or to a follow page,
// extraction failed, the host left the site's domains) are counted as
// failed and their plans move on, so that a gone page is not asked for
// every minute. Those that failed for a reason that may pass (no answer,
// 5xx, 429, robots.txt saying no, which may be robots.txt's own server
// error) are tried again revisitRetry intervals later, behind the others
// due, and counted as failed once due for revisitGiveUp intervals. When the
// pass was stopped (by a stop, or by a run of the site) or could not store,
// everything not stored stays due.
func (d *daemon) revisitSite(ctx context.Context, s *config.Site, every time.Duration) passResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !d.claimRevisit(s.Name, cancel) {
		return passNothing // a run of the site is going
	}
	defer d.unclaim(s.Name)
	log := d.log.With("site", s.Name)
	start := time.Now()
	due, err := d.db.DueRevisits(ctx, s.Name, start, revisitBatch)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("read due revisits", "err", err)
		}
		return passNothing
	}
	if len(due) == 0 {
		return passNothing
	}
	var (
		plans   = make(map[string][]string, len(due)) // normalised target -> article URLs
		failing []string                              // article URLs to count as failed
		mu      sync.Mutex
		retry   = map[string]bool{} // normalised targets that failed for a transient reason
	)
	cs := crawler.Site{Name: s.Name, Domains: s.Crawl.Domains, IgnoreURLs: s.Crawl.IgnoreURLs, Rate: s.Crawl.Rate, Revisit: true}
	for _, r := range due {
		u, err := url.Parse(r.Target)
		norm, nerr := urlnorm.Normalize(r.Target)
		if err != nil || nerr != nil || !urlnorm.HostAllowed(u.Host, s.Crawl.Domains) {
			failing = append(failing, r.URL) // no longer on the site
			continue
		}
		plans[norm] = append(plans[norm], r.URL)
		cs.StartURLs = append(cs.StartURLs, r.Target)
	}
	var res crawlResult
	if len(cs.StartURLs) > 0 {
		plan := &crawlPlan{}
		plan.add(cs, pipelineSite(s))
		ccfg := crawlerConfig(d.cfg, d.log)
		ccfg.Transport = d.transport
		ccfg.OnFetch = d.metrics.Fetch
		ccfg.OnFailure = func(_, u string, status int) {
			if status == 0 || status == http.StatusTooManyRequests || status >= 500 {
				mu.Lock()
				retry[u] = true
				mu.Unlock()
			}
		}
		res, err = crawlOnce(ctx, d.db, ccfg, plan, d.log, d.metrics, nil)
	}
	c := res.counts
	switch {
	case ctx.Err() != nil:
		log.Info("revisit pass stopped; the rest stay due", "due", len(due), "revisits", c.Revisits)
		return passNothing
	case err != nil || c.StoreFailed > 0:
		log.Error("revisit pass failed; its revisits stay due", "err", err, "store_failed", c.StoreFailed)
		return passNothing
	}
	var again []string // article URLs to try again later
	for norm, articles := range plans {
		if retry[norm] {
			again = append(again, articles...)
		} else {
			failing = append(failing, articles...) // RevisitsFailed leaves those stored alone
		}
	}
	failed, err := d.db.RevisitsFailed(ctx, failing, s.Revisits, start)
	if err != nil {
		log.Error("count failed revisits", "err", err)
		failed = map[time.Duration]int{}
	}
	if len(again) > 0 {
		// Behind the others due, so that pages failing for long cannot
		// hold them up; given up after revisitGiveUp intervals.
		gaveUp, err := d.db.RevisitsRetry(ctx, again, s.Revisits, start, time.Now().Add(revisitRetry*every), revisitGiveUp*every)
		if err != nil {
			log.Error("put off revisits to try again", "err", err)
		}
		for age, n := range gaveUp {
			failed[age] += n
		}
	}
	nfailed := 0
	for age, n := range failed {
		d.metrics.RevisitsFailed(s.Name, store.AgeLabel(age), n)
		nfailed += n
	}
	log.Info("revisits done", "took", time.Since(start).Round(time.Millisecond), "due", len(due), "fetched", res.stats.Fetched,
		"revisits", c.Revisits, "changed", c.RevisitsNew, "not_modified", c.NotModified, "failed", nfailed, "retry", len(retry))
	if len(retry) > 0 && c.Revisits == 0 {
		return passTransient
	}
	return passOK
}
