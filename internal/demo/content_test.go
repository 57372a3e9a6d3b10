package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
)

// demoSite is the demo's site file read by the project's own loader.
func demoSite(t *testing.T) *config.Site {
	t.Helper()
	site, err := config.ParseSite("demo.yaml", SiteFile())
	if err != nil {
		t.Fatalf("demo.yaml: %v", err)
	}
	if site.Rules == nil {
		t.Fatal("demo.yaml: no extraction rules")
	}
	return site
}

func patterns(res []*regexp.Regexp) []string {
	var out []string
	for _, re := range res {
		out = append(out, re.String())
	}
	return out
}

func TestSiteFile(t *testing.T) {
	site := demoSite(t)
	c := site.Crawl
	if site.Name != "demo" || c.Name != "demo" || !site.HasBody || site.Rules.Name() != "demo" ||
		!slices.Equal(c.Domains, []string{"127.0.0.1", "demo.newsarc.test"}) ||
		!slices.Equal(c.StartURLs, []string{"http://127.0.0.1/"}) ||
		!slices.Equal(patterns(c.ArticleURLs), []string{`^/news/\d+`}) ||
		!slices.Equal(patterns(c.FollowURLs), []string{`^/section/`, `^/$`}) ||
		!slices.Equal(patterns(c.IgnoreURLs), []string{`\?print=`, `^/private/`}) ||
		c.MaxDepth != 3 || c.Rate != 0 {
		t.Errorf("demo.yaml: %+v", site)
	}
	// The selectors as the extractor reports using them (Explain's rules
	// are the raw selector strings), on the seed page.
	p := fetchPage(t, seedPath)
	_, steps, err := extract.Explain(p.input(site), site.Rules)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, s := range steps {
		switch s.Field {
		case "remove", "label", "headline", "source", "published_at", "body",
			"section_heading", "paragraph", "image", "caption":
			rules = append(rules, s.Field+"="+s.Rule)
		}
	}
	wantRules := []string{
		"remove=.share", "remove=.related", "remove=.ad", "remove=script", "remove=style",
		"label=.breaking", "headline=h1.article-title", "source=.article-source",
		"published_at=time[datetime]@datetime", "body=.article-body",
		"section_heading=h2, h3", "paragraph=p", "image=figure img@src", "caption=figcaption",
	}
	slices.Sort(rules)
	slices.Sort(wantRules)
	if !slices.Equal(rules, wantRules) {
		t.Errorf("selectors used:\n got  %q\n want %q", rules, wantRules)
	}
	// drop_lines is not visible through the loader, and the extractor drops
	// this share toast on its own as well: check the file's text.
	if !bytes.Contains(SiteFile(), []byte(`drop_lines: ["تم نسخ الرابط"]`)) {
		t.Error("demo.yaml: drop_lines is not [\"تم نسخ الرابط\"]")
	}
	match := func(res []*regexp.Regexp, s string) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
	}
	for _, p := range ArticlePaths() {
		if !match(c.ArticleURLs, p) || match(c.FollowURLs, p) || match(c.IgnoreURLs, p) {
			t.Errorf("%s is not an article path by the site file", p)
		}
		if !match(c.IgnoreURLs, p+"?print=1") {
			t.Errorf("%s?print=1 is not ignored", p)
		}
	}
	for _, p := range []string{"/", "/section/egypt", "/section/world", "/section/world?page=2", "/section/business"} {
		if !match(c.FollowURLs, p) || match(c.ArticleURLs, p) || match(c.IgnoreURLs, p) {
			t.Errorf("%s is not a follow page by the site file", p)
		}
	}
	if !match(c.IgnoreURLs, "/private/") {
		t.Error("/private/ is not ignored")
	}
	// SiteFile returns a copy.
	b := SiteFile()
	b[0] ^= 0xff
	if bytes.Equal(b, SiteFile()) {
		t.Error("SiteFile returns shared bytes")
	}
}

// page is an article fetched through Handler and parsed (decoded from its
// charset first).
type page struct {
	path  string
	raw   []byte
	ctype string
	doc   *goquery.Document
}

func fetchPage(t *testing.T, path string) page {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("%s: status %d", path, rec.Code)
	}
	ct := rec.Header().Get("Content-Type")
	rd, err := charset.NewReader(bytes.NewReader(rec.Body.Bytes()), ct)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	doc, err := goquery.NewDocumentFromReader(rd)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return page{path, rec.Body.Bytes(), ct, doc}
}

var spaces = regexp.MustCompile(`\s+`)

func text(s *goquery.Selection) string {
	return strings.TrimSpace(spaces.ReplaceAllString(s.Text(), " "))
}

// pageBase is the origin the demo is crawled at (the site file's start URL).
const pageBase = "http://127.0.0.1"

// input is the page as the crawler hands it to the extractor: raw bytes
// and Content-Type as served.
func (p page) input(site *config.Site) extract.Input {
	return extract.Input{URL: pageBase + p.path, ContentType: p.ctype, Body: p.raw, Domains: site.Crawl.Domains}
}

// article is the page's record by the demo site file's rules.
func (p page) article(t *testing.T, site *config.Site) *extract.Article {
	t.Helper()
	a, err := extract.Extract(p.input(site), site.Rules)
	if err != nil {
		t.Fatalf("%s: %v", p.path, err)
	}
	if a.Extractor != site.Extractor() {
		t.Errorf("%s: extractor %q, want %q (the body selector matches nothing?)", p.path, a.Extractor, site.Extractor())
	}
	return a
}

func TestArticlePages(t *testing.T) {
	site := demoSite(t)
	langs := map[string]int{}
	for _, path := range ArticlePaths() {
		t.Run(strings.TrimPrefix(path, "/news/"), func(t *testing.T) {
			p := fetchPage(t, path)
			d := p.doc
			lang, _ := d.Find("html").Attr("lang")
			dir, _ := d.Find("html").Attr("dir")
			langs[lang]++
			switch lang {
			case "ar":
				if dir != "rtl" {
					t.Errorf("lang=ar with dir=%q", dir)
				}
			case "en":
				if dir != "ltr" {
					t.Errorf("lang=en with dir=%q", dir)
				}
			default:
				t.Errorf("lang=%q", lang)
			}

			canon, _ := d.Find(`link[rel="canonical"]`).Attr("href")
			if canon != CanonicalBase+path {
				t.Errorf("canonical %q", canon)
			}
			if n := d.Find("h1").Length(); n != 1 {
				t.Errorf("%d h1", n)
			}
			h1 := text(d.Find("h1.article-title"))
			if og, _ := d.Find(`meta[property="og:title"]`).Attr("content"); og != h1 || h1 == "" {
				t.Errorf("og:title %q, h1 %q", og, h1)
			}
			if ogURL, _ := d.Find(`meta[property="og:url"]`).Attr("content"); ogURL != canon {
				t.Errorf("og:url %q", ogURL)
			}
			for _, s := range []string{".article-source", "time[datetime]", ".article-body", ".share", ".related", ".ad", ".cookie-banner", "footer", ".ticker", "nav.main-nav", `script[type="application/ld+json"]`} {
				if n := d.Find(s).Length(); n == 0 {
					t.Errorf("no %s", s)
				}
			}
			if n := d.Find("time").Length(); n != 1 {
				t.Errorf("%d <time> elements: the published selector takes the first", n)
			}
			if n := d.Find(".article-source").Length(); n != 1 {
				t.Errorf("%d .article-source", n)
			}
			dt, _ := d.Find("time[datetime]").Attr("datetime")
			pub, err := time.Parse(time.RFC3339, dt)
			if err != nil || !strings.HasPrefix(dt, "2026-11-2") || !strings.HasSuffix(dt, "+02:00") {
				t.Errorf("datetime %q: %v", dt, err)
			}

			// JSON-LD agrees with the visible page.
			var ld map[string]any
			if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
				t.Fatalf("JSON-LD: %v", err)
			}
			if ld["@type"] != "NewsArticle" || ld["headline"] != h1 || ld["inLanguage"] != lang || ld["url"] != canon {
				t.Errorf("JSON-LD %v", ld)
			}
			if ldPub, _ := time.Parse(time.RFC3339, ld["datePublished"].(string)); !ldPub.Equal(pub) {
				t.Errorf("JSON-LD datePublished %v, page %v", ld["datePublished"], dt)
			}

			// Navigation to every section.
			for _, s := range []string{"egypt", "world", "business"} {
				if d.Find(`nav.main-nav a[href="/section/`+s+`"]`).Length() != 1 {
					t.Errorf("nav lacks /section/%s", s)
				}
			}
			// Print link, in the share widget.
			if d.Find(`.share a[href="`+path+`?print=1"]`).Length() != 1 {
				t.Error("no print link in .share")
			}
			// Related links go to other articles.
			rel := 0
			d.Find(".related a[href]").Each(func(_ int, a *goquery.Selection) {
				h, _ := a.Attr("href")
				ap := articlePath(h)
				if ap == "" || ap == path || !slices.Contains(ArticlePaths(), ap) {
					t.Errorf("related link %q", h)
				}
				rel++
			})
			if rel < 2 {
				t.Errorf("%d related links", rel)
			}
			if lang == "ar" && !strings.Contains(text(d.Find(".share-widget")), "تم نسخ الرابط") {
				t.Error("Arabic share widget without the toast")
			}
			// .breaking only on labelled articles, never in the chrome.
			if n := d.Find(".breaking").Length(); n > 1 || (n == 1 && d.Find("article .breaking").Length() != 1) {
				t.Errorf("%d .breaking", n)
			}

			// What the site file's rules take from the page.
			a := p.article(t, site)
			if a.Language != lang || a.Direction != dir || a.URL != canon {
				t.Errorf("language %q, direction %q, url %q", a.Language, a.Direction, a.URL)
			}
			if a.Headline != h1 || a.Source == "" || a.PublishedAt != pub.UTC().Format(time.RFC3339) {
				t.Errorf("headline %q, source %q, published_at %q (page %s)", a.Headline, a.Source, a.PublishedAt, dt)
			}
			if label := text(d.Find("article .breaking")); a.Label != label {
				t.Errorf("label %q, page %q", a.Label, label)
			}
			paras := 0
			for i, s := range a.Sections {
				if i > 0 && s.Heading == "" {
					t.Errorf("section %d without heading", i)
				}
				if len(s.Paragraphs) == 0 {
					t.Errorf("section %q without paragraphs", s.Heading)
				}
				paras += len(s.Paragraphs)
				for _, para := range s.Paragraphs {
					if len([]rune(para)) < 60 {
						t.Errorf("short paragraph %q: boilerplate left in the body?", para)
					}
				}
			}
			if paras < 5 {
				t.Errorf("%d paragraphs", paras)
			}
			for _, h := range []string{"اقرأ أيضًا", "أخبار ذات صلة", "Related stories"} {
				if slices.ContainsFunc(a.Sections, func(s extract.Section) bool { return s.Heading == h }) {
					t.Errorf("boilerplate heading %q in the record", h)
				}
			}
			for _, img := range a.Images {
				if !strings.HasPrefix(img.Src, CanonicalBase+"/static/img/") || img.Caption == "" {
					t.Errorf("image %+v", img)
				}
			}
			// The article's script-free text stays in its language.
			if lang == "ar" {
				if !strings.ContainsFunc(a.Headline, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
					t.Errorf("Arabic page, headline %q", a.Headline)
				}
			}
		})
	}
	if langs["ar"] < 5 || langs["en"] < 5 {
		t.Errorf("languages %v: want at least 5 Arabic and 5 English articles", langs)
	}
}

// TestImagesServed checks that every image and stylesheet a page refers to
// (the canonical host's /static/ included) is served locally.
func TestImagesServed(t *testing.T) {
	pages := append([]string{"/", "/section/world", "/private/"}, ArticlePaths()...)
	seen := map[string]bool{}
	for _, path := range pages {
		p := fetchPage(t, path)
		p.doc.Find(`img[src], link[rel="stylesheet"], link[rel="icon"], meta[property="og:image"]`).Each(func(_ int, s *goquery.Selection) {
			u := s.AttrOr("src", s.AttrOr("href", s.AttrOr("content", "")))
			u = strings.TrimPrefix(u, CanonicalBase)
			if !strings.HasPrefix(u, "/static/") {
				t.Errorf("%s: asset %q not under /static/", path, u)
				return
			}
			seen[u] = true
		})
	}
	for u := range seen {
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		if rec.Code != 200 {
			t.Errorf("%s: %d", u, rec.Code)
		}
		want := map[bool]string{true: "image/svg+xml", false: "text/css; charset=utf-8"}[strings.HasSuffix(u, ".svg")]
		if ct := rec.Header().Get("Content-Type"); ct != want {
			t.Errorf("%s: Content-Type %q", u, ct)
		}
	}
}

const seedPath = "/news/1001/hamas-delegation-egyptian-intelligence-gaza-truce"

func seedLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed-article-ar.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestSeedArticle checks that the seed page shows exactly the seed's text
// and that the extractor, with the site file's rules, turns it into the
// record the seed README describes.
func TestSeedArticle(t *testing.T) {
	seed := seedLines(t)
	p := fetchPage(t, seedPath)

	// Visible text of the article, boilerplate removed, in document order.
	doc := goquery.CloneDocument(p.doc)
	doc.Find(".share, .related, .ad, script, style").Remove()
	var lines []string
	doc.Find("article .breaking, article h1, .article-body img, .article-body figcaption, .article-body h2, .article-body h3, .article-body p").Each(func(_ int, s *goquery.Selection) {
		if s.Is("img") {
			lines = append(lines, s.AttrOr("alt", ""))
			return
		}
		lines = append(lines, text(s))
	})
	if !slices.Equal(lines, seed) {
		t.Errorf("seed page text differs from testdata/seed-article-ar.txt:\n%s", diffLines(lines, seed))
	}

	a := p.article(t, demoSite(t))
	if a.Language != "ar" || a.Direction != "rtl" || a.Label != "عاجل" || a.Headline != seed[1] ||
		a.PublishedAt != "2026-11-28T12:35:00Z" || a.Source == "" || a.URL != CanonicalBase+seedPath {
		t.Errorf("record: language %q, direction %q, label %q, headline %q, published_at %q, source %q, url %q",
			a.Language, a.Direction, a.Label, a.Headline, a.PublishedAt, a.Source, a.URL)
	}
	// The record's lines are the seed's, less the captions (a line the
	// page shows twice: alt text and figcaption) and the share toast.
	var wantLines, captions []string
	for i := 0; i < len(seed); i++ {
		switch {
		case i+1 < len(seed) && seed[i+1] == seed[i]:
			captions = append(captions, seed[i])
			i++
		case seed[i] == "تم نسخ الرابط":
		default:
			wantLines = append(wantLines, seed[i])
		}
	}
	got := []string{a.Label, a.Headline}
	var headings, texts []string
	for _, s := range a.Sections {
		headings = append(headings, s.Heading)
		if s.Heading != "" {
			got = append(got, s.Heading)
			texts = append(texts, s.Heading)
		}
		got = append(got, s.Paragraphs...)
		texts = append(texts, s.Paragraphs...)
	}
	if !slices.Equal(got, wantLines) {
		t.Errorf("record lines differ from testdata/seed-article-ar.txt:\n%s", diffLines(got, wantLines))
	}
	if a.Text != strings.Join(texts, "\n\n") {
		t.Errorf("text is not the headings and paragraphs:\n%s", a.Text)
	}
	wantHeadings := []string{"", "حماس تؤكد رغبتها في العودة للمفاوضات", "تقدير حماس للجهود المصرية الإنسانية",
		"القاهرة تكثف اتصالاتها الدولية والإقليمية", "أهمية التحرك المصري", "التحديات أمام التوصل لاتفاق", "رسالة مصر للعالم"}
	if !slices.Equal(headings, wantHeadings) {
		t.Errorf("headings %q", headings)
	}
	for _, s := range a.Sections {
		if len(s.Paragraphs) != 2 {
			t.Errorf("section %q: %d paragraphs, want 2", s.Heading, len(s.Paragraphs))
		}
		for _, para := range s.Paragraphs {
			if strings.Contains(para, "تم نسخ الرابط") || strings.Contains(para, "مطلع") && len([]rune(para)) < 20 {
				t.Errorf("boilerplate paragraph %q", para)
			}
		}
	}
	wantImages := []extract.Image{
		{Src: CanonicalBase + "/static/img/hamas-delegation-cairo.svg", Caption: "مصدر مصري مطلع"},
		{Src: CanonicalBase + "/static/img/cairo-talks-source.svg", Caption: "مصدر مصر مطلع"},
	}
	if !slices.Equal(a.Images, wantImages) {
		t.Errorf("images %+v", a.Images)
	}
	if !slices.Equal(captions, []string{wantImages[0].Caption, wantImages[1].Caption}) {
		t.Errorf("the seed's captions %q", captions)
	}
	// The toast is in the page body as a paragraph: the record drops it.
	if !strings.Contains(text(p.doc.Find(".article-body > .share-widget > p")), "تم نسخ الرابط") {
		t.Error("the toast paragraph is not in the body")
	}
}

func diffLines(got, want []string) string {
	var b strings.Builder
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			fmt.Fprintf(&b, "line %d:\n  got  %s\n  want %s\n", i+1, g, w)
		}
	}
	return b.String()
}

const legacyPath = "/news/1003/egypt-u17-win-north-africa-title"

func TestWindows1256Page(t *testing.T) {
	base := startDemo(t)
	r := get(t, base+legacyPath)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if r.ctype != "text/html" {
		t.Errorf("Content-Type %q, want text/html with no charset", r.ctype)
	}
	if utf8.Valid(r.body) {
		t.Fatal("the windows-1256 page is valid UTF-8")
	}
	head := r.body[:min(1024, len(r.body))]
	if !bytes.Contains(head, []byte(`<meta charset="windows-1256">`)) {
		t.Error(`no <meta charset="windows-1256"> in the first 1024 bytes`)
	}
	if _, name, _ := charset.DetermineEncoding(r.body, r.ctype); name != "windows-1256" {
		t.Errorf("sniffed as %q", name)
	}
	dec, err := charmap.Windows1256.NewDecoder().Bytes(r.body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"منتخب مصر للناشئين يتوّج ببطولة شمال أفريقيا بعد الفوز على المغرب",
		"«اللاعبون قدموا مباراة كبيرة",
		`<html lang="ar" dir="rtl">`,
	} {
		if !strings.Contains(string(dec), want) {
			t.Errorf("decoded page lacks %q", want)
		}
	}
	// The extractor reads the served bytes as windows-1256 (from <meta
	// charset>, the header naming none).
	site := demoSite(t)
	a, err := extract.Extract(extract.Input{URL: base + legacyPath, ContentType: r.ctype, Body: r.body, Domains: site.Crawl.Domains}, site.Rules)
	if err != nil {
		t.Fatal(err)
	}
	if a.Headline != "منتخب مصر للناشئين يتوّج ببطولة شمال أفريقيا بعد الفوز على المغرب" ||
		a.Language != "ar" || a.Direction != "rtl" || !strings.Contains(a.Text, "«اللاعبون قدموا مباراة كبيرة") {
		t.Errorf("windows-1256 record: headline %q, language %q, direction %q, text %q", a.Headline, a.Language, a.Direction, a.Text)
	}
	// The committed bytes are the encoding of the UTF-8 source (run
	// `go generate ./internal/demo/` after editing it).
	src, err := os.ReadFile("testdata/cp1256" + legacyPath + ".html")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dec, src) {
		t.Error("site" + legacyPath + ".cp1256.html is stale: run go generate ./internal/demo/")
	}
	enc, err := charmap.Windows1256.NewEncoder().Bytes(src)
	if err != nil || !bytes.Equal(enc, r.body) {
		t.Errorf("re-encoding the source differs from the served bytes (%v)", err)
	}
	// Every other page is UTF-8.
	for _, p := range ArticlePaths() {
		if p == legacyPath {
			continue
		}
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if !utf8.Valid(rec.Body.Bytes()) || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s is not served as UTF-8", p)
		}
	}
}
