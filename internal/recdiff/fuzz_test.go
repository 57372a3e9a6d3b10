package recdiff_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/recdiff"
)

// parseArticle reads the fuzz form of a record: the first four lines are
// label, headline, source and published_at; then "# H" starts a section
// headed H, "! SRC|CAPTION" is an image, and any other line is a paragraph.
func parseArticle(s string) *extract.Article {
	a := &extract.Article{}
	lines := strings.Split(s, "\n")
	for i, f := range []*string{&a.Label, &a.Headline, &a.Source, &a.PublishedAt} {
		if i < len(lines) {
			*f = lines[i]
		}
	}
	for i := 4; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "# "):
			a.Sections = append(a.Sections, extract.Section{Heading: l[2:]})
		case strings.HasPrefix(l, "! "):
			src, caption, _ := strings.Cut(l[2:], "|")
			a.Images = append(a.Images, extract.Image{Src: src, Caption: caption})
		default:
			if len(a.Sections) == 0 {
				a.Sections = append(a.Sections, extract.Section{})
			}
			last := &a.Sections[len(a.Sections)-1]
			last.Paragraphs = append(last.Paragraphs, l)
		}
	}
	return a
}

// formatArticle is the fuzz form of a.
func formatArticle(a *extract.Article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%s\n%s", a.Label, a.Headline, a.Source, a.PublishedAt)
	for _, s := range a.Sections {
		b.WriteString("\n# " + s.Heading)
		for _, p := range s.Paragraphs {
			b.WriteString("\n" + p)
		}
	}
	for _, im := range a.Images {
		b.WriteString("\n! " + im.Src + "|" + im.Caption)
	}
	return b.String()
}

// sameContent compares the fields Diff compares, nil and empty lists alike.
func sameContent(a, b *extract.Article) bool {
	if a.Label != b.Label || a.Headline != b.Headline || a.Source != b.Source || a.PublishedAt != b.PublishedAt ||
		a.Language != b.Language || a.Direction != b.Direction || len(a.Sections) != len(b.Sections) || len(a.Images) != len(b.Images) {
		return false
	}
	for i := range a.Sections {
		if a.Sections[i].Heading != b.Sections[i].Heading || len(a.Sections[i].Paragraphs) != len(b.Sections[i].Paragraphs) {
			return false
		}
		for j := range a.Sections[i].Paragraphs {
			if a.Sections[i].Paragraphs[j] != b.Sections[i].Paragraphs[j] {
				return false
			}
		}
	}
	for i := range a.Images {
		if a.Images[i] != b.Images[i] {
			return false
		}
	}
	return true
}

// FuzzDiff checks that Diff never panics, finds no change between a record
// and itself, finds one exactly when the content differs, and that each
// change points at what it says. Run:
// go test ./internal/recdiff -run=^$ -fuzz=FuzzDiff -fuzztime=30s
func FuzzDiff(f *testing.F) {
	for _, name := range []string{"ar-seed", "ar-rain", "en-rates", "en-live"} {
		a := load(f, name)
		f.Add(formatArticle(a), formatArticle(a))
		b := load(f, name)
		b.Label = ""
		insertParagraph(b, len(b.Sections), 1, enCorrection)
		b.Sections[0].Paragraphs[0] = strings.Replace(b.Sections[0].Paragraphs[0], " ", "  x ", 2)
		b.Sections = append(b.Sections[1:], b.Sections[0])
		b.Images = append(b.Images, extract.Image{Src: "x", Caption: "عاجل"})
		f.Add(formatArticle(a), formatArticle(b))
	}
	f.Add("", "\n\n\n\n# \n\n")
	f.Add("a\nb\nc\nd\nx y z\nx y\n# h\nx", "a\nb\nc\nd\nx y\n# h\nx y z\nx")
	f.Add("\n\n\n\n \u0651a b\u200d \u0600 5", "\n\n\n\n \u0651a c\u200d \u0600 6\xff")
	f.Fuzz(func(t *testing.T, sa, sb string) {
		a, b := parseArticle(sa), parseArticle(sb)
		if got := recdiff.Diff(a, a); got != nil {
			t.Fatalf("Diff(a, a) = %+v", got)
		}
		if got := recdiff.Diff(b, parseArticle(sb)); got != nil {
			t.Fatalf("Diff(b, b) = %+v", got)
		}
		cs := recdiff.Diff(a, b)
		if (cs == nil) != sameContent(a, b) {
			t.Fatalf("Diff = %+v, same content %v", cs, sameContent(a, b))
		}
		if again := recdiff.Diff(a, b); !reflect.DeepEqual(cs, again) {
			t.Fatalf("Diff not deterministic")
		}
		checkPlaces(t, a, b, cs)
		checkFuzzOps(t, cs)
		for _, opt := range textVariants {
			var buf bytes.Buffer
			if err := recdiff.WriteText(&buf, cs, opt); err != nil {
				t.Fatal(err)
			}
			if strings.Count(buf.String(), "\n") < len(cs) {
				t.Fatalf("fewer lines than changes: %q", buf.String())
			}
			if opt.BidiIsolate {
				for _, line := range strings.Split(buf.String(), "\n") {
					if !balanced(line) {
						t.Fatalf("unbalanced isolates: %q", line)
					}
				}
			}
		}
	})
}

// checkPlaces checks that each change's numbers point at its texts, and
// that both versions keep as many paragraphs unchanged.
func checkPlaces(t *testing.T, a, b *extract.Article, cs []recdiff.Change) {
	t.Helper()
	para := func(x *extract.Article, c recdiff.Change) string {
		if c.Section < 1 || c.Section > len(x.Sections) || c.Paragraph < 1 || c.Paragraph > len(x.Sections[c.Section-1].Paragraphs) {
			t.Fatalf("%+v: no such paragraph", c)
		}
		return x.Sections[c.Section-1].Paragraphs[c.Paragraph-1]
	}
	keptA, keptB := 0, 0
	for _, s := range a.Sections {
		keptA += len(s.Paragraphs)
	}
	for _, s := range b.Sections {
		keptB += len(s.Paragraphs)
	}
	for _, c := range cs {
		ok := true
		switch c.Kind {
		case "paragraph removed":
			ok = para(a, c) == c.Old
			keptA--
		case "paragraph added", "paragraph appended":
			ok = para(b, c) == c.New
			keptB--
		case "paragraph edited":
			ok = para(b, c) == c.New && c.Old != c.New
			keptA--
			keptB--
		case "section removed":
			ok = c.Section <= len(a.Sections) && a.Sections[c.Section-1].Heading == c.Old
		case "section added":
			ok = c.Section <= len(b.Sections) && b.Sections[c.Section-1].Heading == c.New
		case "section heading changed":
			ok = c.Section <= len(b.Sections) && b.Sections[c.Section-1].Heading == c.New && c.Old != c.New
		case "image removed":
			ok = c.Image <= len(a.Images) && a.Images[c.Image-1] == extract.Image{Src: c.Src, Caption: c.Old}
		case "image added":
			ok = c.Image <= len(b.Images) && b.Images[c.Image-1] == extract.Image{Src: c.Src, Caption: c.New}
		case "caption changed":
			ok = c.Image <= len(b.Images) && b.Images[c.Image-1] == extract.Image{Src: c.Src, Caption: c.New} && c.Old != c.New
		}
		if !ok {
			t.Fatalf("%+v does not match the records", c)
		}
	}
	if keptA != keptB || keptA < 0 {
		t.Fatalf("unchanged paragraphs: %d in a, %d in b", keptA, keptB)
	}
}

// checkFuzzOps checks that the ops of each edit spell both texts (up to
// white space) and that Added and Removed are the words of their steps.
func checkFuzzOps(t *testing.T, cs []recdiff.Change) {
	t.Helper()
	for _, c := range cs {
		if c.Kind != "paragraph edited" {
			continue
		}
		var old, new, added, removed []string
		for _, op := range c.Ops {
			switch op.Op {
			case "=":
				old, new = append(old, op.Text), append(new, op.Text)
			case "-":
				old, removed = append(old, op.Text), append(removed, op.Text)
			case "+":
				new, added = append(new, op.Text), append(added, op.Text)
			default:
				t.Fatalf("op %q", op.Op)
			}
		}
		same := func(x []string, s string) bool {
			return reflect.DeepEqual(strings.Fields(strings.Join(x, " ")), strings.Fields(s))
		}
		if !same(old, c.Old) || !same(new, c.New) {
			t.Fatalf("ops %+v do not spell %q and %q", c.Ops, c.Old, c.New)
		}
		if !same(added, strings.Join(c.Added, " ")) || !same(removed, strings.Join(c.Removed, " ")) {
			t.Fatalf("added %q removed %q, ops %+v", c.Added, c.Removed, c.Ops)
		}
	}
}
