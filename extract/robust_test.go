package extract_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/extract"
)

// TestPathologicalPages runs deeply nested and very wide markup through
// both extractors: every page must finish quickly (the bound is loose for
// -race on a shared machine) and keep the invariants. Nesting stays under
// the HTML parser's limit of 512 open elements; beyond it Extract returns
// the parser's error.
func TestPathologicalPages(t *testing.T) {
	rules := mustCompile(t, extract.Selectors{
		Label: ".breaking, .label", Headline: "h1", Source: ".source@title", Published: "time@datetime",
		Body: "article, .article-body, body", Caption: "figcaption, .caption", Remove: []string{".ad", "script"},
	})
	const n = 400  // nesting depth
	const w = 5000 // width
	pages := map[string]string{
		"nested spans then p":   "<h1>t</h1>" + strings.Repeat("<span>", n) + "<p>x</p>",
		"nested labelled divs":  "<h1>t</h1>" + strings.Repeat("<div class=label>", n) + "text",
		"nested h1":             strings.Repeat("<h1 class=title>", n) + "text",
		"nested figures":        strings.Repeat("<figure><img src=a.jpg>", n),
		"many pictures":         "<div class=article-body>" + strings.Repeat("<p><img src=a.jpg>text</p>", w) + "</div>",
		"nested links":          "<h1>t</h1>" + strings.Repeat("<a href=x>", n) + "<p>x</p>",
		"nested articles":       strings.Repeat("<article><h1>t</h1><p>text text text text text text text, text</p>", n/5),
		"nested lists":          strings.Repeat("<ul><li>text, text text text text text text", n/2),
		"nested tables":         strings.Repeat("<table><tr><td>text, text, text text text text text text", n/5),
		"kickers around h1":     "<div>" + strings.Repeat("<div><span class=badge>عاجل</span>", n) + "<h1>title</h1>",
		"nested bylines":        "<h1>t</h1>" + strings.Repeat("<div class=byline>", n) + "x",
		"nested captions":       strings.Repeat("<div class=caption><img src=x.jpg>", n),
		"many paragraphs":       "<h1>t</h1>" + strings.Repeat("<p>text text text text text text text, text</p>", w),
		"paragraphs in spans":   strings.Repeat("<span><p>text text text text text text text, text", n/2),
		"huge JSON-LD nesting":  `<script type="application/ld+json">` + strings.Repeat(`{"@graph":[`, w) + `</script><h1>x</h1>`,
		"br soup":               "<div>" + strings.Repeat("line of text, more text<br>", w) + "</div>",
		"many open comments":    strings.Repeat("<p><!-- x", w),
		"many siblings in body": strings.Repeat("<div class=x>a, b</div>", w),
	}
	for name, body := range pages {
		for _, r := range []*extract.Rules{nil, rules} {
			start := time.Now()
			a, err := extract.Extract(extract.Input{URL: "https://stress.example/a", Body: []byte(body)}, r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("%s (rules %v): %v", name, r != nil, d)
			}
			checkInvariants(t, a)
		}
	}
	deep := []byte(strings.Repeat("<div>", 600) + "text")
	if _, err := extract.Extract(extract.Input{URL: "https://stress.example/a", Body: deep}, nil); err == nil || !strings.HasPrefix(err.Error(), "parse ") {
		t.Errorf("600 nested divs: err = %v, want the parser's error", err)
	}
}
