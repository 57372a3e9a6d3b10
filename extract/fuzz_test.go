package extract_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/unicode/norm"

	"github.com/newsarc/newsarc/extract"
)

// FuzzExtract feeds arbitrary bytes, seeded with every testdata page, to
// the generic extractor and to site rules, and checks the record's
// invariants. Run: go test ./extract -run=^$ -fuzz=FuzzExtract -fuzztime=60s
func FuzzExtract(f *testing.F) {
	pages, err := filepath.Glob(filepath.Join("testdata", "*", "*.html"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("<p>\xff\xfe broken \xc3</p>"), "text/html; charset=utf-8")
	f.Add([]byte("<html><body><figure><figure><img src=x></figure></figure>"), "text/html; charset=windows-1256")
	rules, err := extract.Compile("fuzz", "site:fuzz@000000000000", extract.Selectors{
		Label: ".breaking, .label", Headline: "h1", Source: ".source@title", Published: "time@datetime",
		Body: "article, .article-body, body", Caption: "figcaption, .caption", Remove: []string{".ad", "script"},
	}, []string{"تم نسخ الرابط"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		for _, r := range []*extract.Rules{nil, rules} {
			in := extract.Input{URL: "https://fuzz.example/news/1", ContentType: contentType, Body: body}
			a, err := extract.Extract(in, r)
			if err != nil {
				// Not HTML, or markup the parser rejects (nested deeper
				// than 512 elements): an error, never a panic.
				if errors.Is(err, extract.ErrNotHTML) || strings.HasPrefix(err.Error(), "parse ") {
					return
				}
				t.Fatalf("Extract: %v", err)
			}
			checkInvariants(t, a)
		}
	})
}

func checkInvariants(t *testing.T, a *extract.Article) {
	t.Helper()
	strs := []string{a.URL, a.Site, a.Extractor, a.Language, a.Direction, a.Label, a.Headline, a.Source, a.PublishedAt, a.ModifiedAt, a.Text}
	for _, im := range a.Images {
		strs = append(strs, im.Src, im.Caption)
	}
	if a.Sections == nil || a.Images == nil {
		t.Fatal("nil sections or images")
	}
	for _, s := range a.Sections {
		strs = append(strs, s.Heading)
		if s.Paragraphs == nil {
			t.Fatal("nil paragraphs")
		}
		for _, p := range s.Paragraphs {
			if strings.TrimSpace(p) == "" {
				t.Fatalf("empty paragraph in %+v", s)
			}
			strs = append(strs, p)
		}
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8: %q", s)
		}
		if s != a.Text && (s != strings.TrimSpace(s) || strings.Contains(s, "  ") || strings.ContainsAny(s, "\n\t\u00a0")) {
			t.Fatalf("not normalised: %q", s)
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("not NFC: %q", s)
		}
	}
	var times []time.Time
	for _, s := range []string{a.PublishedAt, a.ModifiedAt} {
		if s == "" {
			continue
		}
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil || tm.Location() != time.UTC || tm.Format(time.RFC3339) != s {
			t.Fatalf("date %q is not RFC 3339 UTC", s)
		}
		times = append(times, tm)
	}
	if a.PublishedAt != "" && a.ModifiedAt != "" && times[1].Before(times[0]) {
		t.Fatalf("modified_at %s before published_at %s", a.ModifiedAt, a.PublishedAt)
	}
	if a.Direction != "rtl" && a.Direction != "ltr" {
		t.Fatalf("direction %q", a.Direction)
	}
	if a.ContentHash != a.Hash() {
		t.Fatal("content_hash is not Hash()")
	}
	var lines []string
	for _, s := range a.Sections {
		if s.Heading != "" {
			lines = append(lines, s.Heading)
		}
		lines = append(lines, s.Paragraphs...)
	}
	if a.Text != strings.Join(lines, "\n\n") {
		t.Fatalf("text is not the sections joined:\n%q", a.Text)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Fatalf("line repeats its predecessor: %q", lines[i])
		}
	}
}

func seedInput(b *testing.B) extract.Input {
	b.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "seed", "page.html"))
	if err != nil {
		b.Fatal(err)
	}
	return extract.Input{URL: "https://news.example/news/184223", Body: body, Domains: []string{"news.example"}}
}

// BenchmarkParseOnly is the floor: goquery parsing the seed page.
func BenchmarkParseOnly(b *testing.B) {
	in := seedInput(b)
	b.SetBytes(int64(len(in.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := goquery.NewDocumentFromReader(bytes.NewReader(in.Body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtract is decoding, parsing and extracting the seed page, with
// the site's rules and with the generic extractor; the difference to
// BenchmarkParseOnly is the extraction's own cost.
func BenchmarkExtract(b *testing.B) {
	in := seedInput(b)
	rules := loadRules(b, filepath.Join("testdata", "seed"), "seed")
	for _, bc := range []struct {
		name  string
		rules *extract.Rules
	}{{"site", rules}, {"generic", nil}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.Body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract.Extract(in, bc.rules); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
