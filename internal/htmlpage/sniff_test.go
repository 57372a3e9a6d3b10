package htmlpage_test

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/newsarc/newsarc/internal/htmlpage"
)

func TestIsHTML(t *testing.T) {
	doc := "<!DOCTYPE html><html><head><title>x</title></head><body><p>x</p></body></html>"
	utf16 := encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "\n<!-- saved -->\n<html><body><p>عاجل</p></body></html>")
	utf16be := encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "<p>x</p>")
	tests := []struct {
		name, ct, body string
		want           bool
	}{
		// Declared: the type decides.
		{"text/html", "text/html; charset=utf-8", "plain words", true},
		{"text/html upper case", "TEXT/HTML", "", true},
		{"xhtml", "application/xhtml+xml", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>`, true},
		{"malformed text/html", "text/html; charset", "<p>x</p>", true},
		{"text/plain", "text/plain; charset=utf-8", "<p>hello</p>", false},
		{"text/plain full page", "text/plain", doc, false},
		{"json", "application/json", `{"a":"<p>x</p>"}`, false},
		{"image", "image/jpeg", doc, false},
		{"pdf", "application/pdf", "%PDF-1.7", false},
		{"rss", "application/rss+xml", `<?xml version="1.0"?><rss><channel></channel></rss>`, false},
		{"text/xml", "text/xml", "<html></html>", false},
		// Undeclared: sniffed.
		{"none, doctype", "", doc, true},
		{"none, lower-case doctype", "", "<!doctype html>\n<title>x</title>", true},
		{"none, html", "", "<html><body><p>x</p></body></html>", true},
		{"octet-stream, html", "application/octet-stream", doc, true},
		{"unknown/unknown, html", "unknown/unknown", doc, true},
		{"none, leading white space", "", "\r\n\t  <html>", true},
		{"none, leading comments", "", "<!-- saved from url=(0022)https://n.example/ -->\n<!-- x --><html>", true},
		{"none, bom", "", "\xef\xbb\xbf<!DOCTYPE html><html>", true},
		{"none, utf-16le bom", "", utf16, true},
		{"none, utf-16be bom", "", utf16be, true},
		{"none, xml declaration then html", "", `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html>`, true},
		{"none, fragment h1", "", "<h1 class=title>text", true},
		{"none, fragment p", "", "<p>hello</p>", true},
		{"none, fragment script", "", `<script type="application/ld+json">{}</script><h1>x</h1>`, true},
		{"none, text then html", "", "Saved page\n<html><body>x</body></html>", true},
		{"none, text then div", "", "Header line\n<div class=x>a</div>", true},
		{"none, html tag past 1 KiB", "", strings.Repeat("word ", 300) + "<html>", false},
		{"none, plain text", "", "Just some words, no markup at all.", false},
		{"none, empty", "", "", false},
		{"none, rss", "", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`, false},
		{"none, sitemap", "", `<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>`, false},
		{"none, json", "", `{"html": "<p>x</p>"}`, true}, // an early <p> tag: as http.DetectContentType would not, but harmless
		{"none, pdf", "", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", false},
		{"none, png", "", "\x89PNG\r\n\x1a\n\x00\x00", false},
		{"none, gzip", "", "\x1f\x8b\x08\x00<html>", false},
		{"none, control bytes", "", "<html>\x00\x01\x02", false},
		{"none, unterminated comment", "", "<!-- never closed <html>", true},
		{"none, other doctype", "", `<!DOCTYPE svg PUBLIC "x"><svg></svg>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlpage.IsHTML(tt.ct, []byte(tt.body)); got != tt.want {
				t.Errorf("IsHTML(%q, %.40q) = %v, want %v", tt.ct, tt.body, got, tt.want)
			}
		})
	}
}
