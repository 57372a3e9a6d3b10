package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestExtractFileCharset: saved pages have no Content-Type; extract FILE
// sniffs them and says with --explain how it decoded them.
func TestExtractFileCharset(t *testing.T) {
	const headline = "افتتاح مشروع مياه الشرب في مديرية باجل"
	const para = "افتتح محافظ الحديدة اليوم مشروع مياه الشرب في مديرية باجل، الذي يخدم أكثر من أربعين ألف نسمة في المدينة والقرى المجاورة."
	page := `<html dir="rtl"><head><title>خبر</title></head><body><h1>` + headline + `</h1><p>` + para + `</p></body></html>`
	cp1256, err := charmap.Windows1256.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("<!-- saved from url=(0022)https://n.example/ -->\r\n" + page)
	if err != nil {
		t.Fatal(err)
	}
	lateMeta := "<html><head><style>" + strings.Repeat("p{margin:0}\n", 200) + `</style><meta charset="utf-8"></head>` + strings.TrimPrefix(page, `<html dir="rtl"><head>`)
	dir := t.TempDir()
	tests := []struct {
		file, body, rule string
	}{
		{"undeclared.html", cp1256, "detector: windows-1256 (confidence "},
		{"utf16.html", utf16, "bom"},
		{"late-meta.html", lateMeta, fmt.Sprintf("meta charset (byte %d)", strings.Index(lateMeta, "<meta"))},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r := mustRun(t, dir, "extract", "--explain", path)
			var rec struct{ Headline string }
			if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Headline != headline {
				t.Errorf("headline %q", rec.Headline)
			}
			var line string
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.HasPrefix(l, "charset ") {
					line = l
				}
			}
			if !strings.Contains(line, tt.rule) {
				t.Errorf("--explain charset line %q, want rule %q\n%s", line, tt.rule, r.stderr)
			}
		})
	}
	path := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(path, []byte("Notes: nothing here is markup."), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, "extract", path); r.code != 1 || !strings.Contains(r.stderr, "not an HTML page") {
		t.Errorf("extract of a text file: exit %d, stderr %q", r.code, r.stderr)
	}
}
