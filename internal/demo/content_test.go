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
	"github.com/goccy/go-yaml"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// siteFileT mirrors the per-site file format (interface.md); decoding is
// strict, so a misspelt key fails here.
type siteFileT struct {
	Name        string   `yaml:"name"`
	Domains     []string `yaml:"domains"`
	StartURLs   []string `yaml:"start_urls"`
	ArticleURLs []string `yaml:"article_urls"`
	FollowURLs  []string `yaml:"follow_urls"`
	IgnoreURLs  []string `yaml:"ignore_urls"`
	Schedule    string   `yaml:"schedule"`
	MaxDepth    int      `yaml:"max_depth"`
	Rate        float64  `yaml:"rate"`
	Selectors   struct {
		Label          string   `yaml:"label"`
		Headline       string   `yaml:"headline"`
		Source         string   `yaml:"source"`
		Published      string   `yaml:"published"`
		Body           string   `yaml:"body"`
		SectionHeading string   `yaml:"section_heading"`
		Paragraph      string   `yaml:"paragraph"`
		Image          string   `yaml:"image"`
		Caption        string   `yaml:"caption"`
		Remove         []string `yaml:"remove"`
	} `yaml:"selectors"`
	DropLines []string `yaml:"drop_lines"`

	article, follow, ignore []*regexp.Regexp
}

func parseSiteFile(t *testing.T) *siteFileT {
	t.Helper()
	var sf siteFileT
	if err := yaml.UnmarshalWithOptions(SiteFile(), &sf, yaml.Strict()); err != nil {
		t.Fatalf("demo.yaml: %v", err)
	}
	for _, l := range []struct {
		in   []string
		into *[]*regexp.Regexp
	}{{sf.ArticleURLs, &sf.article}, {sf.FollowURLs, &sf.follow}, {sf.IgnoreURLs, &sf.ignore}} {
		for _, s := range l.in {
			re, err := regexp.Compile(s)
			if err != nil {
				t.Fatalf("demo.yaml: %v", err)
			}
			*l.into = append(*l.into, re)
		}
	}
	return &sf
}

func TestSiteFile(t *testing.T) {
	sf := parseSiteFile(t)
	if sf.Name != "demo" ||
		!slices.Equal(sf.Domains, []string{"127.0.0.1", "demo.newsarc.test"}) ||
		!slices.Equal(sf.StartURLs, []string{"http://127.0.0.1/"}) ||
		!slices.Equal(sf.ArticleURLs, []string{`^/news/\d+`}) ||
		!slices.Equal(sf.FollowURLs, []string{`^/section/`, `^/$`}) ||
		!slices.Equal(sf.IgnoreURLs, []string{`\?print=`, `^/private/`}) ||
		sf.MaxDepth != 3 || sf.Rate != 0 {
		t.Errorf("demo.yaml: %+v", sf)
	}
	s := sf.Selectors
	if s.Label != ".breaking" || s.Headline != "h1.article-title" || s.Source != ".article-source" ||
		s.Published != "time[datetime]@datetime" || s.Body != ".article-body" ||
		s.SectionHeading != "h2, h3" || s.Paragraph != "p" || s.Image != "figure img@src" ||
		s.Caption != "figcaption" ||
		!slices.Equal(s.Remove, []string{".share", ".related", ".ad", "script", "style"}) ||
		!slices.Equal(sf.DropLines, []string{"تم نسخ الرابط"}) {
		t.Errorf("demo.yaml selectors: %+v, drop_lines %q", s, sf.DropLines)
	}
	match := func(res []*regexp.Regexp, s string) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
	}
	for _, p := range ArticlePaths() {
		if !match(sf.article, p) || match(sf.follow, p) || match(sf.ignore, p) {
			t.Errorf("%s is not an article path by the site file", p)
		}
		if !match(sf.ignore, p+"?print=1") {
			t.Errorf("%s?print=1 is not ignored", p)
		}
	}
	for _, p := range []string{"/", "/section/egypt", "/section/world", "/section/world?page=2", "/section/business"} {
		if !match(sf.follow, p) || match(sf.article, p) || match(sf.ignore, p) {
			t.Errorf("%s is not a follow page by the site file", p)
		}
	}
	if !match(sf.ignore, "/private/") {
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

// section and record are a test-side reading of a page by the site file's
// selectors, following interface.md's rules (remove first; label, headline,
// source, published in the whole page; the rest inside body).
type section struct {
	Heading    string
	Paragraphs []string
}

type record struct {
	Language, Direction                string
	Label, Headline, Source, Published string
	Sections                           []section
	Images                             [][2]string // src, caption
}

func sel(spec string) (string, string) {
	s, attr, _ := strings.Cut(spec, "@")
	return s, attr
}

func extract(t *testing.T, sf *siteFileT, p page) record {
	t.Helper()
	doc := goquery.CloneDocument(p.doc)
	for _, r := range sf.Selectors.Remove {
		doc.Find(r).Remove()
	}
	s := sf.Selectors
	var rec record
	htmlEl := doc.Find("html")
	rec.Language, _ = htmlEl.Attr("lang")
	rec.Direction, _ = htmlEl.Attr("dir")
	rec.Label = text(doc.Find(s.Label).First())
	rec.Headline = text(doc.Find(s.Headline).First())
	rec.Source = text(doc.Find(s.Source).First())
	ps, pattr := sel(s.Published)
	rec.Published, _ = doc.Find(ps).First().Attr(pattr)
	body := doc.Find(s.Body).First()
	if body.Length() == 0 {
		t.Fatalf("%s: body selector matches nothing", p.path)
	}
	cur := &section{}
	body.Find(s.SectionHeading + ", " + s.Paragraph).Each(func(_ int, n *goquery.Selection) {
		if n.Is(s.SectionHeading) {
			if cur.Heading != "" || len(cur.Paragraphs) > 0 {
				rec.Sections = append(rec.Sections, *cur)
			}
			cur = &section{Heading: text(n)}
			return
		}
		line := text(n)
		if line == "" || slices.Contains(sf.DropLines, line) {
			return
		}
		cur.Paragraphs = append(cur.Paragraphs, line)
	})
	rec.Sections = append(rec.Sections, *cur)
	is, iattr := sel(s.Image)
	body.Find(is).Each(func(_ int, img *goquery.Selection) {
		src, _ := img.Attr(iattr)
		rec.Images = append(rec.Images, [2]string{src, text(img.Closest("figure").Find(s.Caption))})
	})
	return rec
}

func TestArticlePages(t *testing.T) {
	sf := parseSiteFile(t)
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

			// What the site file's selectors take from the page.
			rec := extract(t, sf, p)
			if rec.Headline != h1 || rec.Source == "" || rec.Published != dt {
				t.Errorf("record %+v", rec)
			}
			paras := 0
			for i, s := range rec.Sections {
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
				if slices.ContainsFunc(rec.Sections, func(s section) bool { return s.Heading == h }) {
					t.Errorf("boilerplate heading %q in the record", h)
				}
			}
			for _, img := range rec.Images {
				if !strings.HasPrefix(img[0], CanonicalBase+"/static/img/") || img[1] == "" {
					t.Errorf("image %q", img)
				}
			}
			// The article's script-free text stays in its language.
			if lang == "ar" {
				if !strings.ContainsFunc(rec.Headline, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
					t.Errorf("Arabic page, headline %q", rec.Headline)
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
// and that the site file turns it into the record the seed README describes.
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

	rec := extract(t, parseSiteFile(t), p)
	if rec.Language != "ar" || rec.Direction != "rtl" || rec.Label != "عاجل" || rec.Headline != seed[1] ||
		rec.Published != "2026-11-28T14:35:00+02:00" || rec.Source == "" {
		t.Errorf("record %+v", rec)
	}
	var headings []string
	for _, s := range rec.Sections {
		headings = append(headings, s.Heading)
	}
	wantHeadings := []string{"", "حماس تؤكد رغبتها في العودة للمفاوضات", "تقدير حماس للجهود المصرية الإنسانية",
		"القاهرة تكثف اتصالاتها الدولية والإقليمية", "أهمية التحرك المصري", "التحديات أمام التوصل لاتفاق", "رسالة مصر للعالم"}
	if !slices.Equal(headings, wantHeadings) {
		t.Errorf("headings %q", headings)
	}
	for _, s := range rec.Sections {
		if len(s.Paragraphs) != 2 {
			t.Errorf("section %q: %d paragraphs, want 2", s.Heading, len(s.Paragraphs))
		}
		for _, para := range s.Paragraphs {
			if strings.Contains(para, "تم نسخ الرابط") || strings.Contains(para, "مطلع") && len([]rune(para)) < 20 {
				t.Errorf("boilerplate paragraph %q", para)
			}
		}
	}
	wantImages := [][2]string{
		{CanonicalBase + "/static/img/hamas-delegation-cairo.svg", "مصدر مصري مطلع"},
		{CanonicalBase + "/static/img/cairo-talks-source.svg", "مصدر مصر مطلع"},
	}
	if !slices.Equal(rec.Images, wantImages) {
		t.Errorf("images %q", rec.Images)
	}
	// The toast is in the page body as a paragraph: drop_lines removes it.
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
