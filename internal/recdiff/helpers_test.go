package recdiff_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newsarc/newsarc/extract"
)

// load reads testdata/articles/NAME.json, a fresh copy each time. The files
// are extract's golden records (see testdata/README.md).
func load(t testing.TB, name string) *extract.Article {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "articles", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var a extract.Article
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &a
}

// replaceWord replaces the one occurrence of the word old in paragraph p
// of section s (1-based) with new.
func replaceWord(t testing.TB, a *extract.Article, s, p int, old, new string) {
	t.Helper()
	text := a.Sections[s-1].Paragraphs[p-1]
	ws := strings.Split(text, " ")
	k := slices.Index(ws, old)
	if k < 0 || slices.Index(ws[k+1:], old) >= 0 {
		t.Fatalf("word %q not exactly once in section %d paragraph %d: %s", old, s, p, text)
	}
	ws[k] = new
	a.Sections[s-1].Paragraphs[p-1] = strings.Join(ws, " ")
}

// insertParagraph inserts text as paragraph p (1-based) of section s.
func insertParagraph(a *extract.Article, s, p int, text string) {
	ps := a.Sections[s-1].Paragraphs
	a.Sections[s-1].Paragraphs = slices.Insert(slices.Clone(ps), p-1, text)
}

// removeParagraph removes paragraph p of section s and returns it.
func removeParagraph(a *extract.Article, s, p int) string {
	ps := a.Sections[s-1].Paragraphs
	text := ps[p-1]
	a.Sections[s-1].Paragraphs = slices.Delete(slices.Clone(ps), p-1, p)
	return text
}

// removeSection removes section s and returns it.
func removeSection(a *extract.Article, s int) extract.Section {
	sec := a.Sections[s-1]
	a.Sections = slices.Delete(slices.Clone(a.Sections), s-1, s)
	return sec
}
