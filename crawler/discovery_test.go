package crawler_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/crawler"
)

// xmlDoc serves body as XML.
func xmlDoc(body string) http.HandlerFunc {
	return text(http.StatusOK, body, "Content-Type", "application/xml; charset=utf-8")
}

// gzDoc serves body gzip'd, as a .xml.gz file is served: no
// Content-Encoding, the gzip bytes are the file.
func gzDoc(body string) http.HandlerFunc {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(body))
	zw.Close()
	gzBody := b.String()
	return text(http.StatusOK, gzBody, "Content-Type", "application/x-gzip")
}

// urlset is a sitemap of path → lastmod ("" for none), in the given order.
func urlset(base string, entries ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := 0; i+1 < len(entries); i += 2 {
		loc := entries[i]
		if strings.HasPrefix(loc, "/") {
			loc = base + loc
		}
		fmt.Fprintf(&b, "<url><loc>%s</loc>", loc)
		if entries[i+1] != "" {
			fmt.Fprintf(&b, "<lastmod>%s</lastmod>", entries[i+1])
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>")
	return b.String()
}

// sitemapIndex is a sitemap index of path → lastmod ("" for none).
func sitemapIndex(base string, entries ...string) string {
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := 0; i+1 < len(entries); i += 2 {
		fmt.Fprintf(&b, "<sitemap><loc>%s%s</loc>", base, entries[i])
		if entries[i+1] != "" {
			fmt.Fprintf(&b, "<lastmod>%s</lastmod>", entries[i+1])
		}
		b.WriteString("</sitemap>\n")
	}
	b.WriteString("</sitemapindex>")
	return b.String()
}

// isDoc tells the requests of discovery from the pages'.
func isDoc(target string) bool {
	return target == "/robots.txt" || target == "/rss" || strings.HasSuffix(target, ".xml") ||
		strings.HasSuffix(target, ".xml.gz") || strings.HasSuffix(target, ".rss")
}

// TestDiscovery crawls a site whose articles no page links to: only its
// robots.txt Sitemap: lines, a sitemap index, a gzip'd child, a Google News
// sitemap and a feed name them. With one worker, the server's request log
// shows discovery first, then the articles newest first, then the start
// page and its links.
func TestDiscovery(t *testing.T) {
	var srv *server
	var log headerLog
	var routes map[string]http.HandlerFunc
	since := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	var once sync.Once
	routes = map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "User-agent: *\nDisallow: /blocked/\nSitemap: %s/sitemap-index.xml\nsitemap: %[1]s/news-sitemap.xml\n", srv.URL)
		},
		"/sitemap-index.xml": func(w http.ResponseWriter, r *http.Request) {
			xmlDoc(sitemapIndex(srv.URL,
				"/sitemaps/2026-03.xml.gz", "2026-03-14T09:00:00+02:00",
				"/sitemaps/2026-01.xml", "2026-01-31", // before Since: not fetched
				"/sitemaps/nested-index.xml", "",
				"/sitemaps/broken.xml", "2026-03-11",
				"/sitemaps/missing.xml", "2026-03-11",
				"/sitemap-index.xml", "", // itself: not fetched again
			))(w, r)
		},
		"/sitemaps/2026-03.xml.gz": func(w http.ResponseWriter, r *http.Request) {
			gzDoc(urlset(srv.URL,
				"/news/11", "2026-03-12T10:00:00Z",
				"/news/12", "2026-03-14T08:00:00Z",
				"/news/1", "2026-03-01", // before Since: skipped
				"/news/15", "", // no date: kept, last
				"/section/x", "2026-03-13", // a follow page
				"/about", "2026-03-13", // neither article nor follow: not fetched
				"/private/5", "2026-03-13", // ignored
				strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/news/99", "2026-03-13", // another host
			))(w, r)
		},
		"/sitemaps/2026-01.xml": xmlDoc(urlset("", "/news/2", "2026-01-15")),
		"/sitemaps/nested-index.xml": func(w http.ResponseWriter, r *http.Request) {
			xmlDoc(sitemapIndex(srv.URL, "/sitemaps/deep-index.xml", "", "/sitemaps/level2.xml", ""))(w, r)
		},
		"/sitemaps/deep-index.xml": func(w http.ResponseWriter, r *http.Request) {
			// An index two levels down: its children are not followed.
			xmlDoc(sitemapIndex(srv.URL, "/sitemaps/too-deep.xml", ""))(w, r)
		},
		"/sitemaps/level2.xml": func(w http.ResponseWriter, r *http.Request) {
			xmlDoc(urlset(srv.URL, "/news/16", "2026-03-10T12:00:00Z"))(w, r)
		},
		"/sitemaps/too-deep.xml": xmlDoc(urlset("", "/news/3", "2026-03-14")),
		"/sitemaps/broken.xml":   xmlDoc(`<urlset><url><loc>/news/4</loc></url><url><loc>`),
		"/news-sitemap.xml": func(w http.ResponseWriter, r *http.Request) {
			failed := false
			once.Do(func() { failed = true })
			if failed {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			xmlDoc(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>`+srv.URL+`/news/13</loc><news:news>
  <news:publication><news:name>Test</news:name><news:language>ar</news:language></news:publication>
  <news:publication_date>2026-03-13T12:00:00Z</news:publication_date>
  <news:title>Thirteen</news:title>
</news:news></url>
</urlset>`)(w, r)
		},
		"/rss": redirect(http.StatusMovedPermanently, "/feed.rss"),
		"/feed.rss": text(http.StatusOK, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Fourteen</title><link>/news/14</link><pubDate>Wed, 11 Mar 2026 10:00:00 GMT</pubDate></item>
<item><title>Eleven, edited</title><link>/news/11?utm_source=rss</link><pubDate>Sat, 14 Mar 2026 09:00:00 GMT</pubDate></item>
<item><title>Old</title><link>/news/5</link><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`, "Content-Type", "application/rss+xml"),
		"/blocked/feed.xml": xmlDoc(`<rss version="2.0"><channel></channel></rss>`),
		"/":                 html("/news/20"),
		"/news/":            html("/news/30"), // every article links on: depth 1 is the last
		"/section/x":        html("/news/31"),
		"/about":            html(),
	}
	srv = newServer(t, log.routes(routes))

	var askedMu sync.Mutex
	var asked []string
	cfg := crawler.Config{
		Concurrency: 1,
		RetryBase:   time.Millisecond,
		Validators: func(_ context.Context, u string) (string, string) {
			askedMu.Lock()
			asked = append(asked, pathQuery(u))
			askedMu.Unlock()
			return `"v1"`, ""
		},
	}
	site := newsSite(srv, 1)
	site.Sitemaps = []string{srv.URL + "/news-sitemap.xml"}
	site.Feeds = []string{srv.URL + "/rss", srv.URL + "/blocked/feed.xml"}
	site.Since = since
	rec, st := crawl(t, cfg, site)

	var pages, docs []string
	firstPage := -1
	for i, h := range srv.requests() {
		if isDoc(h.target) {
			docs = append(docs, h.target)
			if firstPage >= 0 {
				t.Errorf("%s requested after the first page", h.target)
			}
			continue
		}
		if firstPage < 0 {
			firstPage = i
		}
		pages = append(pages, h.target)
	}
	wantPages := []string{
		"/news/11",   // 2026-03-14T09:00Z (the feed's date, later than the sitemap's)
		"/news/12",   // 2026-03-14T08:00Z
		"/news/13",   // 2026-03-13T12:00Z, Google News publication date
		"/section/x", // 2026-03-13
		"/news/14",   // 2026-03-11T10:00Z, the feed
		"/news/16",   // 2026-03-10T12:00Z, two index levels down
		"/news/15",   // no date
		"/",          // the start URL, after what is new
		"/news/20",
	}
	if diff := cmp.Diff(wantPages, pages); diff != "" {
		t.Errorf("pages in request order (-want +got):\n%s", diff)
	}
	for _, never := range []string{"/sitemaps/2026-01.xml", "/sitemaps/too-deep.xml", "/blocked/feed.xml",
		"/news/1", "/news/2", "/news/3", "/news/5", "/news/30", "/news/31", "/about", "/private/5"} {
		if n := srv.hitsOf(never); n > 0 {
			t.Errorf("%s fetched %d times, want never", never, n)
		}
	}
	wantDocs := map[string]int{
		"/robots.txt": 1, "/news-sitemap.xml": 2 /* 503, then 200 */, "/rss": 1, "/feed.rss": 1,
		"/sitemap-index.xml": 1, "/sitemaps/2026-03.xml.gz": 1, "/sitemaps/nested-index.xml": 1,
		"/sitemaps/deep-index.xml": 1, "/sitemaps/level2.xml": 1, "/sitemaps/broken.xml": 1, "/sitemaps/missing.xml": 1,
	}
	gotDocs := map[string]int{}
	for _, d := range docs {
		gotDocs[d]++
	}
	if diff := cmp.Diff(wantDocs, gotDocs); diff != "" {
		t.Errorf("discovery requests (-want +got):\n%s", diff)
	}

	wantStats := crawler.Stats{
		Fetched: 9, Pages: 9, Articles: 7, // the news pages
		Retries:          1, // the 503 of the news sitemap
		RobotsBlocked:    1, // the feed under /blocked/
		Discovered:       7,
		DiscoveryFetched: 9, // each document once, whatever its retries and redirects
		DiscoveryErrors:  2, // broken.xml, missing.xml
	}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}

	// Discovered pages are at depth 1; articles are conditional, sitemaps
	// and feeds never.
	for path, want := range map[string]struct {
		depth   int
		article bool
	}{"/news/11": {1, true}, "/news/15": {1, true}, "/section/x": {1, false}, "/": {0, false}, "/news/20": {1, true}} {
		p := rec.page(path)
		if p == nil || p.Depth != want.depth || p.Article != want.article {
			t.Errorf("page %s = %+v, want depth %d, article %v", path, p, want.depth, want.article)
		}
	}
	for _, p := range rec.paths() {
		if isDoc(p) {
			t.Errorf("document %s handed to the handler", p)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for target, reqs := range log.m {
		for _, r := range reqs {
			inm := r.header.Get("If-None-Match")
			if isDoc(target) && inm != "" {
				t.Errorf("%s requested with If-None-Match %s", target, inm)
			}
			if strings.HasPrefix(target, "/news/") && inm != `"v1"` {
				t.Errorf("article %s requested without its validators", target)
			}
		}
	}
	askedMu.Lock()
	defer askedMu.Unlock()
	slices.Sort(asked)
	if want := []string{"/news/11", "/news/12", "/news/13", "/news/14", "/news/15", "/news/16", "/news/20"}; !slices.Equal(asked, want) {
		t.Errorf("validators asked for %v, want %v", asked, want)
	}
}

// TestDiscoveryOnly: a site of feeds alone, without start URLs or article
// patterns, at max_depth 0: what the feed lists is fetched, as articles,
// and nothing more.
func TestDiscoveryOnly(t *testing.T) {
	var srv *server
	srv = newServer(t, map[string]http.HandlerFunc{
		"/feed.json": func(w http.ResponseWriter, r *http.Request) {
			text(http.StatusOK, `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[
				{"id":"1","url":"`+srv.URL+`/a/1","date_published":"2026-03-01T00:00:00Z"},
				{"id":"2","url":"/a/2","date_published":"2026-03-02T00:00:00Z"}]}`, "Content-Type", "application/feed+json")(w, r)
		},
		"/a/": html("/a/3"),
	})
	site := crawler.Site{Name: "feeds", Feeds: []string{srv.URL + "/feed.json"}, MaxDepth: 0}
	rec, st := crawl(t, crawler.Config{Concurrency: 1}, site)
	if got, want := rec.paths(), []string{"/a/1", "/a/2"}; !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	var order []string
	for _, h := range srv.requests() {
		order = append(order, h.target)
	}
	if want := []string{"/robots.txt", "/feed.json", "/a/2", "/a/1"}; !slices.Equal(order, want) {
		t.Errorf("requests %v, want %v", order, want)
	}
	want := crawler.Stats{Fetched: 2, Pages: 2, Articles: 2, Discovered: 2, DiscoveryFetched: 1}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// TestDiscoveryBounds: MaxPages counts pages, not sitemaps; one site reads
// at most 100 sitemaps and feeds and queues at most 50,000 URLs, the newest.
func TestDiscoveryBounds(t *testing.T) {
	var srv *server
	const children = 150
	srv = newServer(t, map[string]http.HandlerFunc{
		"/index.xml": func(w http.ResponseWriter, r *http.Request) {
			var paths []string
			for i := range children {
				paths = append(paths, fmt.Sprintf("/s/%d.xml", i), "")
			}
			xmlDoc(sitemapIndex(srv.URL, paths...))(w, r)
		},
		"/s/": func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(r.URL.Path, "/s/%d.xml", &n)
			xmlDoc(urlset(srv.URL, fmt.Sprintf("/news/%d", n), ""))(w, r)
		},
		"/big-a.xml": func(w http.ResponseWriter, r *http.Request) { xmlDoc(bigSitemap(srv.URL, 0, 30_000))(w, r) },
		"/big-b.xml": func(w http.ResponseWriter, r *http.Request) { xmlDoc(bigSitemap(srv.URL, 30_000, 30_000))(w, r) },
		"/news/":     html(),
	})

	t.Run("max docs", func(t *testing.T) {
		site := newsSite(srv, 1)
		site.StartURLs = nil
		site.Sitemaps = []string{srv.URL + "/index.xml"}
		_, st := crawl(t, crawler.Config{MaxPages: 5}, site)
		if st.DiscoveryFetched != 100 || st.Discovered != 99 || st.Fetched != 5 || st.Queued != 94 {
			t.Errorf("stats %+v: want 100 documents, 99 URLs discovered, 5 fetched, 94 left", st)
		}
	})
	t.Run("max discovered", func(t *testing.T) {
		site := newsSite(srv, 1)
		site.StartURLs = []string{srv.URL + "/"}
		site.Sitemaps = []string{srv.URL + "/big-a.xml", srv.URL + "/big-b.xml"}
		rec, st := crawl(t, crawler.Config{MaxPages: 1, Concurrency: 1}, site)
		if st.Discovered != 50_000 || st.Fetched != 1 || st.Queued != 50_000 /* and the start URL */ {
			t.Errorf("stats %+v: want 50000 discovered, 1 fetched, 50000 left", st)
		}
		if got := rec.paths(); !slices.Equal(got, []string{"/news/59999"}) {
			t.Errorf("fetched %v, want the newest, /news/59999", got)
		}
	})
}

// bigSitemap lists /news/from.. with dates one minute apart, newest last.
func bigSitemap(base string, from, n int) string {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var entries []string
	for i := from; i < from+n; i++ {
		entries = append(entries, fmt.Sprintf("/news/%d", i), t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	return urlset(base, entries...)
}

// TestNoDiscoveryForAdHoc: a URL of no configured site is crawled alone;
// its host's robots.txt Sitemap: lines are not read.
func TestNoDiscoveryForAdHoc(t *testing.T) {
	var srv *server
	srv = newServer(t, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", srv.URL)
		},
		"/sitemap.xml": func(w http.ResponseWriter, r *http.Request) { xmlDoc(urlset(srv.URL, "/news/1", ""))(w, r) },
		"/x":           html(),
	})
	_, st := crawl(t, crawler.Config{}, crawler.Site{Name: "adhoc", StartURLs: []string{srv.URL + "/x"}, AdHoc: true})
	if srv.hitsOf("/sitemap.xml") != 0 || st.Discovered != 0 || st.DiscoveryFetched != 0 || st.Fetched != 1 {
		t.Errorf("ad hoc crawl read a sitemap: %+v", st)
	}
}

func TestDiscoveryURLsChecked(t *testing.T) {
	h := func(context.Context, *crawler.Page) error { return nil }
	for _, tt := range []struct {
		name string
		site crawler.Site
		want string
	}{
		{"sitemap off domains", crawler.Site{Name: "s", Domains: []string{"a.example"}, StartURLs: []string{"https://a.example/"}, Sitemaps: []string{"https://b.example/s.xml"}}, `sitemap "https://b.example/s.xml": host "b.example" is not in domains`},
		{"feed not http", crawler.Site{Name: "s", Feeds: []string{"ftp://a.example/f.xml"}}, "feed: "},
		{"nothing to start from", crawler.Site{Name: "s", Domains: []string{"a.example"}}, "no start urls, sitemaps or feeds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := crawler.New(crawler.Config{}, []crawler.Site{tt.site}, h)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want %q", err, tt.want)
			}
		})
	}
}
