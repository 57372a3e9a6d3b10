package main_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/store"
)

// validatingSite serves newsSite's pages with an ETag (a hash of the body)
// and answers If-None-Match; /news/3 is gone once gone is set. It logs the
// If-None-Match of every article request.
type validatingSite struct {
	newsSite
	gone atomic.Bool
	// robotsDown is how many robots.txt requests to answer 503 (which
	// disallows the whole host for that crawl) before answering again.
	robotsDown atomic.Int32
	mu         sync.Mutex
	log        map[string][]string // path -> If-None-Match of each request
}

func (s *validatingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" && s.robotsDown.Add(-1) >= 0 {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/news/") {
		s.mu.Lock()
		s.log[r.URL.Path] = append(s.log[r.URL.Path], r.Header.Get("If-None-Match"))
		s.mu.Unlock()
		if r.URL.Path == "/news/3" && s.gone.Load() {
			http.NotFound(w, r)
			return
		}
	}
	rec := httptest.NewRecorder()
	s.newsSite.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || !strings.HasPrefix(r.URL.Path, "/news/") {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(rec.Body.Bytes())))
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader(rec.Body.String()))
}

func (s *validatingSite) requests() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for k, v := range s.log {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TestRevisits crawls a site once, then changes it, and lets `newsarc run`
// (no crawl schedule: only revisits) revisit its articles at 3 s and 8 s
// after first seen. /news/1 was edited (a new version at 3 s, a 304 at
// 8 s), /news/2 only changed its sidebar (the same content at 3 s, a 304 at
// 8 s), /news/3 is gone (a failure at each age). The first pass finds
// robots.txt answering 503: a transient failure, the revisits stay due for
// the next pass rather than counting as failed. stats, through the API
// while run holds the archive and from the file after it stopped, and
// /metrics all give those counts.
func TestRevisits(t *testing.T) {
	site := &validatingSite{log: map[string][]string{}}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), fmt.Sprintf(e2eSiteFile, srv.URL)+"revisits: [3s, 8s]\n")
	addr := freePort(t)
	base := "http://" + addr
	writeFile(t, filepath.Join(dir, "configs/newsarc.yaml"), "listen: "+addr+"\n")

	mustRun(t, dir, "crawl", "--site", "cairo")
	crawled := site.requests()
	site.edition.Store(1)
	site.gone.Store(true)
	// The first revisit pass finds robots.txt down: nothing may be fetched,
	// and nothing counts as failed; the next pass does the revisits.
	site.robotsDown.Store(1)

	d := startDaemon(t, dir, "--revisit-interval", "250ms")

	failedAt := func(age string) float64 {
		return metricValue(t, base, "newsarc_revisits_failed_total", map[string]string{"site": "cairo", "age": age})
	}
	waitFor(t, "the API", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	waitFor(t, "the 8s revisits", func() bool { return failedAt("8s") >= 1 })

	want := server.Stats{
		Revisits: []server.RevisitLine{
			{Site: "cairo", Age: "3s", AgeSeconds: 3, Revisits: 2, Changed: 1, Failed: 1},
			{Site: "cairo", Age: "8s", AgeSeconds: 8, Revisits: 2, NotModified: 2, Failed: 1},
		},
		Plans: []server.PlanLine{{Site: "cairo", Ended: 3}},
	}
	stats := func() server.Stats {
		r := mustRun(t, dir, "stats", "--format", "json")
		var s server.Stats
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatalf("stats --format json: %v\n%s", err, r.stdout)
		}
		return s
	}
	if diff := cmp.Diff(want, stats()); diff != "" {
		t.Errorf("stats during run (-want +got):\n%s", diff)
	}
	for _, m := range []struct {
		name, age string
		want      float64
	}{
		{"newsarc_revisits_total", "3s", 2}, {"newsarc_revisits_changed_total", "3s", 1}, {"newsarc_revisits_failed_total", "3s", 1},
		{"newsarc_revisits_total", "8s", 2}, {"newsarc_revisits_changed_total", "8s", 0}, {"newsarc_revisits_failed_total", "8s", 1},
	} {
		if got := metricValue(t, base, m.name, map[string]string{"site": "cairo", "age": m.age}); got != m.want {
			t.Errorf("/metrics %s{age=%q} = %v, want %v", m.name, m.age, got, m.want)
		}
	}

	stopDaemon(t, d)

	// Every revisit was conditional, with the validators of the article's
	// last fetch; the start page was not fetched again (no schedule).
	got := site.requests()
	for _, p := range []string{"/news/1", "/news/2", "/news/3"} {
		revisits := got[p][len(crawled[p]):]
		if len(revisits) != 2 {
			t.Errorf("%s revisited %d times, want 2: %q", p, len(revisits), revisits)
			continue
		}
		for i, inm := range revisits {
			if inm == "" {
				t.Errorf("%s: revisit %d was not conditional", p, i+1)
			}
		}
		if p != "/news/3" && revisits[0] == revisits[1] {
			t.Errorf("%s: both revisits sent %s; the second should carry the new ETag", p, revisits[0])
		}
	}
	if !strings.Contains(d.stderr.String(), "robots.txt answered a server error") || site.robotsDown.Load() >= 0 {
		t.Errorf("robots.txt was never down for a revisit pass")
	}
	if h := historyOf(t, dir, srv.URL+"/news/1"); len(h) != 2 {
		t.Errorf("/news/1 has %d versions, want 2 (the edit found at 3s)", len(h))
	}
	if diff := cmp.Diff(want, stats()); diff != "" {
		t.Errorf("stats from the archive after the stop (-want +got):\n%s", diff)
	}
	r := mustRun(t, dir, "stats")
	t.Logf("newsarc stats:\n%s", r.stdout)
	for _, line := range []string{"cairo  3s   2         1        50.0%", "cairo  all  4         1        25.0%"} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("stats table lacks %q:\n%s", line, r.stdout)
		}
	}
	db, err := store.Open(filepath.Join(dir, "newsarc.db"), &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(t.Context()); err != nil {
		t.Errorf("check: %v", err)
	}
}
