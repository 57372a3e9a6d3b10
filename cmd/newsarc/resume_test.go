package main_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/store"
)

// The site of the resume tests: a start page, resumeSections section
// pages, resumeArticles articles.
const (
	resumeArticles    = 2000
	resumeSections    = 40
	resumeConcurrency = 8
	resumeTrigger     = 800 // the article request at which the first process is killed or stopped: past the kill bound (concurrency + MaxPending + MaxQueued)
)

// bigSite serves resumeArticles small articles through section pages, and
// counts the requests of each article. At the resumeTrigger-th article
// request it calls trigger (once), before answering it.
type bigSite struct {
	hits     [resumeArticles]atomic.Int32
	articles atomic.Int64
	trigger  func()
	once     sync.Once
}

func (s *bigSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p := r.URL.Path
	switch {
	case p == "/":
		var b strings.Builder
		for i := range resumeSections {
			fmt.Fprintf(&b, `<a href="/s/%d">section %d</a> `, i, i)
		}
		fmt.Fprintf(w, "<html><body>%s</body></html>", b.String())
	case strings.HasPrefix(p, "/s/"):
		n, err := strconv.Atoi(p[3:])
		if err != nil || n < 0 || n >= resumeSections {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		per := resumeArticles / resumeSections
		for i := n * per; i < (n+1)*per; i++ {
			fmt.Fprintf(&b, `<a href="/a/%d">article %d</a> `, i, i)
		}
		fmt.Fprintf(w, `<html><body><a href="/">home</a> %s</body></html>`, b.String())
	case strings.HasPrefix(p, "/a/"):
		n, err := strconv.Atoi(p[3:])
		if err != nil || n < 0 || n >= resumeArticles {
			http.NotFound(w, r)
			return
		}
		s.hits[n].Add(1)
		if s.articles.Add(1) == resumeTrigger {
			s.once.Do(s.trigger)
		}
		fmt.Fprintf(w, `<html><head><title>Article %[1]d</title></head><body><h1>Headline of article %[1]d</h1>`+
			`<div class="body"><p>The text of article %[1]d, which is not long.</p></div></body></html>`, n)
	default:
		http.NotFound(w, r)
	}
}

// servedAll reports whether every article was requested at least once.
func (s *bigSite) servedAll() bool {
	for i := range s.hits {
		if s.hits[i].Load() == 0 {
			return false
		}
	}
	return true
}

const bigSiteFile = `name: big
domains: [127.0.0.1]
start_urls: ["%s/"]
article_urls: ['^/a/\d+$']
follow_urls: ['^/s/\d+$']
max_depth: 2
rate: 0
schedule: "%s"
selectors:
  headline: "h1"
  body: ".body"
  paragraph: "p"
`

// daemonProc is a `newsarc run` child process.
type daemonProc struct {
	cmd    *exec.Cmd
	exited chan error
	stderr *syncBuffer
}

// startDaemon starts `newsarc run ARGS...` in dir; the test's cleanup
// kills it if it still runs, and logs its stderr if the test failed.
func startDaemon(t *testing.T, dir string, args ...string) *daemonProc {
	t.Helper()
	touchOnce.Do(touchSources)
	cmd := exec.Command(binary, append([]string{"run"}, args...)...)
	cmd.Dir = dir
	d := &daemonProc{cmd: cmd, exited: make(chan error, 1), stderr: &syncBuffer{}}
	cmd.Stderr = d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-d.exited
		}
		if t.Failed() {
			t.Logf("newsarc run stderr:\n%s", d.stderr.String())
		}
	})
	return d
}

// wait waits for the process to exit and returns how long that took.
func (d *daemonProc) wait(t *testing.T) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	select {
	case err := <-d.exited:
		return err, time.Since(start)
	case <-time.After(time.Minute):
		t.Fatalf("newsarc run did not exit")
		return nil, 0
	}
}

// stopDaemon sends SIGTERM and checks that the process exits 0 within 10 s.
func stopDaemon(t *testing.T, d *daemonProc) {
	t.Helper()
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	err, _ := d.wait(t)
	if took := time.Since(start); err != nil || took > 10*time.Second {
		t.Fatalf("newsarc run after SIGTERM: %v after %s", err, took)
	}
}

// waitResumed waits until the resumed run has ended: every article served
// and the run finished, so that what was served is stored. (Served alone
// is not enough: a page served just before the stop may not be handled.)
func waitResumed(t *testing.T, d *daemonProc, site *bigSite) {
	t.Helper()
	waitFor(t, "every article served", site.servedAll)
	waitFor(t, "the resumed run to finish", func() bool { return strings.Contains(d.stderr.String(), `msg="run finished"`) })
}

// setupBig writes the config and site file of a test against srv.
func setupBig(t *testing.T, dir, srvURL, schedule string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "configs/newsarc.yaml"),
		// No API: these tests do not read through it, and a fixed port
		// could be taken on the machine running them.
		fmt.Sprintf("concurrency: %d\nmax_concurrent_sites: 1\nlisten: \"off\"\n", resumeConcurrency))
	writeFile(t, filepath.Join(dir, "configs/sites/big.yaml"), fmt.Sprintf(bigSiteFile, srvURL, schedule))
}

// archiveState is what the archive holds: stored article numbers with
// their versions and fetches, and the frontier of the unfinished run.
type archiveState struct {
	versions map[int]int // article -> versions
	seen     map[int]int // article -> fetches counted (Seen, summed)
	queued   int
	done     map[int]bool // articles done in the frontier
	pages    int          // frontier entries
}

// readArchive opens the archive read-only through the Go API, runs
// store.Check and bbolt's own check, and reads what it holds.
func readArchive(t *testing.T, dir, srvURL string) archiveState {
	t.Helper()
	path := filepath.Join(dir, "newsarc.db")

	// bbolt's own consistency check, on the file as bbolt sees it.
	bdb, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	bdb.Close()
	if err != nil {
		t.Fatalf("bbolt check: %v", err)
	}

	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Check(ctx); err != nil {
		t.Fatalf("store.Check: %v", err)
	}
	st := archiveState{versions: map[int]int{}, seen: map[int]int{}, done: map[int]bool{}}
	article := func(u string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(u, srvURL+"/a/"))
		if err != nil || !strings.HasPrefix(u, srvURL+"/a/") {
			t.Fatalf("stored url %q is no article", u)
		}
		return n
	}
	err = db.Scan(ctx, store.Filter{AllVersions: true}, func(v store.Version, _ []byte) error {
		n := article(v.URL)
		st.versions[n]++
		st.seen[n] += v.Seen
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.FrontierLoad(ctx, "big", func(e store.FrontierEntry) error {
		st.pages++
		if !e.Done {
			st.queued++
		} else if strings.HasPrefix(e.URL, srvURL+"/a/") {
			st.done[article(e.URL)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkComplete checks that every article is in the archive exactly once,
// with one version, through `newsarc export --all-versions` and the Go API.
func checkComplete(t *testing.T, dir string, st archiveState) {
	t.Helper()
	recs := exportJSONL(t, dir, "--all-versions")
	urls := map[string]int{}
	for _, r := range recs {
		urls[fmt.Sprint(r["url"])]++
	}
	if len(recs) != resumeArticles || len(urls) != resumeArticles {
		t.Errorf("export --all-versions: %d records of %d urls, want %d of %d", len(recs), len(urls), resumeArticles, resumeArticles)
	}
	if len(st.versions) != resumeArticles {
		t.Errorf("archive: %d articles, want %d", len(st.versions), resumeArticles)
	}
	for n, v := range st.versions {
		if v != 1 {
			t.Errorf("article %d: %d versions, want 1", n, v)
		}
	}
}

// TestResumeAfterKill kills `newsarc run` (SIGKILL) in the middle of a
// crawl of 2,000 articles, at its 300th article request, and starts it
// again: the unfinished run is resumed at once. Every article ends up in
// the archive once, with one version; the archive passes store.Check and
// bbolt's check; the articles fetched twice are only pages that were not
// done in the frontier at the kill, at most what the crawler's workers and
// the pipeline hold at once.
func TestResumeAfterKill(t *testing.T) {
	var pid atomic.Int64
	site := &bigSite{trigger: func() { syscall.Kill(int(pid.Load()), syscall.SIGKILL) }}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	setupBig(t, dir, srv.URL, "@every 1s")

	first := startDaemon(t, dir, "--jitter", "0", "--listen", "off")
	pid.Store(int64(first.cmd.Process.Pid))
	err, _ := first.wait(t)
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("first newsarc run: %v, want killed", err)
	}
	var servedBefore int
	for i := range site.hits {
		if site.hits[i].Load() > 0 {
			servedBefore++
		}
	}
	atKill := readArchive(t, dir, srv.URL)
	if atKill.pages == 0 || atKill.queued == 0 {
		t.Fatalf("no unfinished frontier in the archive after the kill: %d entries, %d queued", atKill.pages, atKill.queued)
	}

	// The restart resumes at once: the schedule alone would wait an hour.
	setupBig(t, dir, srv.URL, "@every 1h")
	second := startDaemon(t, dir, "--jitter", "0", "--listen", "off")
	waitResumed(t, second, site)
	stopDaemon(t, second)
	if !strings.Contains(second.stderr.String(), "resuming the unfinished run") {
		t.Errorf("second newsarc run did not resume")
	}

	end := readArchive(t, dir, srv.URL)
	checkComplete(t, dir, end)
	// In the crawl workers, held in the pipeline, or stored with their
	// mark still queued in the frontier.
	bound := resumeConcurrency + pipeline.MaxPending + pipeline.MaxQueued
	var twice, storedAtKill int
	for n := range resumeArticles {
		h := site.hits[n].Load()
		if atKill.done[n] && h != 1 {
			t.Errorf("article %d: done in the frontier at the kill, fetched %d times", n, h)
		}
		if atKill.done[n] && atKill.versions[n] == 0 {
			t.Errorf("article %d: done in the frontier at the kill, not stored", n)
		}
		if h > 1 {
			twice++
		}
		if h > 2 {
			t.Errorf("article %d fetched %d times", n, h)
		}
		if atKill.versions[n] > 0 {
			storedAtKill++
		}
		if end.seen[n] != int(h) && !(h == 2 && end.seen[n] == 1) {
			t.Errorf("article %d: fetched %d times, %d fetches stored", n, h, end.seen[n])
		}
	}
	if twice > bound {
		t.Errorf("%d articles fetched twice, want at most concurrency %d + pipeline.MaxPending %d + pipeline.MaxQueued %d = %d",
			twice, resumeConcurrency, pipeline.MaxPending, pipeline.MaxQueued, bound)
	}
	t.Logf("at the kill: %d articles requested, %d stored, %d done in the frontier (%d entries, %d queued); "+
		"after the restart: %d fetched twice (bound %d)",
		servedBefore, storedAtKill, len(atKill.done), atKill.pages, atKill.queued, twice, bound)
}

// TestResumeAfterSIGTERM stops `newsarc run` with SIGTERM in the middle of
// a crawl: it exits 0 within 10 s, the archive is clean, and a restart
// carries the run on without fetching again any article that was stored.
func TestResumeAfterSIGTERM(t *testing.T) {
	var pid atomic.Int64
	var signalled atomic.Int64 // UnixNano of the SIGTERM
	site := &bigSite{trigger: func() {
		signalled.Store(time.Now().UnixNano())
		syscall.Kill(int(pid.Load()), syscall.SIGTERM)
	}}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	setupBig(t, dir, srv.URL, "@every 1s")

	first := startDaemon(t, dir, "--jitter", "0", "--listen", "off")
	pid.Store(int64(first.cmd.Process.Pid))
	err, _ := first.wait(t)
	took := time.Since(time.Unix(0, signalled.Load()))
	if err != nil || took > 10*time.Second {
		t.Fatalf("newsarc run after SIGTERM: %v after %s, want exit 0 within 10 s", err, took)
	}
	atStop := readArchive(t, dir, srv.URL)
	if atStop.queued == 0 {
		t.Fatalf("no unfinished frontier after the stop")
	}
	for n := range atStop.versions {
		if !atStop.done[n] {
			t.Errorf("article %d stored but not done in the frontier", n)
		}
	}
	if len(atStop.versions) == 0 {
		t.Errorf("nothing stored at the stop")
	}

	setupBig(t, dir, srv.URL, "@every 1h")
	second := startDaemon(t, dir, "--jitter", "0", "--listen", "off")
	waitResumed(t, second, site)
	stopDaemon(t, second)

	end := readArchive(t, dir, srv.URL)
	checkComplete(t, dir, end)
	var refetched int
	for n := range resumeArticles {
		if atStop.versions[n] > 0 && site.hits[n].Load() != 1 {
			refetched++
			t.Errorf("article %d: stored before the stop, fetched %d times", n, site.hits[n].Load())
		}
	}
	t.Logf("SIGTERM to exit %s; at the stop %d articles stored and done, %d frontier entries queued; refetched after restart: %d",
		took.Round(time.Millisecond), len(atStop.versions), atStop.queued, refetched)
}
