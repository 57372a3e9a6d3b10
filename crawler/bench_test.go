package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gocolly/colly/v2"

	"github.com/newsarc/newsarc/crawler"
)

// benchSite is a loopback news site of n articles of about 20 KiB, listed
// 20 to a section page, with pagination and cross links.
func benchSite(n int) http.Handler {
	pages := map[string][]byte{}
	para := strings.Repeat("نص الخبر كما نشر في الصحيفة اليوم. ", 12)
	sections := (n + 19) / 20
	for p := 1; p <= sections; p++ {
		var b strings.Builder
		b.WriteString(`<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>أخبار</title></head><body><ul>`)
		for i := (p-1)*20 + 1; i <= p*20 && i <= n; i++ {
			fmt.Fprintf(&b, `<li><a href="/news/%d?utm_source=list">خبر %d</a></li>`, i, i)
		}
		b.WriteString(`</ul>`)
		if p < sections {
			fmt.Fprintf(&b, `<a rel="next" href="/section/all?page=%d">التالي</a>`, p+1)
		}
		b.WriteString(`</body></html>`)
		pages[fmt.Sprintf("/section/all?page=%d", p)] = []byte(b.String())
	}
	for i := 1; i <= n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, `<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>خبر %d</title></head><body><nav><a href="/">الرئيسية</a><a href="/section/all?page=1">أخبار</a></nav><article><h1>خبر %d</h1>`, i, i)
		for range 40 {
			fmt.Fprintf(&b, "<p>%s</p>", para)
		}
		for k := 1; k <= 5; k++ {
			fmt.Fprintf(&b, `<a href="/news/%d">ذو صلة</a>`, (i*k*7)%n+1)
		}
		b.WriteString(`</article></body></html>`)
		pages[fmt.Sprintf("/news/%d", i)] = []byte(b.String())
	}
	pages["/"] = []byte(`<!doctype html><html><body><a href="/section/all?page=1">أخبار</a></body></html>`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		page, ok := pages[key]
		if !ok {
			page, ok = pages[r.URL.Path] // ?utm_source=… as real sites: ignored
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
}

const benchArticles = 300

// BenchmarkCrawler crawls the loopback site with rate limits off; compare
// pages/s with BenchmarkBareColly.
func BenchmarkCrawler(b *testing.B) {
	srv := httptest.NewServer(benchSite(benchArticles))
	defer srv.Close()
	site := crawler.Site{
		Name: "bench", Domains: []string{"127.0.0.1"}, StartURLs: []string{srv.URL + "/"},
		ArticleURLs: res(`^/news/\d+`), FollowURLs: res(`^/section/`), MaxDepth: 1000,
	}
	var pages int64
	b.ReportAllocs()
	for b.Loop() {
		c, err := crawler.New(crawler.Config{Concurrency: 8}, []crawler.Site{site}, func(context.Context, *crawler.Page) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Run(b.Context())
		if err != nil || st.Errors > 0 {
			b.Fatalf("run: %v, %+v", err, st)
		}
		pages += st.Fetched
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkBareColly is colly as its README has it: async, a parallelism
// limit, every link followed with OnHTML.
func BenchmarkBareColly(b *testing.B) {
	srv := httptest.NewServer(benchSite(benchArticles))
	defer srv.Close()
	var pages atomic.Int64
	b.ReportAllocs()
	for b.Loop() {
		c := colly.NewCollector()
		c.Async = true
		c.AllowedDomains = []string{"127.0.0.1"}
		if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 8}); err != nil {
			b.Fatal(err)
		}
		c.OnResponse(func(*colly.Response) { pages.Add(1) })
		c.OnHTML("a[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
		if err := c.Visit(srv.URL + "/"); err != nil {
			b.Fatal(err)
		}
		c.Wait()
	}
	b.ReportMetric(float64(pages.Load())/b.Elapsed().Seconds(), "pages/s")
}
