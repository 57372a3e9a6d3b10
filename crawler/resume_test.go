package crawler_test

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/crawler"
)

// memFrontier is an in-memory crawler.Frontier.
type memFrontier struct {
	mu   sync.Mutex
	urls map[string]map[string]crawler.FrontierURL
	done map[string]map[string]bool
}

var _ crawler.Frontier = (*memFrontier)(nil)

func newMemFrontier() *memFrontier {
	return &memFrontier{urls: map[string]map[string]crawler.FrontierURL{}, done: map[string]map[string]bool{}}
}

func (f *memFrontier) Load(_ context.Context, site string, fn func(crawler.FrontierURL, bool) error) error {
	f.mu.Lock()
	var keys []string
	for k := range f.urls[site] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	us, ds := f.urls[site], f.done[site]
	f.mu.Unlock()
	for _, k := range keys {
		if err := fn(us[k], ds[k]); err != nil {
			return err
		}
	}
	return nil
}

func (f *memFrontier) Add(_ context.Context, site string, urls []crawler.FrontierURL) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.urls[site] == nil {
		f.urls[site], f.done[site] = map[string]crawler.FrontierURL{}, map[string]bool{}
	}
	for _, u := range urls {
		if _, ok := f.urls[site][u.URL]; !ok {
			f.urls[site][u.URL] = u
		}
	}
	return nil
}

func (f *memFrontier) Done(_ context.Context, site, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.urls[site][url]; ok {
		f.done[site][url] = true
	}
	return nil
}

// state returns path?query -> done for site.
func (f *memFrontier) state(site string) map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for k := range f.urls[site] {
		out[pathQuery(k)] = f.done[site][k]
	}
	return out
}

func resumeServer(t *testing.T) *server {
	return newServer(t, map[string]http.HandlerFunc{
		"/robots.txt": text(http.StatusOK, "User-agent: *\nDisallow: /private/\n"),
		"/":           html("/section/a", "/news/9", "/private/x"),
		"/section/a":  html("/news/1", "/news/2", "/news/3"),
		"/news/":      html("/"),
		"/news/9":     text(http.StatusNotFound, "gone"),
	})
}

// Every page is recorded before it is queued and done once handled; an
// article the handler holds is done only once released, and one never
// released stays queued.
func TestFrontierRecordsAndHolds(t *testing.T) {
	srv := resumeServer(t)
	fr := newMemFrontier()
	var mu sync.Mutex
	releases := map[string]func(){}
	h := func(_ context.Context, p *crawler.Page) error {
		if p.Article {
			mu.Lock()
			releases[pathQuery(p.URL)] = p.Hold()
			mu.Unlock()
		}
		return nil
	}
	c, err := crawler.New(crawler.Config{Concurrency: 4, Frontier: fr}, []crawler.Site{newsSite(srv, 2)}, h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"/": true, "/section/a": true, "/news/9": true, "/news/1": false, "/news/2": false, "/news/3": false}
	if diff := cmp.Diff(want, fr.state("news")); diff != "" {
		t.Errorf("before release (-want +got):\n%s", diff)
	}
	releases["/news/1"]()
	releases["/news/1"]() // a second call does nothing
	releases["/news/2"]()
	want["/news/1"], want["/news/2"] = true, true
	if diff := cmp.Diff(want, fr.state("news")); diff != "" {
		t.Errorf("after release (-want +got):\n%s", diff)
	}
}

// A Run with an unfinished run in its Frontier fetches only the URLs not
// done, and no URL the run had seen again.
func TestFrontierResume(t *testing.T) {
	srv := resumeServer(t)
	fr := newMemFrontier()
	u := func(p string, depth int, article bool) crawler.FrontierURL {
		return crawler.FrontierURL{URL: srv.URL + p, Depth: depth, Article: article}
	}
	fr.Add(t.Context(), "news", []crawler.FrontierURL{u("/", 0, false), u("/section/a", 1, false), u("/news/9", 1, true),
		u("/news/1", 2, true), u("/news/2", 2, true), u("/news/3", 2, true)})
	for _, p := range []string{"/", "/section/a", "/news/9", "/news/1"} {
		fr.Done(t.Context(), "news", srv.URL+p)
	}
	rec, st := crawl(t, crawler.Config{Concurrency: 4, Frontier: fr}, newsSite(srv, 2))
	if diff := cmp.Diff([]string{"/news/2", "/news/3"}, rec.paths()); diff != "" {
		t.Errorf("pages handled (-want +got):\n%s", diff)
	}
	if p := rec.page("/news/2"); p == nil || !p.Article || p.Depth != 2 {
		t.Errorf("resumed page: %+v", p)
	}
	if st.Resumed != 2 || st.ResumedDone != 4 || st.Fetched != 2 || st.FrontierErrors != 0 {
		t.Errorf("stats = %+v", st)
	}
	for _, p := range []string{"/", "/section/a", "/news/1", "/news/9"} {
		if n := srv.hitsOf(p); n != 0 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	for p, done := range fr.state("news") {
		if !done {
			t.Errorf("%s not done", p)
		}
	}
}
