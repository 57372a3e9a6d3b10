package metrics

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// FetchBuckets are the fetch latency histogram's upper bounds, in seconds:
// from a fast local answer (10ms) to the default request timeout (30s).
var FetchBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30}

// Registry holds newsarc's metrics. Its methods are safe for concurrent use,
// and do nothing on a nil *Registry.
type Registry struct {
	reg *prometheus.Registry

	pages, bytes, notModified, snapshots, extractFailures *prometheus.CounterVec
	selectorMisses, runs, revisits, revisitsChanged       *prometheus.CounterVec
	revisitsFailed                                        *prometheus.CounterVec
	fetchSeconds                                          *prometheus.HistogramVec
	selectorRatio, lastSuccess                            *prometheus.GaugeVec
	queueDepth                                            prometheus.Gauge

	mu      sync.Mutex
	running map[string]map[string]*tally // site -> field -> selector tally of the run in progress
	last    map[string][]SelectorRate    // site -> the last finished run's rates
}

type tally struct{ hits, total int }

// SelectorRate is how often one field's selector matched over a run.
type SelectorRate struct {
	Field       string
	Hits, Total int     // article pages where the selector matched, and those where it was tried
	Rate        float64 // Hits / Total
}

// New returns a Registry with every newsarc_ metric, and the Go runtime and
// process collectors, registered on a registry of its own.
func New() *Registry {
	r := &Registry{
		reg:     prometheus.NewRegistry(),
		running: map[string]map[string]*tally{},
		last:    map[string][]SelectorRate{},
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsarc", Name: name, Help: help}, labels)
		r.reg.MustRegister(c)
		return c
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "newsarc", Name: name, Help: help}, labels)
		r.reg.MustRegister(g)
		return g
	}
	r.pages = counter("pages_fetched_total", "Pages fetched, by site and HTTP status code (\"error\" when no response came).", "site", "code")
	r.bytes = counter("response_bytes_total", "Response body bytes received, by site.", "site")
	r.notModified = counter("not_modified_total", "304 Not Modified answers to conditional requests, by site.", "site")
	r.snapshots = counter("snapshots_total", "Article snapshots put in the archive, by site and outcome (new version or unchanged).", "site", "outcome")
	r.extractFailures = counter("extraction_failures_total", "Article pages the extractor failed on, by site.", "site")
	r.selectorMisses = counter("selector_misses_total", "Article pages where a site selector matched nothing, by site and field.", "site", "field")
	r.runs = counter("runs_total", "Site runs, by site and result (ok, failed, skipped).", "site", "result")
	r.revisits = counter("revisits_total", "Scheduled revisits of known articles, by site and age bucket.", "site", "age")
	r.revisitsFailed = counter("revisits_failed_total", "Scheduled revisits with nothing stored (fetch failed, page gone or no longer an article), by site and age bucket.", "site", "age")
	r.revisitsChanged = counter("revisits_changed_total", "Scheduled revisits that found a new version, by site and age bucket.", "site", "age")
	r.selectorRatio = gauge("selector_hit_ratio", "Share of the last finished run's article pages where the site selector for the field matched, by site and field.", "site", "field")
	r.lastSuccess = gauge("last_successful_run_timestamp_seconds", "Unix time at which the site's last successful run ended.", "site")
	r.fetchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "newsarc", Name: "fetch_duration_seconds",
		Help: "Time taken by each fetch, by site.", Buckets: FetchBuckets}, []string{"site"})
	r.queueDepth = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "newsarc", Name: "frontier_queue_depth",
		Help: "URLs waiting in the crawl frontier."})
	r.reg.MustRegister(r.fetchSeconds, r.queueDepth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Handler serves the metrics in the Prometheus exposition format. On a nil
// Registry it answers 404.
func (r *Registry) Handler() http.Handler {
	if r == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "metrics are not enabled", http.StatusNotFound)
		})
	}
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// Fetch counts one fetch: its status code (0 when no response came, e.g. a
// network error or a timeout), the body bytes received, and the time it took.
func (r *Registry) Fetch(site string, status int, bytes int64, took time.Duration) {
	if r == nil {
		return
	}
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	r.pages.WithLabelValues(site, code).Inc()
	if bytes > 0 {
		r.bytes.WithLabelValues(site).Add(float64(bytes))
	} else {
		r.bytes.WithLabelValues(site) // the series exists from the first fetch
	}
	r.fetchSeconds.WithLabelValues(site).Observe(took.Seconds())
}

// NotModified counts a 304 answer to a conditional request.
func (r *Registry) NotModified(site string) {
	if r == nil {
		return
	}
	r.notModified.WithLabelValues(site).Inc()
}

// Snapshot counts an article snapshot put in the archive: new is true when
// it made a new version, false when it was counted against the latest one.
func (r *Registry) Snapshot(site string, new bool) {
	if r == nil {
		return
	}
	outcome := "unchanged"
	if new {
		outcome = "new"
	}
	r.snapshots.WithLabelValues(site, outcome).Inc()
}

// ExtractFailed counts an article page the extractor failed on.
func (r *Registry) ExtractFailed(site string) {
	if r == nil {
		return
	}
	r.extractFailures.WithLabelValues(site).Inc()
}

// Selector counts one try of a site's selector for field on an article
// page: hit is whether it matched. Misses are counted at once; the hit
// ratio is published per run, by RunFinished.
func (r *Registry) Selector(site, field string, hit bool) {
	if r == nil {
		return
	}
	if !hit {
		r.selectorMisses.WithLabelValues(site, field).Inc()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fields := r.running[site]
	if fields == nil {
		fields = map[string]*tally{}
		r.running[site] = fields
	}
	t := fields[field]
	if t == nil {
		t = &tally{}
		fields[field] = t
	}
	t.total++
	if hit {
		t.hits++
	}
}

// QueueDepth sets the number of URLs waiting in the frontier.
func (r *Registry) QueueDepth(n int) {
	if r == nil {
		return
	}
	r.queueDepth.Set(float64(n))
}

// RunFinished counts a run of site that ended at at, and publishes the
// selector hit ratios of the fields tried during it (fields not tried keep
// the ratio of the last run that tried them). ok sets the site's last
// successful run time.
func (r *Registry) RunFinished(site string, ok bool, at time.Time) {
	if r == nil {
		return
	}
	result := "failed"
	if ok {
		result = "ok"
		r.lastSuccess.WithLabelValues(site).Set(float64(at.Unix()))
	}
	r.runs.WithLabelValues(site, result).Inc()

	r.mu.Lock()
	defer r.mu.Unlock()
	fields := r.running[site]
	delete(r.running, site)
	if len(fields) == 0 {
		return
	}
	rates := make([]SelectorRate, 0, len(fields))
	for f, t := range fields {
		sr := SelectorRate{Field: f, Hits: t.hits, Total: t.total, Rate: float64(t.hits) / float64(t.total)}
		rates = append(rates, sr)
		r.selectorRatio.WithLabelValues(site, f).Set(sr.Rate)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i].Field < rates[j].Field })
	r.last[site] = rates
}

// RunSkipped counts a scheduled run of site that did not start (the
// previous one was still going).
func (r *Registry) RunSkipped(site string) {
	if r == nil {
		return
	}
	r.runs.WithLabelValues(site, "skipped").Inc()
}

// Revisit counts a scheduled revisit of a known article of site, in the
// caller's age bucket (e.g. "1h"): changed is whether it found a new
// version.
func (r *Registry) Revisit(site, ageBucket string, changed bool) {
	if r == nil {
		return
	}
	r.revisits.WithLabelValues(site, ageBucket).Inc()
	c := r.revisitsChanged.WithLabelValues(site, ageBucket)
	if changed {
		c.Inc()
	}
}

// RevisitsFailed counts n scheduled revisits of site in the age bucket that
// stored nothing.
func (r *Registry) RevisitsFailed(site, ageBucket string, n int) {
	if r == nil {
		return
	}
	r.revisitsFailed.WithLabelValues(site, ageBucket).Add(float64(n))
}

// SelectorRates returns the selector hit rates of site's last finished run
// that tried any, sorted by field: for a warning when one falls below a
// threshold. It returns nil on a nil Registry or when there is none yet.
func (r *Registry) SelectorRates(site string) []SelectorRate {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SelectorRate(nil), r.last[site]...)
}
