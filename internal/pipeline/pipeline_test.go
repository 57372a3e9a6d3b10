package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/store"
)

const page = `<html lang="ar" dir="rtl"><head><link rel="canonical" href="https://news.example/news/1"></head><body>
<h1 class="t">عنوان الخبر</h1><div class="b"><p>الفقرة الأولى من الخبر.</p><h2>عنوان فرعي</h2><p>%s</p></div></body></html>`

func newPage(t *testing.T, body string, article bool, at time.Time) *crawler.Page {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://news.example/news/1?utm_source=x")
	return &crawler.Page{Site: "news", URL: u.String(), FinalURL: u, Article: article, Status: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(body), FetchedAt: at, Doc: doc}
}

func TestHandleStoresVersions(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, err := extract.Compile("news", "site:news@000000000000", extract.Selectors{Headline: "h1.t", Body: ".b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(db, []pipeline.Site{{Name: "news", Domains: []string{"news.example"}, Rules: rules, HasBody: true}}, nil)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	steps := []struct {
		body    string
		article bool
	}{
		{strings.Replace(page, "%s", "الفقرة الثانية.", 1), true},
		{strings.Replace(page, "%s", "الفقرة الثانية.", 1) + "<!-- ad rotated -->", true}, // same content
		{strings.Replace(page, "%s", "الفقرة الثانية بعد التعديل.", 1), true},             // edited
		{"<html><body><a href=/news/2>x</a></body></html>", false},                        // a listing: links only
	}
	for i, s := range steps {
		if err := p.Handle(ctx, newPage(t, s.body, s.article, t0.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	p.Close()
	got := p.Counts()
	if got.Articles != 3 || got.New != 2 || got.Unchanged != 1 || got.Failed != 0 {
		t.Errorf("counts %+v, want 3 articles, 2 new, 1 unchanged", got)
	}
	h, err := db.History(ctx, "https://news.example/news/1")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Seen != 2 || !h[0].LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("history %+v", h)
	}
	rec, err := db.Record(ctx, h[1].URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	var a extract.Article
	if err := json.Unmarshal(rec, &a); err != nil {
		t.Fatal(err)
	}
	if a.FetchedAt != "2026-11-29T12:00:00Z" || a.Status != 200 || !strings.HasPrefix(a.PayloadDigest, "sha1:") || a.ContentHash != h[1].ContentHash {
		t.Errorf("record fetch fields: %+v", a)
	}
	capture, err := db.Capture(ctx, h[1].URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(capture), "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html") {
		t.Errorf("capture starts %q", capture[:80])
	}
}

func TestHandleFailuresAreCounted(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := pipeline.New(db, []pipeline.Site{{Name: "news"}, {Name: "adhoc", AdHoc: true}}, nil)
	ctx := context.Background()
	empty := newPage(t, "<html><body><nav>x</nav></body></html>", true, time.Now())
	if err := p.Handle(ctx, empty); err == nil || !strings.Contains(err.Error(), "news.example/news/1") {
		t.Errorf("empty article page: err %v, want one naming the URL", err)
	}
	notHTML := newPage(t, "", true, time.Now())
	notHTML.Doc = nil
	if err := p.Handle(ctx, notHTML); err != nil {
		t.Errorf("non-HTML article page (an image behind an article URL): %v, want it skipped", err)
	}
	skipped := newPage(t, "<html><body><nav>x</nav></body></html>", true, time.Now())
	skipped.Site = "adhoc"
	if err := p.Handle(ctx, skipped); err != nil {
		t.Errorf("ad hoc page without content: %v", err)
	}
	p.Close()
	if c := p.Counts(); c.Failed != 1 || c.Skipped != 2 || c.New != 0 {
		t.Errorf("counts %+v", c)
	}
}

func TestPayloadDigest(t *testing.T) {
	// sha1("") in base32, as WARC tools write it.
	if got := pipeline.PayloadDigest(nil); got != "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ" {
		t.Errorf("PayloadDigest(empty) = %s", got)
	}
}

// TestHandleNotModified: the validators of a stored page are offered to
// the crawler, and a 304 is counted against the version they belong to,
// without extraction, and kept as a not-modified fetch.
func TestHandleNotModified(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, err := extract.Compile("news", "site:news@000000000000", extract.Selectors{Headline: "h1.t", Body: ".b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sites := []pipeline.Site{{Name: "news", Domains: []string{"news.example"}, Rules: rules, HasBody: true}}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	target := "https://news.example/news/1?utm_source=x"

	p := pipeline.New(db, sites, nil)
	if etag, lm := p.Validators(ctx, target); etag != "" || lm != "" {
		t.Errorf("validators before any fetch: %q %q", etag, lm)
	}
	pg := newPage(t, strings.Replace(page, "%s", "الفقرة الثانية.", 1), true, t0)
	pg.Header.Set("ETag", `"v1"`)
	pg.Header.Set("Last-Modified", "Sat, 28 Nov 2026 09:30:00 GMT")
	pg.Request = []byte("GET /news/1?utm_source=x HTTP/1.1\r\nHost: news.example\r\n\r\n")
	if err := p.Handle(ctx, pg); err != nil {
		t.Fatal(err)
	}
	p.Close()

	p = pipeline.New(db, sites, nil)
	etag, lm := p.Validators(ctx, target)
	if etag != `"v1"` || lm != "Sat, 28 Nov 2026 09:30:00 GMT" {
		t.Fatalf("validators %q %q", etag, lm)
	}
	nm := &crawler.Page{Site: "news", URL: target, FinalURL: pg.FinalURL, Article: true, Status: http.StatusNotModified,
		NotModified: true, Header: http.Header{"Etag": {`"v1"`}}, FetchedAt: t0.Add(time.Hour), Proto: "HTTP/1.1",
		Request: []byte("GET /news/1?utm_source=x HTTP/1.1\r\nHost: news.example\r\nIf-None-Match: \"v1\"\r\n\r\n")}
	if err := p.Handle(ctx, nm); err != nil {
		t.Fatal(err)
	}
	// A 304 for a URL the archive has no validators for cannot be placed.
	stray := *nm
	stray.FinalURL, _ = url.Parse("https://news.example/news/9")
	if err := p.Handle(ctx, &stray); err == nil {
		t.Error("304 without stored validators: no error")
	}
	p.Close()
	if c := p.Counts(); c.Articles != 1 || c.Unchanged != 1 || c.NotModified != 1 || c.New != 0 || c.Failed != 1 {
		t.Errorf("counts %+v, want 1 article (the 304), 1 unchanged, 1 not modified, 1 failed", c)
	}
	h, err := db.History(ctx, "https://news.example/news/1")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Seen != 2 || !h[0].LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("history %+v, want one version seen twice", h)
	}
	var kinds []store.FetchKind
	err = db.Fetches(ctx, store.Filter{}, func(f store.Fetch) error {
		kinds = append(kinds, f.Kind)
		if f.Kind == store.FetchNotModified {
			if !strings.HasPrefix(string(f.Capture), "HTTP/1.1 304 Not Modified\r\nEtag: \"v1\"\r\n\r\n") || len(f.Request) == 0 ||
				f.TargetURI != target || !f.Original.FetchedAt.Equal(t0) {
				t.Errorf("304 fetch: capture %q, request %q, target %s, original %v", f.Capture, f.Request, f.TargetURI, f.Original.FetchedAt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(kinds) != "[version not-modified]" {
		t.Errorf("fetches %v", kinds)
	}
}

// TestTruncatedArticleNotStored: a page cut at max_body_bytes would give a
// cut record and a capture that is not the page: it is skipped.
func TestTruncatedArticleNotStored(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := pipeline.New(db, []pipeline.Site{{Name: "news"}}, nil)
	pg := newPage(t, strings.Replace(page, "%s", "الفقرة الثانية.", 1), true, time.Now())
	pg.Truncated = true
	if err := p.Handle(context.Background(), pg); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if c := p.Counts(); c.Skipped != 1 || c.Articles != 0 || c.New != 0 {
		t.Errorf("counts %+v, want the page skipped", c)
	}
	if _, err := db.History(context.Background(), "https://news.example/news/1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("history of the cut page: %v, want not found", err)
	}
}

// TestSelectorHealth: per selector, the pages on which it took something;
// a selector of an expected field below the threshold is unhealthy, an
// absent breaking-news label is not.
func TestSelectorHealth(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, err := extract.Compile("news", "site:news@000000000000",
		extract.Selectors{Label: ".breaking", Headline: "h1.t", Source: ".src", Body: ".b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(db, []pipeline.Site{{Name: "news", Domains: []string{"news.example"}, Rules: rules, HasBody: true}}, nil)
	ctx := context.Background()
	pages := []string{
		strings.Replace(page, `<h1 class="t">`, `<div class="src">وكالات</div><h1 class="t">`, 1),
		strings.Replace(page, `<h1 class="t">`, `<div class="src">وكالات</div><h1 class="t">`, 1),
		page, // no source line
		`<html><body><article><h1>عنوان</h1><p>فقرة طويلة بما يكفي ليأخذها المستخرج العام من الصفحة، وهي الفقرة الأولى.</p>
<p>وفقرة ثانية طويلة كذلك حتى يعدها المستخرج العام نص الخبر لا مجرد سطر عابر.</p></article></body></html>`, // body selector misses
	}
	for i, body := range pages {
		pg := newPage(t, strings.Replace(body, "%s", fmt.Sprintf("الفقرة %d.", i), 1), true, time.Now())
		pg.URL = fmt.Sprintf("https://news.example/news/%d", i)
		pg.FinalURL, _ = url.Parse(pg.URL)
		if err := p.Handle(ctx, pg); err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
	}
	p.Close()
	got := map[string][2]int64{}
	for _, h := range p.SelectorHealth() {
		if h.Site != "news" {
			t.Errorf("health of site %q", h.Site)
		}
		got[h.Field] = [2]int64{h.Hits, h.Pages}
	}
	want := map[string][2]int64{"label": {0, 3}, "headline": {3, 3}, "source": {2, 3}, "body": {3, 4}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("selector health %v, want %v", got, want)
	}
	var bad []string
	for _, h := range pipeline.Unhealthy(p.SelectorHealth(), 3, 0.8) {
		bad = append(bad, h.Field)
	}
	if fmt.Sprint(bad) != "[body source]" {
		t.Errorf("unhealthy %v, want body (3/4) and source (2/3), not the label", bad)
	}
	if len(pipeline.Unhealthy(p.SelectorHealth(), 5, 0.8)) != 0 {
		t.Error("unhealthy on fewer pages than the minimum")
	}
}

// TestFetchTimeBoundsDates: a crawl and a re-extraction pass the fetch time
// to the extractor, which passes over dates more than a day after it.
func TestFetchTimeBoundsDates(t *testing.T) {
	const dated = `<html lang="en"><head><meta property="article:published_time" content="2026-12-02T10:00:00Z"></head><body>
<h1 class="t">Headline</h1><p class="byline">By A. Writer, <time datetime="2026-11-28T09:00:00Z">28 November 2026</time></p>
<div class="b"><p>The first paragraph of the story.</p></div></body></html>`
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	rules, err := extract.Compile("news", "site:news@000000000000", extract.Selectors{Headline: "h1.t", Body: ".b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	site := pipeline.Site{Name: "news", Domains: []string{"news.example"}, Rules: rules, HasBody: true}

	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := pipeline.New(db, []pipeline.Site{site}, nil)
	if err := p.Handle(context.Background(), newPage(t, dated, true, at)); err != nil {
		t.Fatal(err)
	}
	p.Close()
	rec, err := db.Record(context.Background(), "https://news.example/news/1", 1)
	if err != nil {
		t.Fatal(err)
	}
	var crawled extract.Article
	if err := json.Unmarshal(rec, &crawled); err != nil {
		t.Fatal(err)
	}

	if crawled.PublishedAt != "2026-11-28T09:00:00Z" {
		t.Errorf("crawl: published_at = %q, want the <time>'s: the meta is after the fetch", crawled.PublishedAt)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"re-extraction at the fetch time", at, "2026-11-28T09:00:00Z"},
		{"re-extraction, fetch time unknown", time.Time{}, "2026-12-02T10:00:00Z"},
	} {
		a, err := site.Extract("https://news.example/news/1", http.Header{"Content-Type": {"text/html"}}, []byte(dated), tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if a.PublishedAt != tc.want {
			t.Errorf("%s: published_at = %q, want %q", tc.name, a.PublishedAt, tc.want)
		}
	}
}
