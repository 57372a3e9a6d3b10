package discover_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/internal/discover"
)

func TestParseFeed(t *testing.T) {
	base, _ := url.Parse("https://news.example/feeds/latest")
	tests := []struct {
		name string
		body []byte
		base *url.URL
		want []discover.Entry
	}{
		{"rss 2.0", readFile(t, "rss.xml"), base, []discover.Entry{
			{URL: "https://news.example/news/1042", Modified: date("2026-03-14T07:12:45Z"), Title: "Rain warning for the north coast"},
			// Relative link resolved against the feed's URL; dc:date is later than pubDate.
			{URL: "https://news.example/news/1041?from=rss", Modified: date("2026-03-14T08:00:00Z"), Title: "Relative link"},
			{URL: "https://news.example/news/1040", Title: "GUID only"},
		}},
		{"rss 2.0 without base", readFile(t, "rss.xml"), nil, []discover.Entry{
			{URL: "https://news.example/news/1042", Modified: date("2026-03-14T07:12:45Z"), Title: "Rain warning for the north coast"},
			{URL: "https://news.example/news/1040", Title: "GUID only"},
		}},
		{"atom", readFile(t, "atom.xml"), base, []discover.Entry{
			// xml:base resolves the relative href; updated is later than published.
			{URL: "https://news.example/news/1005", Modified: date("2026-03-13T09:30:00Z"), Title: "Climate talks: adaptation <b>deal</b>"},
			{URL: "https://news.example/news/1006", Modified: date("2026-03-11T00:00:00Z"), Title: "No rel"},
		}},
		{"json feed", readFile(t, "feed.json"), base, []discover.Entry{
			{URL: "https://news.example/news/1007", Modified: date("2026-03-10T11:00:00Z"), Title: "Northern Italy floods cut rail links"},
			{URL: "https://news.example/news/1008", Modified: date("2026-03-09T08:00:00Z"), Title: "Drought in the Horn of Africa"},
		}},
		{"gzip'd rss with bom", gz(t, append([]byte("\xef\xbb\xbf\n "), readFile(t, "rss.xml")...)), nil, []discover.Entry{
			{URL: "https://news.example/news/1042", Modified: date("2026-03-14T07:12:45Z"), Title: "Rain warning for the north coast"},
			{URL: "https://news.example/news/1040", Title: "GUID only"},
		}},
		{"rss 1.0 (rdf)", []byte(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://news.example/"><title>x</title><link>https://news.example/</link></channel>
<item rdf:about="https://news.example/news/9"><title>Nine</title><link>https://news.example/news/9</link></item>
</rdf:RDF>`), base, []discover.Entry{{URL: "https://news.example/news/9", Title: "Nine"}}},
		{"empty channel", []byte(`<rss version="2.0"><channel><title>x</title></channel></rss>`), base, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := discover.ParseFeed(tt.body, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFeedErrors(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		notFeed  bool
		contains string
	}{
		{"empty", nil, true, "neither rss"},
		{"html", []byte("<!doctype html><html><body>hi</body></html>"), true, "neither rss"},
		{"sitemap", readFile(t, "google-news.xml"), true, "neither rss"},
		{"text", []byte("hello"), true, "neither rss"},
		{"broken rss", []byte(`<rss version="2.0"><channel><item><title>x</titl`), false, "parse rss"},
		{"broken json", []byte(`{"version": "https://jsonfeed.org/version/1.1", "items": [`), false, "parse json feed"},
		{"broken gzip", []byte("\x1f\x8bnope"), false, "gunzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := discover.ParseFeed(tt.body, nil)
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if errors.Is(err, discover.ErrNotFeed) != tt.notFeed {
				t.Errorf("errors.Is(%q, ErrNotFeed) = %v, want %v", err, !tt.notFeed, tt.notFeed)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not say %q", err, tt.contains)
			}
		})
	}
}
