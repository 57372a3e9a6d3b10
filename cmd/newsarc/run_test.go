package main_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsarc/newsarc/store"
)

// freePort returns a loopback address nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// syncBuffer is a bytes.Buffer a child process writes while the test reads.
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

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metricValue reads one sample from /metrics with the Prometheus text
// parser: the sum of the family's samples whose labels include want.
func metricValue(t *testing.T, base, name string, want map[string]string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	var sum float64
	for _, m := range fams[name].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && labels[k] == v
		}
		if match {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

// TestRun runs `newsarc run` as a child process against a loopback site
// crawled every second: two scheduled runs happen; while it holds the
// archive, export, history and diff from a second process read through its
// API; /metrics parses and its counters match; an invalid site file on
// SIGHUP is refused with file, line and field and the old rules stay;
// SIGTERM ends it with status 0 within 10 s, everything stored.
func TestRun(t *testing.T) {
	var roots atomic.Int64 // runs, seen as fetches of the start page
	site := &newsSite{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			roots.Add(1)
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	siteFile := filepath.Join(dir, "configs/sites/cairo.yaml")
	good := fmt.Sprintf(e2eSiteFile, srv.URL) + "schedule: \"@every 1s\"\n"
	writeFile(t, siteFile, good)
	addr := freePort(t)
	base := "http://" + addr
	writeFile(t, filepath.Join(dir, "configs/newsarc.yaml"), "listen: "+addr+"\n")

	d := startDaemon(t, dir, "--jitter", "0", "--reload-interval", "100ms")
	stderr := d.stderr

	waitFor(t, "two scheduled runs", func() bool { return roots.Load() >= 2 })
	waitFor(t, "a finished run in /metrics", func() bool {
		return metricValue(t, base, "newsarc_runs_total", map[string]string{"site": "cairo", "result": "ok"}) >= 1
	})
	if n := metricValue(t, base, "newsarc_snapshots_total", map[string]string{"site": "cairo", "outcome": "new"}); n != 3 {
		t.Errorf("/metrics: %v new snapshots, want 3", n)
	}
	// The start page and the three articles, each run; the histogram saw
	// as many requests.
	if n := metricValue(t, base, "newsarc_pages_fetched_total", map[string]string{"site": "cairo", "code": "200"}); n < 4 {
		t.Errorf("/metrics: %v pages fetched with 200, want at least 4", n)
	}
	if n := metricValue(t, base, "newsarc_pages_fetched_total", map[string]string{"site": "cairo", "code": "404"}); n != 0 {
		t.Errorf("/metrics: %v pages fetched with 404 (the private page is never fetched)", n)
	}
	if n := metricValue(t, base, "newsarc_last_successful_run_timestamp_seconds", map[string]string{"site": "cairo"}); n < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("/metrics: last successful run at %v", n)
	}

	// A second process reads while run holds the archive.
	during := exportJSONL(t, dir, "--all-versions")
	if len(during) != 3 {
		t.Errorf("export during run: %d records, want 3", len(during))
	}
	if r := mustRun(t, dir, "export"); !strings.Contains(r.stderr, "reading through the API of the running newsarc") {
		t.Errorf("export during run did not go through the API:\n%s", r.stderr)
	}
	// Another archive, held by another process, is not read through this
	// run's API, which serves a different file.
	other, err := store.Open(filepath.Join(dir, "other.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, "--db", "other.db", "export"); r.code != 1 || !strings.Contains(r.stderr, "serves another archive") {
		t.Errorf("export of another locked archive: exit %d\n%s", r.code, r.stderr)
	}
	other.Close()
	if h := historyOf(t, dir, srv.URL+"/news/1"); len(h) != 1 {
		t.Errorf("history during run: %v", h)
	}
	if r := run(t, dir, "diff", srv.URL+"/news/1"); r.code != 1 || !strings.Contains(r.stderr, "only one version") {
		t.Errorf("diff during run: exit %d\n%s", r.code, r.stderr)
	}

	// An invalid site file is refused; the old rules stay.
	writeFile(t, siteFile, strings.Replace(good, "max_depth: 2", "max_depth: deep", 1))
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the refused reload in the log", func() bool {
		return strings.Contains(stderr.String(), "site files not reloaded") && strings.Contains(stderr.String(), "cairo.yaml:")
	})
	before := roots.Load()
	waitFor(t, "a run under the old rules", func() bool { return roots.Load() > before })

	stopDaemon(t, d) // exit 0 within 10 s

	// The same records after it stopped (last seen moves with each run).
	after := exportJSONL(t, dir, "--all-versions")
	strip := func(recs []map[string]any) string {
		var b strings.Builder
		for _, r := range recs {
			delete(r, "last_seen")
			fmt.Fprintln(&b, r)
		}
		return b.String()
	}
	if strip(during) != strip(after) {
		t.Errorf("export during run and after differ:\n%s\n---\n%s", strip(during), strip(after))
	}
	// The last good run is kept in the archive, for discovery after a
	// restart.
	db, err := store.Open(filepath.Join(dir, "newsarc.db"), &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	last, err := db.LastRun(t.Context(), "cairo")
	db.Close()
	if err != nil || last.IsZero() || time.Since(last) > time.Minute {
		t.Errorf("last good run in the archive: %v, %v", last, err)
	}
	if !strings.Contains(stderr.String(), "serving the API") {
		t.Errorf("no API line in the log")
	}
}
