package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/newsarc/newsarc/internal/config"
)

func TestSiteSitemapsAndFeeds(t *testing.T) {
	s, err := config.ParseSite("sites/a.yaml", []byte(`domains: [news.example]
start_urls: ["https://news.example/"]
sitemaps:
  - "https://news.example/sitemap-index.xml"
  - "https://www.news.example/news-sitemap.xml.gz"
feeds: ["https://news.example/rss", "https://news.example/feed.json"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://news.example/sitemap-index.xml", "https://www.news.example/news-sitemap.xml.gz"}; !slices.Equal(s.Crawl.Sitemaps, want) {
		t.Errorf("sitemaps %v, want %v", s.Crawl.Sitemaps, want)
	}
	if want := []string{"https://news.example/rss", "https://news.example/feed.json"}; !slices.Equal(s.Crawl.Feeds, want) {
		t.Errorf("feeds %v, want %v", s.Crawl.Feeds, want)
	}
	if !s.Crawl.Since.IsZero() {
		t.Errorf("since %v: a site file has none", s.Crawl.Since)
	}

	none, err := config.ParseSite("sites/b.yaml", []byte("domains: [b.example]\nstart_urls: [\"https://b.example/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if none.Crawl.Sitemaps != nil || none.Crawl.Feeds != nil {
		t.Errorf("sitemaps %v, feeds %v: want none", none.Crawl.Sitemaps, none.Crawl.Feeds)
	}
}

func TestSiteSitemapsAndFeedsErrors(t *testing.T) {
	base := "domains: [a.example]\nstart_urls: [\"https://a.example/\"]\n"
	tests := []struct {
		name, yaml string
		line       int
		field      string
		msg        string
	}{
		{"sitemap off domain", base + "sitemaps:\n  - \"https://a.example/s.xml\"\n  - \"https://cdn.other.example/s.xml\"\n", 5, "sitemaps[1]", `host "cdn.other.example" is not in domains`},
		{"feed off domain", base + "feeds: [\"https://b.example/rss\"]\n", 3, "feeds[0]", "not in domains"},
		{"sitemap not http", base + "sitemaps:\n  - \"ftp://a.example/s.xml\"\n", 4, "sitemaps[0]", "not http or https"},
		{"feed relative", base + "feeds:\n  - \"/rss\"\n", 4, "feeds[0]", ""},
		{"feed not a list", base + "feeds: \"https://a.example/rss\"\n", 3, "feeds", ""},
		{"misspelt key", base + "sitemap: [\"https://a.example/s.xml\"]\n", 3, "sitemap", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.ParseSite("sites/a.yaml", []byte(tt.yaml))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want *config.Error", err, err)
			}
			if ce.File != "sites/a.yaml" || ce.Line != tt.line || ce.Field != tt.field {
				t.Errorf("got %s:%d field %q, want line %d field %q (%v)", ce.File, ce.Line, ce.Field, tt.line, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%q does not say %q", err, tt.msg)
			}
		})
	}
}
