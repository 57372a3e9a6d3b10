package extract_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/newsarc/newsarc/extract"
)

// TestLegacyPagesFresh keeps the windows-1256 pages of testdata/charset
// what their UTF-8 sources say: <case>.cp1256.utf8.txt, encoded, is
// <case>.cp1256.html. -update (run it with TestGolden) writes the pages.
// A character windows-1256 cannot encode is an error, never a "?".
func TestLegacyPagesFresh(t *testing.T) {
	sources, err := filepath.Glob(filepath.Join("testdata", "charset", "*.cp1256.utf8.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) == 0 {
		t.Fatal("no testdata/charset/*.cp1256.utf8.txt")
	}
	for _, src := range sources {
		text, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		want, err := charmap.Windows1256.NewEncoder().Bytes(text)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		page := strings.TrimSuffix(src, ".utf8.txt") + ".html"
		if *update {
			if err := os.WriteFile(page, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(page); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not %s in windows-1256 (%v): run go test ./extract -run 'TestLegacyPagesFresh|TestGolden' -update", page, src, err)
		}
	}
}

// TestGoldenNoMojibake reads every golden record: no U+FFFD and no UTF-8
// read as windows-1252 ("Ã©" for é, "Ù…" for م, "â€™" for ’) in any of
// its strings. A page decoded in the wrong charset shows up here even
// when its golden file was regenerated with the mistake.
func TestGoldenNoMojibake(t *testing.T) {
	goldens, err := filepath.Glob(filepath.Join("testdata", "*", "*.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(goldens) < 14 {
		t.Fatalf("only %d golden records", len(goldens))
	}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		var a extract.Article
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		strs := map[string]string{"headline": a.Headline, "text": a.Text, "label": a.Label, "source": a.Source,
			"authors": strings.Join(a.Authors, "\n")}
		for _, im := range a.Images {
			strs["caption"] += im.Caption + "\n"
		}
		for field, s := range strs {
			if n := strings.Count(s, "\uFFFD"); n > 0 {
				t.Errorf("%s: %s has %d U+FFFD", g, field, n)
			}
			if m := mojibake(s); len(m) > 0 {
				t.Errorf("%s: %s has mojibake %q", g, field, m)
			}
		}
	}
}

// mojibake returns the sequences of s that are UTF-8 read as
// windows-1252: "â€" (the lead of ’ “ ” – — …), or Â, Ã (Latin-1
// letters) or Ø, Ù, Ú, Û (Arabic letters) followed by what windows-1252
// makes of a continuation byte (0x80 to 0xBF).
func mojibake(s string) []string {
	var found []string
	if strings.Contains(s, "â€") {
		found = append(found, "â€")
	}
	rs := []rune(s)
	for i := 0; i+1 < len(rs); i++ {
		switch rs[i] {
		case 'Â', 'Ã', 'Ø', 'Ù', 'Ú', 'Û':
			if continuation(rs[i+1]) {
				found = append(found, string(rs[i:i+2]))
			}
		}
	}
	return found
}

// continuation reports a rune that windows-1252 decodes from a byte in
// 0x80 to 0xBF.
func continuation(r rune) bool {
	if r >= 0x80 && r <= 0xBF {
		return true
	}
	return strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r)
}

func TestMojibake(t *testing.T) {
	for s, want := range map[string]int{
		"cafÃ© â€œquotedâ€\u009d": 2, "Ù…ØµØ±": 3, "café “quoted” — ’": 0, "مصر": 0, "Øresund, Ålesund": 0, "NÃO": 0,
	} {
		if got := len(mojibake(s)); got != want {
			t.Errorf("mojibake(%q) = %q, want %d", s, mojibake(s), want)
		}
	}
}
