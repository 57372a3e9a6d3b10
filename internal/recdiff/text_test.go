package recdiff_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/recdiff"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// textCases are the two versions compared by the golden text tests.
func textCases(t *testing.T) map[string][2]*extract.Article {
	t.Helper()
	ar, arNew := load(t, "ar-seed"), load(t, "ar-seed")
	arNew.Label = ""
	arNew.Headline = "وفد حماس يناقش مع المخابرات المصرية آفاق التهدئة بغزة وسط تحركات دبلوماسية"
	insertParagraph(arNew, 1, 2, arOther)
	arNew.Sections[2].Heading = "تقدير حماس للدور المصري"
	replaceWord(t, arNew, 3, 1, "الكبير", "العميق")
	removeSection(arNew, 6)
	insertParagraph(arNew, 6, 3, arCorrection)
	arNew.Images = arNew.Images[:1:1]
	arNew.Images[0].Caption = "وفد حماس في القاهرة"

	en, enNew := load(t, "en-rates"), load(t, "en-rates")
	enNew.Label = ""
	enNew.Source = "By Jane Doe"
	replaceWord(t, enNew, 1, 2, "Nine", "Eight")
	replaceWord(t, enNew, 2, 1, "days.", "weeks.")
	replaceWord(t, enNew, 2, 1, "year.", "month.")
	enNew.Sections[2].Heading = "How markets reacted"
	insertParagraph(enNew, 3, 4, enCorrection)
	enNew.Images = append([]extract.Image{{Src: enImage, Caption: "Traders on the floor after the decision."}}, enNew.Images...)
	return map[string][2]*extract.Article{"ar": {ar, arNew}, "en": {en, enNew}}
}

var textVariants = map[string]recdiff.TextOptions{
	"plain": {},
	"bidi":  {BidiIsolate: true},
	"color": {Color: true, BidiIsolate: true},
}

// TestWriteTextGolden compares WriteText's output with
// testdata/text/CASE.VARIANT.txt; -update rewrites them.
func TestWriteTextGolden(t *testing.T) {
	for name, c := range textCases(t) {
		cs := recdiff.Diff(c[0], c[1])
		for variant, opt := range textVariants {
			t.Run(name+"."+variant, func(t *testing.T) {
				var buf bytes.Buffer
				if err := recdiff.WriteText(&buf, cs, opt); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "text", name+"."+variant+".txt")
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), buf.String()); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}

// With BidiIsolate, the output is the plain output with isolates around
// user text only: header lines carry none, every body line has balanced
// isolates, and the markers sit inside the isolate of their paragraph.
func TestWriteTextBidiIsolates(t *testing.T) {
	for name, c := range textCases(t) {
		cs := recdiff.Diff(c[0], c[1])
		var plain, bidi bytes.Buffer
		if err := recdiff.WriteText(&plain, cs, recdiff.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := recdiff.WriteText(&bidi, cs, recdiff.TextOptions{BidiIsolate: true}); err != nil {
			t.Fatal(err)
		}
		stripped := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(bidi.String())
		if stripped != plain.String() {
			t.Errorf("%s: bidi output without isolates differs from plain output", name)
		}
		for _, line := range strings.Split(strings.TrimSuffix(bidi.String(), "\n"), "\n") {
			if !strings.HasPrefix(line, "  ") {
				if strings.ContainsAny(line, "\u2066\u2067\u2068\u2069") {
					t.Errorf("%s: header with isolates: %q", name, line)
				}
				continue
			}
			if !balanced(line) {
				t.Errorf("%s: unbalanced isolates: %q", name, line)
			}
			// "  - ", "  + " or "  " then the isolate: the sign stays
			// outside, every marker inside.
			if i := strings.IndexRune(line, '\u2068'); i < 0 || strings.ContainsAny(line[:i], "[]{}") || !strings.HasSuffix(line, "\u2069") {
				t.Errorf("%s: user text not isolated: %q", name, line)
			}
		}
	}
}

// balanced reports whether the isolates of line nest and all close.
func balanced(line string) bool {
	depth := 0
	for _, r := range line {
		switch r {
		case '\u2066', '\u2067', '\u2068':
			depth++
		case '\u2069':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// User text cannot drive the terminal or break out of its isolate.
func TestWriteTextHostileText(t *testing.T) {
	cs := recdiff.Diff(
		&extract.Article{Headline: "old"},
		&extract.Article{Headline: "new\x1b[2J\x1b]0;title\x07 \u2069\u2069 \u2067rtl \u202eover\nline\u009b\x9b\xff"},
	)
	var buf bytes.Buffer
	if err := recdiff.WriteText(&buf, cs, recdiff.TextOptions{BidiIsolate: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x07\u009b") || strings.Contains(out, "\x9b") || strings.Count(out, "\n") != 3 {
		t.Errorf("control characters reached the output: %q", out)
	}
	for _, want := range []string{`new\x1b[2J\x1b]0;title\a`, `over\nline\u009b\x9b\xff`} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !balanced(line) {
			t.Errorf("unbalanced isolates: %q", line)
		}
	}
}

func TestWriteTextNoChanges(t *testing.T) {
	var buf bytes.Buffer
	if err := recdiff.WriteText(&buf, nil, recdiff.TextOptions{Color: true, BidiIsolate: true}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("output for no changes: %q", buf.String())
	}
}

type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestWriteTextError(t *testing.T) {
	cs := []recdiff.Change{{Kind: "label removed", Field: "label", Old: "عاجل"}}
	if err := recdiff.WriteText(failWriter{}, cs, recdiff.TextOptions{}); !errors.Is(err, errDisk) {
		t.Errorf("WriteText error = %v, want %v", err, errDisk)
	}
}
