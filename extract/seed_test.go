package extract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/newsarc/newsarc/extract"
)

// seedHeadings are the seed article's sub-headings (h2/h3 on the page).
var seedHeadings = []string{
	"حماس تؤكد رغبتها في العودة للمفاوضات",
	"تقدير حماس للجهود المصرية الإنسانية",
	"القاهرة تكثف اتصالاتها الدولية والإقليمية",
	"أهمية التحرك المصري",
	"التحديات أمام التوصل لاتفاق",
	"رسالة مصر للعالم",
}

// seedRecord is what the seed page must give, derived from the copied
// text itself (article-ar.txt): its lines are the label, the headline, the
// first caption twice, then paragraphs and the known sub-headings, the
// second caption twice mid-body, and the share toast last.
type seedRecord struct {
	label, headline, toast string
	captions               []string
	sections               []extract.Section
}

// clean is the record's normal form of one copied line.
func clean(s string) string { return norm.NFC.String(strings.Join(strings.Fields(s), " ")) }

func readSeed(t *testing.T) seedRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed", "article-ar.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = clean(l); l != "" {
			lines = append(lines, l)
		}
	}
	heading := map[string]bool{}
	for _, h := range seedHeadings {
		heading[h] = true
	}
	var r seedRecord
	r.label, r.headline, r.toast = lines[0], lines[1], lines[len(lines)-1]
	secs := []extract.Section{{Heading: "", Paragraphs: []string{}}}
	for i := 2; i < len(lines)-1; i++ {
		l := lines[i]
		switch {
		case i+1 < len(lines) && lines[i+1] == l: // printed twice: a caption
			r.captions = append(r.captions, l)
			i++
		case heading[l]:
			secs = append(secs, extract.Section{Heading: l, Paragraphs: []string{}})
		default:
			last := &secs[len(secs)-1]
			last.Paragraphs = append(last.Paragraphs, l)
		}
	}
	r.sections = secs
	return r
}

// TestSeed checks the seed article, for the site rules and for the generic
// extractor, against the record derived from its copied text.
func TestSeed(t *testing.T) {
	want := readSeed(t)
	// The derivation itself: 2 captions, 6 headings, 14 paragraphs.
	if len(want.captions) != 2 || len(want.sections) != 7 || want.label != "عاجل" || want.toast != "تم نسخ الرابط" {
		t.Fatalf("article-ar.txt read as label %q, %d captions, %d sections, toast %q", want.label, len(want.captions), len(want.sections), want.toast)
	}
	var cases []goldenCase
	for _, c := range loadCases(t) {
		if c.folder == "seed" && c.name == "page" {
			cases = append(cases, c)
		}
	}
	if len(cases) != 1 {
		t.Fatal("testdata/seed/page.html missing")
	}
	c := cases[0]
	for _, tt := range []struct {
		name      string
		rules     *extract.Rules
		extractor string
	}{
		{"site", c.rules, "site:seed@testdata"},
		{"generic", nil, "generic@" + extract.GenericVersion},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract.Extract(c.in, tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			if got.Extractor != tt.extractor {
				t.Errorf("extractor = %q, want %q", got.Extractor, tt.extractor)
			}
			if got.Label != want.label {
				t.Errorf("label = %q, want %q", got.Label, want.label)
			}
			if got.Headline != want.headline {
				t.Errorf("headline = %q, want %q", got.Headline, want.headline)
			}
			if got.Language != "ar" || got.Direction != "rtl" {
				t.Errorf("language, direction = %q, %q; want ar, rtl", got.Language, got.Direction)
			}
			if got.Source != "القاهرة الإخبارية" {
				t.Errorf("source = %q", got.Source)
			}
			var heads []string
			for _, s := range got.Sections[1:] {
				heads = append(heads, s.Heading)
			}
			if diff := cmp.Diff(seedHeadings, heads); diff != "" {
				t.Errorf("sub-headings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.sections, got.Sections); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			var caps []string
			for _, im := range got.Images {
				caps = append(caps, im.Caption)
			}
			if diff := cmp.Diff(want.captions, caps); diff != "" {
				t.Errorf("image captions (-want +got):\n%s", diff)
			}
			all, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(all), want.toast) {
				t.Errorf("the toast %q is in the record", want.toast)
			}
			// A caption never stands as a line of text (its words may well
			// appear inside a paragraph: "وأكد مصدر مصري مطلع لقناة ...").
			for _, line := range strings.Split(got.Text, "\n\n") {
				for _, cap := range want.captions {
					if line == cap {
						t.Errorf("text has the caption %q as a line", cap)
					}
				}
			}
			if n := strings.Count(got.Text, "\n\n") + 1; n != 6+14 {
				t.Errorf("text has %d lines, want 20 (6 headings, 14 paragraphs)", n)
			}
			if !strings.Contains(got.Text, "عبّرت") {
				t.Error("text lost the shadda of عبّرت")
			}
		})
	}
}
