package metrics_test

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsarc/newsarc/internal/metrics"
)

// scrape serves h, GETs it and parses the text format.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return mfs
}

// values flattens a family to "label=value,..." -> value (counter, gauge,
// or a histogram's sample count).
func values(mf *dto.MetricFamily) map[string]float64 {
	if mf == nil {
		return nil
	}
	out := map[string]float64{}
	for _, m := range mf.GetMetric() {
		var ls []string
		for _, l := range m.GetLabel() {
			ls = append(ls, l.GetName()+"="+l.GetValue())
		}
		sort.Strings(ls)
		var v float64
		switch mf.GetType() {
		case dto.MetricType_COUNTER:
			v = m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			v = m.GetGauge().GetValue()
		case dto.MetricType_HISTOGRAM:
			v = float64(m.GetHistogram().GetSampleCount())
		}
		out[strings.Join(ls, ",")] = v
	}
	return out
}

func TestRegistry(t *testing.T) {
	r := metrics.New()
	end := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	r.Fetch("cairo", 200, 1000, 20*time.Millisecond)
	r.Fetch("cairo", 200, 500, 3*time.Second)
	r.Fetch("cairo", 404, 20, 5*time.Millisecond)
	r.Fetch("cairo", 304, 0, 15*time.Millisecond)
	r.Fetch("giza", 0, 0, 30*time.Second)
	r.NotModified("cairo")
	r.Snapshot("cairo", true)
	r.Snapshot("cairo", true)
	r.Snapshot("cairo", false)
	r.ExtractFailed("giza")
	r.Selector("cairo", "headline", true)
	r.Selector("cairo", "headline", true)
	r.Selector("cairo", "body", true)
	r.Selector("cairo", "body", false)
	r.Selector("cairo", "label", false)
	r.QueueDepth(42)
	r.RunFinished("cairo", true, end)
	r.Selector("giza", "body", false) // a run still going: no ratio yet
	r.RunFinished("giza", false, end)
	r.RunSkipped("giza")
	r.Revisit("cairo", "1h", true)
	r.Revisit("cairo", "1h", false)
	r.Revisit("cairo", "1d", false)

	mfs := scrape(t, r.Handler())
	want := map[string]map[string]float64{
		"newsarc_pages_fetched_total": {
			"code=200,site=cairo": 2, "code=404,site=cairo": 1, "code=304,site=cairo": 1, "code=error,site=giza": 1},
		"newsarc_response_bytes_total":      {"site=cairo": 1520, "site=giza": 0},
		"newsarc_fetch_duration_seconds":    {"site=cairo": 4, "site=giza": 1},
		"newsarc_not_modified_total":        {"site=cairo": 1},
		"newsarc_snapshots_total":           {"outcome=new,site=cairo": 2, "outcome=unchanged,site=cairo": 1},
		"newsarc_extraction_failures_total": {"site=giza": 1},
		"newsarc_selector_misses_total": {
			"field=body,site=cairo": 1, "field=label,site=cairo": 1, "field=body,site=giza": 1},
		"newsarc_selector_hit_ratio": {
			"field=headline,site=cairo": 1, "field=body,site=cairo": 0.5, "field=label,site=cairo": 0, "field=body,site=giza": 0},
		"newsarc_frontier_queue_depth": {"": 42},
		"newsarc_runs_total": {
			"result=ok,site=cairo": 1, "result=failed,site=giza": 1, "result=skipped,site=giza": 1},
		"newsarc_last_successful_run_timestamp_seconds": {"site=cairo": float64(end.Unix())},
		"newsarc_revisits_total":                        {"age=1h,site=cairo": 2, "age=1d,site=cairo": 1},
		"newsarc_revisits_changed_total":                {"age=1h,site=cairo": 1, "age=1d,site=cairo": 0},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, values(mfs[name])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	for name := range mfs {
		if strings.HasPrefix(name, "newsarc_") && want[name] == nil {
			t.Errorf("unexpected family %s", name)
		}
	}
	if mfs["go_goroutines"] == nil {
		t.Errorf("go_goroutines missing: the Go collector is not registered")
	}

	// The histogram's buckets: 20ms falls in le=0.025, 3s in le=5, 30s in le=30.
	h := mfs["newsarc_fetch_duration_seconds"]
	for _, m := range h.GetMetric() {
		if m.GetLabel()[0].GetValue() != "cairo" {
			continue
		}
		got := map[float64]uint64{}
		for _, b := range m.GetHistogram().GetBucket() {
			got[b.GetUpperBound()] = b.GetCumulativeCount()
		}
		wantBuckets := map[float64]uint64{0.01: 1, 0.025: 3, 0.05: 3, 0.1: 3, 0.25: 3, 0.5: 3, 1: 3, 2.5: 3, 5: 4, 10: 4, 20: 4, 30: 4, math.Inf(1): 4}
		if diff := cmp.Diff(wantBuckets, got); diff != "" {
			t.Errorf("cairo fetch buckets (-want +got):\n%s", diff)
		}
	}

	wantRates := []metrics.SelectorRate{
		{Field: "body", Hits: 1, Total: 2, Rate: 0.5},
		{Field: "headline", Hits: 2, Total: 2, Rate: 1},
		{Field: "label", Hits: 0, Total: 1, Rate: 0},
	}
	if diff := cmp.Diff(wantRates, r.SelectorRates("cairo")); diff != "" {
		t.Errorf("SelectorRates(cairo) (-want +got):\n%s", diff)
	}
}

// TestHitRatioPerRun checks that each run publishes its own ratio, and
// that a run trying no selector leaves the last one in place.
func TestHitRatioPerRun(t *testing.T) {
	r := metrics.New()
	ratio := func() map[string]float64 {
		return values(scrape(t, r.Handler())["newsarc_selector_hit_ratio"])
	}
	r.Selector("cairo", "body", true)
	r.RunFinished("cairo", true, time.Unix(100, 0))
	if got := ratio(); got["field=body,site=cairo"] != 1 {
		t.Fatalf("after run 1: %v", got)
	}
	r.Selector("cairo", "body", false)
	r.Selector("cairo", "body", false)
	r.Selector("cairo", "body", true)
	r.Selector("cairo", "body", false)
	r.RunFinished("cairo", true, time.Unix(200, 0))
	if got := ratio(); got["field=body,site=cairo"] != 0.25 {
		t.Fatalf("after run 2: %v", got)
	}
	r.RunFinished("cairo", true, time.Unix(300, 0))
	if got := ratio(); got["field=body,site=cairo"] != 0.25 {
		t.Fatalf("after run 3 (no selector tried): %v", got)
	}
	got := values(scrape(t, r.Handler())["newsarc_last_successful_run_timestamp_seconds"])
	if got["site=cairo"] != 300 {
		t.Errorf("last success = %v, want 300", got)
	}
	r.RunFinished("cairo", false, time.Unix(400, 0))
	got = values(scrape(t, r.Handler())["newsarc_last_successful_run_timestamp_seconds"])
	if got["site=cairo"] != 300 {
		t.Errorf("last success after a failed run = %v, want 300 still", got)
	}
}

func TestNilRegistry(t *testing.T) {
	var r *metrics.Registry
	r.Fetch("a", 200, 1, time.Second)
	r.NotModified("a")
	r.Snapshot("a", true)
	r.ExtractFailed("a")
	r.Selector("a", "body", true)
	r.QueueDepth(1)
	r.RunFinished("a", true, time.Now())
	r.RunSkipped("a")
	r.Revisit("a", "1h", true)
	if got := r.SelectorRates("a"); got != nil {
		t.Errorf("SelectorRates on nil = %v", got)
	}
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("nil Registry's handler: %s, want 404", resp.Status)
	}
}

// TestConcurrent is for the race detector: the methods are called from
// many goroutines while /metrics is scraped.
func TestConcurrent(t *testing.T) {
	r := metrics.New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				r.Fetch("cairo", 200, 10, time.Millisecond)
				r.Selector("cairo", "body", j%2 == 0)
				r.Snapshot("cairo", j%3 == 0)
				r.QueueDepth(j)
				if j%50 == 0 && i == 0 {
					r.RunFinished("cairo", true, time.Now())
					r.SelectorRates("cairo")
				}
			}
		})
	}
	wg.Go(func() { scrape(t, r.Handler()) })
	wg.Wait()
	got := values(scrape(t, r.Handler())["newsarc_pages_fetched_total"])
	if got["code=200,site=cairo"] != 1600 {
		t.Errorf("pages fetched = %v, want 1600", got)
	}
}
