package demo

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// wantArticles is the demo's article set, spelled out so that adding or
// losing a page is a visible change.
var wantArticles = []string{
	"/news/1001/hamas-delegation-egyptian-intelligence-gaza-truce",
	"/news/1002/rain-warning-north-coast",
	"/news/1003/egypt-u17-win-north-africa-title",
	"/news/1004/cairo-metro-line-4-test-runs",
	"/news/1005/climate-talks-adaptation-finance-deal",
	"/news/1006/earthquake-crete-no-casualties",
	"/news/1007/northern-italy-floods-rail-links",
	"/news/1008/horn-of-africa-drought-displacement",
	"/news/1009/central-bank-holds-rates",
	"/news/1010/egyptian-exchange-weekly-close",
	"/news/1011/cairo-startup-arabic-speech-funding",
	"/news/1012/egypt-beat-senegal-friendly",
}

// olderArticles are linked only from /section/world?page=2 (and from each
// other): a crawl must follow the pagination to find them.
var olderArticles = []string{
	"/news/1007/northern-italy-floods-rail-links",
	"/news/1008/horn-of-africa-drought-displacement",
}

func TestArticlePaths(t *testing.T) {
	got := ArticlePaths()
	if !slices.Equal(got, wantArticles) {
		t.Fatalf("ArticlePaths() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantArticles, "\n"))
	}
	got[0] = "changed"
	if ArticlePaths()[0] != wantArticles[0] {
		t.Fatal("ArticlePaths returns shared state")
	}
}

func startDemo(t *testing.T) string {
	t.Helper()
	base, stop, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("base URL %q", base)
	}
	return base
}

var client = &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

type response struct {
	status int
	ctype  string
	body   []byte
}

func get(t *testing.T, u string) response {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), body}
}

func TestStartServesHomeAndRobots(t *testing.T) {
	base := startDemo(t)

	home := get(t, base+"/")
	if home.status != 200 || home.ctype != "text/html; charset=utf-8" {
		t.Fatalf("/: %d %q", home.status, home.ctype)
	}
	if !strings.Contains(string(home.body), `<link rel="canonical" href="https://demo.newsarc.test/">`) {
		t.Error("/: no canonical link to https://demo.newsarc.test/")
	}

	robots := get(t, base+"/robots.txt")
	if robots.status != 200 || robots.ctype != "text/plain; charset=utf-8" {
		t.Fatalf("/robots.txt: %d %q", robots.status, robots.ctype)
	}
	for _, line := range []string{"User-agent: *", "Disallow: /private/", "Crawl-delay: 0"} {
		if !slices.Contains(strings.Split(string(robots.body), "\n"), line) {
			t.Errorf("robots.txt lacks the line %q:\n%s", line, robots.body)
		}
	}

	// The private page exists (so a crawler that ignores robots.txt would
	// find it) and is linked from the home page.
	if r := get(t, base+"/private/"); r.status != 200 {
		t.Errorf("/private/: %d", r.status)
	}
	if !slices.Contains(pageLinks(t, base+"/", home), "/private/") {
		t.Error("/ does not link to /private/")
	}
}

// pageLinks returns the same-host <a href> targets of a page as path+query,
// fragment removed.
func pageLinks(t *testing.T, pageURL string, r response) []string {
	t.Helper()
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := charset.NewReader(strings.NewReader(string(r.body)), r.ctype)
	if err != nil {
		t.Fatalf("%s: %v", pageURL, err)
	}
	doc, err := html.Parse(rd)
	if err != nil {
		t.Fatalf("%s: %v", pageURL, err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			for _, a := range n.Attr {
				if a.Key != "href" {
					continue
				}
				u, err := base.Parse(a.Val)
				if err != nil {
					t.Errorf("%s: bad link %q: %v", pageURL, a.Val, err)
					continue
				}
				if u.Host != base.Host || u.Scheme != base.Scheme {
					continue
				}
				u.Fragment = ""
				out = append(out, u.RequestURI())
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func isHTML(ctype string) bool { return strings.HasPrefix(ctype, "text/html") }

func articlePath(link string) string {
	p, _, _ := strings.Cut(link, "?")
	if regexp.MustCompile(`^/news/\d+/`).MatchString(p) {
		return p
	}
	return ""
}

// TestEveryLinkReachable walks the whole site from / as a polite crawler
// would (robots.txt's /private/ excluded), following every same-host link
// of every page: each one must answer 200, and every article is found.
func TestEveryLinkReachable(t *testing.T) {
	base := startDemo(t)
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	found := map[string]bool{}
	for len(queue) > 0 {
		link := queue[0]
		queue = queue[1:]
		r := get(t, base+link)
		if r.status != 200 {
			t.Errorf("%s: status %d", link, r.status)
			continue
		}
		if p := articlePath(link); p != "" {
			found[p] = true
		}
		if !isHTML(r.ctype) {
			continue
		}
		for _, l := range pageLinks(t, base+link, r) {
			if seen[l] || strings.HasPrefix(l, "/private/") {
				continue
			}
			seen[l] = true
			queue = append(queue, l)
		}
	}
	for _, p := range ArticlePaths() {
		if !found[p] {
			t.Errorf("article %s is linked from nowhere", p)
		}
	}
	for l := range seen {
		if p := articlePath(l); p != "" && !slices.Contains(ArticlePaths(), p) {
			t.Errorf("link to %s, which is not in ArticlePaths", l)
		}
	}
	// Tracking and print variants are linked and served.
	var utm, print int
	for l := range seen {
		if strings.Contains(l, "utm_source=") {
			utm++
		}
		if strings.Contains(l, "?print=1") {
			print++
		}
	}
	if utm == 0 {
		t.Error("no links with utm_source")
	}
	if print != len(ArticlePaths()) {
		t.Errorf("%d print links, want one per article (%d)", print, len(ArticlePaths()))
	}
}

// TestCrawlBySiteFile walks the site the way the demo's site file says:
// links are followed only from follow_urls pages, ignore_urls are never
// fetched, and max_depth bounds the walk. Every article is found, the older
// ones only through the world section's second page.
func TestCrawlBySiteFile(t *testing.T) {
	sf := demoSite(t).Crawl
	base := startDemo(t)
	matchAny := func(res []*regexp.Regexp, s string) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
	}
	depth := map[string]int{"/": 0}
	linkedFrom := map[string][]string{}
	queue := []string{"/"}
	found := map[string]int{}
	for len(queue) > 0 {
		link := queue[0]
		queue = queue[1:]
		if matchAny(sf.IgnoreURLs, link) {
			t.Fatalf("fetched ignored %s", link)
		}
		r := get(t, base+link)
		if r.status != 200 {
			t.Errorf("%s: status %d", link, r.status)
			continue
		}
		if matchAny(sf.ArticleURLs, link) {
			p := articlePath(link)
			if _, ok := found[p]; !ok {
				found[p] = depth[link]
			}
			continue
		}
		if !matchAny(sf.FollowURLs, link) || depth[link] >= sf.MaxDepth {
			continue
		}
		for _, l := range pageLinks(t, base+link, r) {
			linkedFrom[articlePath(l)] = append(linkedFrom[articlePath(l)], link)
			if _, ok := depth[l]; ok || matchAny(sf.IgnoreURLs, l) {
				continue
			}
			if !matchAny(sf.ArticleURLs, l) && !matchAny(sf.FollowURLs, l) {
				continue
			}
			depth[l] = depth[link] + 1
			queue = append(queue, l)
		}
	}
	for _, p := range ArticlePaths() {
		if _, ok := found[p]; !ok {
			t.Errorf("the site file's crawl misses %s", p)
		}
	}
	for _, p := range olderArticles {
		if d := found[p]; d != 3 {
			t.Errorf("%s found at depth %d, want 3 (home, section, page 2)", p, d)
		}
		for _, from := range linkedFrom[p] {
			if from != "/section/world?page=2" {
				t.Errorf("%s is linked from %s: it must be reachable only through pagination", p, from)
			}
		}
	}
	for l := range depth {
		if strings.HasPrefix(l, "/private/") {
			t.Errorf("crawl reached %s", l)
		}
	}
}

func TestNotFound(t *testing.T) {
	base := startDemo(t)
	for _, p := range []string{
		"/nope",
		"/index.html",
		"/news/1001",
		"/news/1001/wrong-slug",
		"/news/1001/hamas-delegation-egyptian-intelligence-gaza-truce/",
		"/news/1001/hamas-delegation-egyptian-intelligence-gaza-truce.html",
		"/news/1003/egypt-u17-win-north-africa-title.cp1256",
		"/section/world?page=3",
		"/section/world?page=0",
		"/section/world?page=two",
		"/section/egypt?page=2",
		"/section/sport",
		"/private",
		"/static/",
		"/static/img/nope.svg",
		"/robots.txt/",
		"/news/../robots.txt",
		"/site/index.html",
	} {
		r := get(t, base+p)
		if r.status != 404 {
			t.Errorf("%s: status %d, want 404", p, r.status)
		}
		if !isHTML(r.ctype) {
			t.Errorf("%s: 404 with Content-Type %q", p, r.ctype)
		}
	}
	for _, p := range []string{"/section/world?page=1", "/section/world?page=2", "/?utm_source=x"} {
		if r := get(t, base+p); r.status != 200 {
			t.Errorf("%s: status %d, want 200", p, r.status)
		}
	}
	resp, err := client.Post(base+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d", resp.StatusCode)
	}
}

func TestConditionalGet(t *testing.T) {
	base := startDemo(t)
	u := base + wantArticles[0]
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
}

func TestStopShutsDown(t *testing.T) {
	base, stop, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	// An idle keep-alive connection must not hold stop up.
	if r := get(t, base+"/"); r.status != 200 {
		t.Fatalf("/: %d", r.status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stop took %v", d)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		conn.Close()
		t.Error("still listening after stop")
	}
	if err := stop(ctx); err != nil {
		t.Errorf("second stop: %v", err)
	}
}

func TestStopContextExpired(t *testing.T) {
	base, stop, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	// A connection that never sends a request keeps Shutdown waiting until
	// ReadHeaderTimeout; an expired context must still end the server.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = stop(ctx)
	if err == nil {
		t.Error("stop with a busy connection and an expired context returned nil")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stop took %v", d)
	}
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		c.Close()
		t.Error("still listening after stop")
	}
}
