package discover_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/newsarc/newsarc/internal/discover"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseSitemapGoogleNews(t *testing.T) {
	got, err := discover.ParseSitemap(readFile(t, "google-news.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := discover.Sitemap{Entries: []discover.Entry{
		{URL: "https://news.example/news/1042/rain-warning-north-coast", Modified: date("2026-03-14T07:12:45Z"), Title: "تحذير من أمطار غزيرة على الساحل الشمالي"},
		{URL: "https://news.example/news/1041?ref=sitemap&x=1", Modified: date("2026-03-14T08:05:00.123Z"), Title: "Egypt U17 win North Africa title & qualify"},
		{URL: "https://news.example/news/1040", Modified: date("2026-03-13T00:00:00Z"), Title: "Metro line 4: test runs"},
		{URL: "https://news.example/news/1039"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseSitemapIndexAndGzipChild(t *testing.T) {
	idx, err := discover.ParseSitemap(readFile(t, "index.xml"))
	if err != nil {
		t.Fatal(err)
	}
	wantIdx := discover.Sitemap{Sitemaps: []discover.Entry{
		{URL: "https://news.example/sitemaps/news-2026-03.xml.gz", Modified: date("2026-03-14T07:00:00Z")},
		{URL: "https://news.example/sitemaps/news-2026-02.xml.gz", Modified: date("2026-02-01T00:00:00Z")},
		{URL: "https://news.example/sitemaps/sections.xml"},
	}}
	if diff := cmp.Diff(wantIdx, idx); diff != "" {
		t.Errorf("index (-want +got):\n%s", diff)
	}

	child := gz(t, readFile(t, "google-news.xml"))
	got, err := discover.ParseSitemap(child)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 4 || got.Entries[0].Title == "" {
		t.Errorf("gzip'd child: %+v", got)
	}
	// Served with Content-Encoding: gzip on top (the client undid one layer,
	// or a .gz gzip'd again): still read.
	if again, err := discover.ParseSitemap(gz(t, child)); err != nil || len(again.Entries) != 4 {
		t.Errorf("gzip'd twice: %+v, %v", again, err)
	}
}

func TestParseSitemapTolerates(t *testing.T) {
	const one = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/x</loc><lastmod>2026-01-02</lastmod></url></urlset>`
	wantOne := []discover.Entry{{URL: "https://a.example/x", Modified: date("2026-01-02T00:00:00Z")}}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return b
	}
	cp1256, err := charmap.Windows1256.NewEncoder().Bytes([]byte(`<?xml version="1.0" encoding="windows-1256"?>
<urlset><url><loc>https://a.example/x</loc><news:news xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><news:title>عاجل</news:title></news:news></url></urlset>`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []byte
		want []discover.Entry
	}{
		{"plain", []byte(one), wantOne},
		{"utf-8 bom and white space", []byte("\xef\xbb\xbf \r\n\t" + `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + one), wantOne},
		{"utf-16 with bom", utf16(`<?xml version="1.0" encoding="UTF-16"?>` + one), wantOne},
		{"no namespace", []byte(`<urlset><url><loc>https://a.example/x</loc><lastmod>2026-01-02</lastmod></url></urlset>`), wantOne},
		{"upper-case names", []byte(`<URLSET><URL><LOC>https://a.example/x</LOC><LASTMOD>2026-01-02</LASTMOD></URL></URLSET>`), wantOne},
		{"unescaped ampersand", []byte(`<urlset><url><loc>https://a.example/x?a=1&b=2</loc></url></urlset>`), []discover.Entry{{URL: "https://a.example/x?a=1&b=2"}}},
		{"html entity", []byte(`<urlset><url><loc>https://a.example/x</loc><news:news><news:title>a&nbsp;b</news:title></news:news></url></urlset>`), []discover.Entry{{URL: "https://a.example/x", Title: "a b"}}}, // white space collapsed, no-break space included
		{"declared windows-1256", cp1256, []discover.Entry{{URL: "https://a.example/x", Title: "عاجل"}}},
		{"relative loc kept as written", []byte(`<urlset><url><loc> /news/1 </loc></url></urlset>`), []discover.Entry{{URL: "/news/1"}}},
		{"url without loc skipped", []byte(`<urlset><url><lastmod>2026-01-02</lastmod></url><url><loc></loc></url>` + one[len(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`):]), wantOne},
		{"empty urlset", []byte(`<urlset/>`), nil},
		{"junk after the root", []byte(one + "<<<garbage"), wantOne},
		{"text sitemap", []byte("https://a.example/x\r\n\n  https://a.example/y  \n"), []discover.Entry{{URL: "https://a.example/x"}, {URL: "https://a.example/y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := discover.ParseSitemap(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Entries); diff != "" || got.Truncated || len(got.Sitemaps) > 0 {
				t.Errorf("(-want +got):\n%s%+v", diff, got)
			}
		})
	}
}

func TestParseSitemapErrors(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		notSM    bool   // errors.Is ErrNotSitemap
		contains string // in the message
	}{
		{"empty", nil, true, "empty"},
		{"only white space", []byte(" \n\t"), true, "empty"},
		{"html page", []byte("<!doctype html><html><body>Not found</body></html>"), true, "root element <html>"},
		{"rss feed", readFile(t, "rss.xml"), true, "root element <rss>"},
		{"json", []byte(`{"version":"https://jsonfeed.org/version/1.1"}`), true, "line 1 is not an http(s) url"},
		{"prose", []byte("https://a.example/x\nhello world\n"), true, "line 2"},
		{"only a declaration", []byte(`<?xml version="1.0"?>`), true, "no root element"},
		{"cut short", []byte(`<urlset><url><loc>https://a.example/x</loc></url><url><loc>https://a.ex`), false, "bad xml in <urlset><url><loc> on line 1"},
		{"mismatched namespace close", []byte(`<urlset><url><news:news xmlns:news="n"></x:news></url></urlset>`), false, "bad xml"},
		{"bad attribute", []byte("<urlset>\n<url a=>"), false, "line 2"},
		{"unknown encoding", []byte(`<?xml version="1.0" encoding="x-klingon"?><urlset/>`), false, "klingon"},
		{"broken gzip", []byte("\x1f\x8b\x08\x00garbage"), false, "gunzip"},
		{"gzip'd html", gz(t, []byte("<html></html>")), true, "<html>"},
		{"too large", append([]byte("<urlset>"), make([]byte, discover.MaxBodyBytes)...), false, "more than"},
		// 51 gzip members of 1 MiB each: one stream of 51 MiB.
		{"gzip bomb", bytes.Repeat(gz(t, make([]byte, 1<<20)), discover.MaxBodyBytes>>20+1), false, "gunzip: more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := discover.ParseSitemap(tt.body)
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if errors.Is(err, discover.ErrNotSitemap) != tt.notSM {
				t.Errorf("errors.Is(%q, ErrNotSitemap) = %v, want %v", err, !tt.notSM, tt.notSM)
			}
			if !strings.Contains(err.Error(), tt.contains) || !strings.HasPrefix(err.Error(), "sitemap: ") {
				t.Errorf("error %q: want it to start with \"sitemap: \" and say %q", err, tt.contains)
			}
			if len(got.Entries) > 0 || len(got.Sitemaps) > 0 {
				t.Errorf("entries with an error: %+v", got)
			}
		})
	}
}

func TestParseSitemapCap(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("<sitemapindex>")
	for i := range discover.MaxEntries + 10 {
		fmt.Fprintf(&b, "<sitemap><loc>https://a.example/s%d.xml</loc></sitemap>", i)
	}
	b.WriteString("</sitemapindex>")
	got, err := discover.ParseSitemap(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Truncated || len(got.Sitemaps) != discover.MaxEntries || got.Sitemaps[discover.MaxEntries-1].URL != fmt.Sprintf("https://a.example/s%d.xml", discover.MaxEntries-1) {
		t.Errorf("truncated %v, %d sitemaps", got.Truncated, len(got.Sitemaps))
	}
}

func TestLastmodForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026", "2026-01-01T00:00:00Z"},
		{"2026-03", "2026-03-01T00:00:00Z"},
		{"2026-03-14", "2026-03-14T00:00:00Z"},
		{"2026-03-14T09:12+02:00", "2026-03-14T07:12:00Z"},
		{"2026-03-14T09:12:45Z", "2026-03-14T09:12:45Z"},
		{"2026-03-14T09:12:45.5-05:00", "2026-03-14T14:12:45.5Z"},
		{" 2026-03-14T09:12:45.123456789+00:00 ", "2026-03-14T09:12:45.123456789Z"},
		{"2026-03-14T09:12:45", "2026-03-14T09:12:45Z"},      // no zone: UTC
		{"2026-03-14 09:12:45", "2026-03-14T09:12:45Z"},      // space for T
		{"2026-03-14T09:12:45+0200", "2026-03-14T07:12:45Z"}, // ±hhmm
		{"Sat, 14 Mar 2026 09:12:45 +0200", "2026-03-14T07:12:45Z"},
		{"yesterday", ""},
		{"2026-13-01", ""},
		{"", ""},
	}
	for _, tt := range tests {
		body := fmt.Sprintf("<urlset><url><loc>https://a.example/</loc><lastmod>%s</lastmod></url></urlset>", tt.in)
		sm, err := discover.ParseSitemap([]byte(body))
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		var want time.Time
		if tt.want != "" {
			want = date(tt.want)
		}
		if got := sm.Entries[0].Modified; !got.Equal(want) || (!got.IsZero() && got.Location() != time.UTC) {
			t.Errorf("lastmod %q = %v, want %v", tt.in, got, want)
		}
	}
}
