package extract_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/newsarc/newsarc/extract"
)

func TestCanonicalURL(t *testing.T) {
	doc := func(canonical string) []byte {
		return []byte(`<html><head><link rel="canonical" href="` + canonical + `"></head><body><h1>عنوان</h1><p>نص</p></body></html>`)
	}
	tests := []struct {
		name, page, canonical string
		domains               []string
		want                  string
	}{
		{"canonical on the site's domain", "https://m.news.example/a/1?utm_source=x#top", "https://www.news.example/a/1-slug", []string{"news.example"}, "https://www.news.example/a/1-slug"},
		{"canonical relative", "https://news.example/amp/a/1", "/a/1", []string{"news.example"}, "https://news.example/a/1"},
		{"canonical normalised", "https://news.example/a", "HTTPS://News.Example:443/a/1?b=2&a=1&utm_medium=y#x", []string{"news.example"}, "https://news.example/a/1?a=1&b=2"},
		{"canonical on another domain ignored", "https://news.example/a/1?x=1#c", "https://wire.example/story/9", []string{"news.example"}, "https://news.example/a/1?x=1"},
		{"no domains: own host only", "https://news.example/a/1", "https://news.example/a/1-slug", nil, "https://news.example/a/1-slug"},
		{"no domains: other host ignored", "https://news.example/a/1", "https://www.news.example/a/1-slug", nil, "https://news.example/a/1"},
		{"no domains: port ignored", "http://127.0.0.1:8080/a/1", "http://127.0.0.1/a/1", nil, "http://127.0.0.1/a/1"},
		{"non-http canonical ignored", "https://news.example/a/1", "ftp://news.example/a/1", []string{"news.example"}, "https://news.example/a/1"},
		{"no canonical", "https://NEWS.example/a/1?utm_source=x&b=1#frag", "", nil, "https://news.example/a/1?b=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := doc(tt.canonical)
			if tt.canonical == "" {
				body = []byte(`<html><body><h1>عنوان</h1></body></html>`)
			}
			a, err := extract.Extract(extract.Input{URL: tt.page, Body: body, Domains: tt.domains}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.URL != tt.want {
				t.Errorf("url = %q, want %q", a.URL, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "/relative/path", "mailto:x@y.example", "https://"} {
		if _, err := extract.Extract(extract.Input{URL: bad, Body: doc("/x")}, nil); err == nil {
			t.Errorf("URL %q: no error", bad)
		}
	}
}

func TestCharset(t *testing.T) {
	const arabic = "وفد حماس يبحث مع المخابرات المصرية آفاق التهدئة"
	w1256, err := charmap.Windows1256.NewEncoder().String(arabic)
	if err != nil {
		t.Fatal(err)
	}
	iso, err := charmap.ISO8859_6.NewEncoder().String(arabic)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("<!-- saved page -->\n<html><body><h1>" + arabic + "</h1></body></html>")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, contentType string
	}{
		{"windows-1256 in <meta charset>", `<html><head><meta charset="windows-1256"></head><body><h1>` + w1256 + `</h1></body></html>`, ""},
		{"windows-1256 in http-equiv", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"></head><body><h1>` + w1256 + `</h1></body></html>`, ""},
		{"iso-8859-6 in the header", `<html><body><h1>` + iso + `</h1></body></html>`, "text/html; charset=ISO-8859-6"},
		{"header wins over meta", `<html><head><meta charset="windows-1252"></head><body><h1>` + w1256 + `</h1></body></html>`, "text/html; charset=windows-1256"},
		{"UTF-8 with BOM", "\xef\xbb\xbf<html><body><h1>" + arabic + "</h1></body></html>", ""},
		{"UTF-16LE with BOM, no type", utf16, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: []byte(tt.body), ContentType: tt.contentType}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Headline != arabic {
				t.Errorf("headline = %q, want %q", a.Headline, arabic)
			}
			if a.Direction != "rtl" {
				t.Errorf("direction = %q (no lang: from the text)", a.Direction)
			}
		})
	}
	// The iso-8859-6 golden page declares its charset in its header only;
	// without it, the detector tells iso-8859-6 from windows-1256.
	body, err := os.ReadFile(filepath.Join("testdata", "legacy-charset", "energy-law.iso-8859-6.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, steps, err := extract.Explain(extract.Input{URL: "http://www.ahliya-news.example/news.php?id=5521", Body: body}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Headline != "الحكومة تقر مشروع قانون الطاقة المتجددة" {
		t.Errorf("iso-8859-6 page without its header: headline %q", a.Headline)
	}
	if s := steps[0]; s.Field != "charset" || !strings.HasPrefix(s.Rule, "detector: iso-8859-6 (confidence ") || len(s.Took) != 1 || s.Took[0] != "iso-8859-6" {
		t.Errorf("charset step = %+v", s)
	}
}

// TestExplainCharset: Explain's first step says which rule chose the
// encoding, and which encoding.
func TestExplainCharset(t *testing.T) {
	const head = `<html><head><title>t</title>`
	tests := []struct {
		name, ct, body, rule, took string
	}{
		{"http charset", "text/html; charset=windows-1256", head + "</head><body><h1>x</h1>", "http charset", "windows-1256"},
		{"meta charset", "", head + `<meta charset="windows-1256"></head><body><h1>x</h1>`, "meta charset (byte 28)", "windows-1256"},
		{"bom", "", "\xef\xbb\xbf" + head + "</head><body><h1>x</h1>", "bom", "utf-8"},
		{"valid utf-8", "", head + "</head><body><h1>café</h1>", "valid utf-8", "utf-8"},
		{"contradicted", "text/html; charset=iso-8859-1", head + "</head><body><h1>café</h1>", "declared iso-8859-1 in http charset, bytes are UTF-8", "utf-8"},
		{"default", "", head + "</head><body><h1>caf\xe9</h1>", "default windows-1252", "windows-1252"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, steps, err := extract.Explain(extract.Input{URL: "https://n.example/a", ContentType: tt.ct, Body: []byte(tt.body)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := extract.Step{Field: "charset", Rule: tt.rule, Matches: 1, Took: []string{tt.took}}
			if diff := cmp.Diff(want, steps[0]); diff != "" {
				t.Errorf("first step (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotHTML(t *testing.T) {
	tests := []struct {
		name, ct string
		body     []byte
		wantErr  bool
	}{
		{"png header", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), true},
		{"pdf sniffed", "", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), true},
		{"json header", "application/json", []byte(`{"a":1}`), true},
		{"html mislabelled as octet-stream", "application/octet-stream", []byte("<!DOCTYPE html><html><body><p>x</p></body></html>"), false},
		// The crawler never took text/plain for HTML; extract (and so WARC
		// import and reextract) now decides as it does.
		{"text/plain fragment", "text/plain; charset=utf-8", []byte("<p>hello</p>"), true},
		{"text/plain page", "text/plain", []byte("<!DOCTYPE html><html><body><p>x</p></body></html>"), true},
		{"no type, html", "", []byte("<html><body><p>x</p></body></html>"), false},
		{"no type, fragment", "", []byte("<h1>title</h1><p>x</p>"), false},
		{"no type, saved page with a comment first", "", []byte("\xef\xbb\xbf\n<!-- saved from url=(0022)https://n.example/ -->\n<html><body><p>x</p></body></html>"), false},
		{"no type, plain text", "", []byte("Just a line of text."), true},
		{"no type, feed", "", []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: tt.body, ContentType: tt.ct}, nil)
			if got := errors.Is(err, extract.ErrNotHTML); got != tt.wantErr {
				t.Errorf("err = %v, want ErrNotHTML %v", err, tt.wantErr)
			}
		})
	}
}
