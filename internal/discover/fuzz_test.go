package discover_test

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/discover"
)

// FuzzParseSitemap checks that no input makes ParseSitemap panic, hang or
// break its promises: an error and entries never come together, every
// entry has a URL, dates are UTC, the cap holds.
func FuzzParseSitemap(f *testing.F) {
	for _, name := range []string{"google-news.xml", "index.xml", "rss.xml"} {
		f.Add(readFile(f, name))
	}
	f.Add(gz(f, readFile(f, "google-news.xml")))
	f.Add([]byte("\xef\xbb\xbf<urlset><url><loc>https://a.example/x?a=1&b=2</loc><lastmod>2026-03-14T09:12+02:00</lastmod></url></urlset>"))
	f.Add([]byte("https://a.example/x\nhttps://a.example/y\n"))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1256"?><urlset/>`))
	f.Add([]byte("\xff\xfe<\x00u\x00"))
	f.Add([]byte("<urlset><url><loc>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		sm, err := discover.ParseSitemap(body)
		if err != nil {
			if len(sm.Entries) > 0 || len(sm.Sitemaps) > 0 || sm.Truncated {
				t.Fatalf("error %v with a result %+v", err, sm)
			}
			if errors.Is(err, discover.ErrNotSitemap) && err.Error() == discover.ErrNotSitemap.Error() {
				t.Fatalf("bare sentinel: %v", err)
			}
			return
		}
		if n := len(sm.Entries) + len(sm.Sitemaps); n > discover.MaxEntries {
			t.Fatalf("%d entries, more than %d", n, discover.MaxEntries)
		}
		if len(sm.Entries) > 0 && len(sm.Sitemaps) > 0 {
			t.Fatalf("both entries and sitemaps: %+v", sm)
		}
		for _, e := range append(sm.Entries, sm.Sitemaps...) {
			if e.URL == "" {
				t.Fatalf("entry without url: %+v", sm)
			}
			if !e.Modified.IsZero() && e.Modified.Location() != time.UTC {
				t.Fatalf("modified not in utc: %v", e.Modified)
			}
		}
	})
}

// FuzzParseFeed checks that no input makes ParseFeed panic (gofeed
// included) or return entries that are not absolute http(s) URLs.
func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json", "google-news.xml"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><link>/x</link></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"x"}]}`))
	base, _ := url.Parse("https://news.example/feed")
	f.Fuzz(func(t *testing.T, body []byte) {
		es, err := discover.ParseFeed(body, base)
		if err != nil {
			if es != nil {
				t.Fatalf("error %v with entries %+v", err, es)
			}
			return
		}
		if len(es) > discover.MaxEntries {
			t.Fatalf("%d entries", len(es))
		}
		for _, e := range es {
			u, err := url.Parse(e.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("entry url %q", e.URL)
			}
			if !e.Modified.IsZero() && e.Modified.Location() != time.UTC {
				t.Fatalf("modified not in utc: %v", e.Modified)
			}
		}
	})
}
