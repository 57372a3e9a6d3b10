package extract_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/newsarc/newsarc/extract"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name      string
		sel       extract.Selectors
		wantField string // "" = compiles
	}{
		{"all valid", extract.Selectors{Label: ".breaking", Headline: "h1.article-title", Published: "meta[property='article:published_time']@content",
			Body: ".article-body", SectionHeading: "h2, h3", Paragraph: "p", Image: "figure img@data-src", Caption: "figcaption", Remove: []string{".share", "script"}}, ""},
		{"@ inside a quoted attribute value is not an attribute", extract.Selectors{Source: "a[href^='mailto:desk@news.example']"}, ""},
		{"empty selectors compile", extract.Selectors{}, ""},
		{"bad CSS", extract.Selectors{Headline: "h1["}, "selectors.headline"},
		{"bad CSS in body", extract.Selectors{Body: "div >> p"}, "selectors.body"},
		{"bad attribute name", extract.Selectors{Published: "time@date time"}, "selectors.published"},
		{"bad modified", extract.Selectors{Modified: "time[datetime"}, "selectors.modified"},
		{"attribute starting with a digit", extract.Selectors{Image: "img@1x"}, "selectors.image"},
		{"empty attribute", extract.Selectors{Label: ".kicker@"}, "selectors.label"},
		{"attribute without selector", extract.Selectors{Source: "@content"}, "selectors.source"},
		{"attribute on body", extract.Selectors{Body: "div.article@id"}, "selectors.body"},
		{"attribute on paragraph", extract.Selectors{Paragraph: "p@class"}, "selectors.paragraph"},
		{"bad remove", extract.Selectors{Remove: []string{".ad", ":nth-child(", "script"}}, "selectors.remove[1]"},
		{"attribute on remove", extract.Selectors{Remove: []string{".ad@id"}}, "selectors.remove[0]"},
		{"empty remove entry", extract.Selectors{Remove: []string{"  "}}, "selectors.remove[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := extract.Compile("site", "site:site@000000000000", tt.sel, nil)
			if tt.wantField == "" {
				if err != nil || r == nil {
					t.Fatalf("Compile = %v, %v; want rules", r, err)
				}
				if r.Name() != "site" {
					t.Errorf("Name = %q", r.Name())
				}
				return
			}
			var se *extract.SelectorError
			if !errors.As(err, &se) {
				t.Fatalf("Compile error = %v (%T), want *SelectorError", err, err)
			}
			if se.Field != tt.wantField {
				t.Errorf("Field = %q, want %q", se.Field, tt.wantField)
			}
			if se.Unwrap() == nil || !strings.HasPrefix(se.Error(), tt.wantField+": ") {
				t.Errorf("Error() = %q, Unwrap() = %v", se.Error(), se.Unwrap())
			}
		})
	}
	if (*extract.Rules)(nil).Name() != "" {
		t.Error("nil Rules have a name")
	}
}

// hashPage is a small article whose ads, url and photo vary freely.
func hashPage(ad, para, img string) []byte {
	return []byte(`<html lang="ar"><head><title>عنوان</title>
<meta property="article:published_time" content="2024-05-12T14:35:00+03:00"></head><body>
<div class="ad-slot">` + ad + `</div><span class="label">عاجل</span><h1>عنوان الخبر</h1>
<div class="article-body"><figure><img src="` + img + `"><figcaption>صورة</figcaption></figure>
<p>الفقرة الأولى من الخبر، وهي طويلة بما يكفي ليختارها المستخرج العام دون تردد.</p><p>` + para + `</p></div>
<aside class="related"><a href="/x">` + ad + `</a></aside></body></html>`)
}

func TestHash(t *testing.T) {
	rules := mustCompile(t, extract.Selectors{Label: ".label", Headline: "h1", Body: ".article-body", Remove: []string{".ad-slot"}})
	base := hashPage("إعلان الصباح", "الفقرة الثانية من الخبر نفسه، تكمل ما بدأته الأولى.", "/img/a.jpg")
	for _, r := range []*extract.Rules{nil, rules} {
		hash := func(url string, body []byte) string {
			t.Helper()
			a, err := extract.Extract(extract.Input{URL: url, Body: body}, r)
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentHash != a.Hash() {
				t.Errorf("content_hash %s != Hash() %s", a.ContentHash, a.Hash())
			}
			return a.ContentHash
		}
		h0 := hash("https://n.example/1", base)
		if !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(h0) {
			t.Fatalf("hash %q is not sha256:<hex>", h0)
		}
		same := []struct {
			name string
			url  string
			body []byte
		}{
			{"other ads", "https://n.example/1", hashPage("إعلان المساء المختلف تماما", "الفقرة الثانية من الخبر نفسه، تكمل ما بدأته الأولى.", "/img/a.jpg")},
			{"other photo URL", "https://n.example/1", hashPage("إعلان الصباح", "الفقرة الثانية من الخبر نفسه، تكمل ما بدأته الأولى.", "/img/b.jpg?v=2")},
			{"other URL", "https://n.example/2?utm_source=x", base},
			{"other white space", "https://n.example/1", hashPage("إعلان الصباح", "  الفقرة الثانية\n من الخبر&nbsp;نفسه، تكمل ما بدأته الأولى. ", "/img/a.jpg")},
		}
		for _, s := range same {
			if h := hash(s.url, s.body); h != h0 {
				t.Errorf("rules %v, %s: hash changed", r != nil, s.name)
			}
		}
		if h := hash("https://n.example/1", hashPage("إعلان الصباح", "الفقرة الثانية من الخبر نفسه، وقد عُدّلت.", "/img/a.jpg")); h == h0 {
			t.Errorf("rules %v: changed paragraph, same hash", r != nil)
		}
		if h := hash("https://n.example/1", hashPage("إعلان الصباح", "الفقرة الثانية من الخبر نفسه، تكمل ما بدأته الأولى!", "/img/a.jpg")); h == h0 {
			t.Errorf("rules %v: changed punctuation, same hash", r != nil)
		}
	}
	// Nil and empty lists hash alike; the fetch fields do not count.
	a := &extract.Article{Headline: "x"}
	b := &extract.Article{Headline: "x", Sections: []extract.Section{}, Images: []extract.Image{{Src: "y"}}, URL: "u", Version: 3, Text: "t"}
	if a.Hash() != b.Hash() {
		t.Error("nil and empty sections hash differently")
	}
	c := &extract.Article{Headline: "x", Sections: []extract.Section{{Heading: "", Paragraphs: nil}}}
	d := &extract.Article{Headline: "x", Sections: []extract.Section{{Heading: "", Paragraphs: []string{}}}}
	if c.Hash() != d.Hash() || c.Hash() == a.Hash() {
		t.Error("section hashing is not stable")
	}
	// A paragraph moving to the next section is a change.
	e := &extract.Article{Sections: []extract.Section{{Heading: "h", Paragraphs: []string{"a", "b"}}}}
	f := &extract.Article{Sections: []extract.Section{{Heading: "h", Paragraphs: []string{"a"}}, {Heading: "b", Paragraphs: []string{}}}}
	if e.Hash() == f.Hash() {
		t.Error("different sections hash alike")
	}
}

func TestPublishedAt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-05-12T14:35:00+03:00", "2024-05-12T11:35:00Z"},
		{"2024-05-12T14:35:00.123Z", "2024-05-12T14:35:00Z"},
		{"2024-05-12T14:35+03:00", "2024-05-12T11:35:00Z"},
		{"2024-05-12T14:35:00+0300", "2024-05-12T11:35:00Z"},
		{"2024-05-12 14:35:00", "2024-05-12T14:35:00Z"},
		{"2024-05-12T14:35", "2024-05-12T14:35:00Z"},
		{"2024-05-12", "2024-05-12T00:00:00Z"},
		{"Sun, 12 May 2024 14:35:00 GMT", "2024-05-12T14:35:00Z"},
		{"Sun, 12 May 2024 14:35:00 +0200", "2024-05-12T12:35:00Z"},
		{"٢٠٢٤-٠٥-١٢T١٤:٣٥:٠٠+٠٣:٠٠", "2024-05-12T11:35:00Z"},
		{"1715524500", "2024-05-12T14:35:00Z"},
		{"الأحد 12 مايو 2024", ""},
		{"12/05/2024", ""},
		{"yesterday", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			body := `<html><head><meta property="article:published_time" content="` + tt.in + `"></head><body><h1>x</h1></body></html>`
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: []byte(body)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.PublishedAt != tt.want {
				t.Errorf("published_at = %q, want %q", a.PublishedAt, tt.want)
			}
		})
	}
}

func TestLanguageAndDirection(t *testing.T) {
	tests := []struct {
		name, html, lang, dir string
	}{
		{"lang ar", `<html lang="ar"><body><h1>x</h1></body></html>`, "ar", "rtl"},
		{"lang ar-eg canonical case", `<html lang="ar-eg"><body><h1>x</h1></body></html>`, "ar-EG", "rtl"},
		{"dir wins over language", `<html lang="ar" dir="ltr"><body><h1>x</h1></body></html>`, "ar", "ltr"},
		{"persian", `<html lang="fa-IR"><body><h1>x</h1></body></html>`, "fa-IR", "rtl"},
		{"urdu", `<html lang="ur"><body><h1>x</h1></body></html>`, "ur", "rtl"},
		{"hebrew", `<html lang="he"><body><h1>x</h1></body></html>`, "he", "rtl"},
		{"english", `<html lang="en-US"><body><h1>عنوان</h1></body></html>`, "en-US", "ltr"},
		{"content-language meta", `<html><head><meta http-equiv="Content-Language" content="ar-ae"></head><body><h1>x</h1></body></html>`, "ar-AE", "rtl"},
		{"body dir", `<html><body dir="rtl"><h1>x</h1></body></html>`, "", "rtl"},
		{"nothing: Arabic text", `<html><body><h1>عنوان الخبر</h1></body></html>`, "", "rtl"},
		{"nothing: Latin text", `<html><body><h1>A headline</h1></body></html>`, "", "ltr"},
		{"bad lang ignored", `<html lang="--"><body><h1>A headline</h1></body></html>`, "", "ltr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: []byte(tt.html)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.lang || a.Direction != tt.dir {
				t.Errorf("language, direction = %q, %q; want %q, %q", a.Language, a.Direction, tt.lang, tt.dir)
			}
		})
	}
}

func TestBodyMissFallsBackToGeneric(t *testing.T) {
	rules := mustCompile(t, extract.Selectors{Headline: "h1", Body: ".no-such-body"}, "تم نسخ الرابط")
	body := page("ar", `<p>فقرة أولى طويلة بما يكفي لكي يختارها المستخرج العام، وفيها فواصل، كثيرة، كما ينبغي.</p><p>تم نسخ الرابط</p>`)
	a, steps, err := extract.Explain(extract.Input{URL: "https://n.example/a", Body: body}, rules)
	if err != nil {
		t.Fatal(err)
	}
	if a.Extractor != "generic@"+extract.GenericVersion || a.Site != "test" {
		t.Errorf("extractor, site = %q, %q; want generic@%s, test", a.Extractor, a.Site, extract.GenericVersion)
	}
	if len(a.Sections) != 1 || len(a.Sections[0].Paragraphs) != 1 {
		t.Errorf("sections = %+v", a.Sections)
	}
	found := false
	for _, s := range steps {
		if s.Field == "body" && s.Rule == ".no-such-body" && s.Matches == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("explain does not report the body miss: %+v", steps)
	}
	// With the body found, the site's id is the extractor.
	rules = mustCompile(t, extract.Selectors{Body: ".body"})
	if a, err = extract.Extract(extract.Input{URL: "https://n.example/a", Body: body}, rules); err != nil || a.Extractor != "site:test@000000000000" {
		t.Errorf("extractor = %q, %v", a.Extractor, err)
	}
	// A site with drop_lines only goes through the generic extractor, keeping its name.
	rules = mustCompile(t, extract.Selectors{}, "x")
	if a, err = extract.Extract(extract.Input{URL: "https://n.example/a", Body: body}, rules); err != nil || a.Extractor != "generic@"+extract.GenericVersion || a.Site != "test" {
		t.Errorf("extractor, site = %q, %q, %v", a.Extractor, a.Site, err)
	}
}

func TestExplain(t *testing.T) {
	cases := loadCases(t)
	for _, c := range cases {
		if c.folder != "seed" {
			continue
		}
		for _, r := range []*extract.Rules{c.rules, nil} {
			a, steps, err := extract.Explain(c.in, r)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := extract.Extract(c.in, r)
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentHash != plain.ContentHash {
				t.Error("Explain and Extract disagree")
			}
			fields := map[string]Step{}
			for _, s := range steps {
				fields[s.Field] = s
			}
			for _, f := range []string{"url", "label", "headline", "source", "published_at", "modified_at", "body", "section_heading", "paragraph", "image", "caption", "language", "direction"} {
				if _, ok := fields[f]; !ok {
					t.Errorf("rules %v: no step for %s", r != nil, f)
				}
			}
			if s := fields["headline"]; s.Matches < 1 || len(s.Took) == 0 || s.Took[0] != a.Headline {
				t.Errorf("headline step = %+v", s)
			}
			if s := fields["section_heading"]; s.Matches != 6 {
				t.Errorf("section_heading step = %+v", s)
			}
			if r != nil {
				if s := fields["body"]; s.Rule != ".article-body" || s.Matches != 1 {
					t.Errorf("body step = %+v", s)
				}
			}
		}
	}
}

// Step is extract.Step, shortened for the tests.
type Step = extract.Step

// TestConcurrentUse runs one Rules value from many goroutines (go test
// -race checks that compiled rules are read-only).
func TestConcurrentUse(t *testing.T) {
	cases := loadCases(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		for _, c := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := extract.Extract(c.in, c.rules); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}
