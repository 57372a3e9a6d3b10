package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/config"
)

func TestParseSite(t *testing.T) {
	s, err := config.ParseSite("configs/sites/cairo-news.yaml", []byte(`
domains: [news.example]
start_urls: ["https://news.example/"]
article_urls: ['^/news/\d+']
follow_urls: ['^/section/']
ignore_urls: ['\?print=']
schedule: "*/30 * * * *"
max_depth: 2
rate: 0.5
selectors:
  headline: "h1.article-title"
  published: "time[datetime]@datetime"
  modified: "time.updated@datetime"
  body: ".article-body"
  remove: [".share"]
drop_lines: ["تم نسخ الرابط"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "cairo-news" || s.Crawl.Name != "cairo-news" {
		t.Errorf("name %q / %q, want the file name", s.Name, s.Crawl.Name)
	}
	if s.Crawl.MaxDepth != 2 || s.Crawl.Rate != 0.5 || len(s.Crawl.ArticleURLs) != 1 || len(s.Crawl.IgnoreURLs) != 1 {
		t.Errorf("crawl site %+v", s.Crawl)
	}
	if !s.Crawl.ArticleURLs[0].MatchString("/news/12") || !s.Crawl.IgnoreURLs[0].MatchString("/news/12?print=1") {
		t.Error("patterns do not match what they should")
	}
	if s.Rules == nil || !strings.HasPrefix(s.Extractor(), "site:cairo-news@") || len(s.Hash) != 12 {
		t.Errorf("rules %v, extractor %q", s.Rules, s.Extractor())
	}
	if got, want := s.Rules.Fields(), []string{"headline", "published", "modified", "body"}; !slices.Equal(got, want) {
		t.Errorf("Fields() = %v, want %v", got, want)
	}
}

func TestSiteDefaults(t *testing.T) {
	s, err := config.ParseSite("x.yaml", []byte("name: x\ndomains: [x.example]\nstart_urls: [\"http://x.example/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Crawl.MaxDepth != config.DefaultMaxDepth || s.Crawl.Rate != config.DefaultRate || s.Rules != nil {
		t.Errorf("defaults: %+v, rules %v", s.Crawl, s.Rules)
	}
	zero, err := config.ParseSite("y.yaml", []byte("domains: [y.example]\nstart_urls: [\"http://y.example/\"]\nmax_depth: 0\nrate: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if zero.Crawl.MaxDepth != 0 || zero.Crawl.Rate != 0 {
		t.Errorf("explicit zeros lost: %+v", zero.Crawl)
	}
}

func TestSiteErrors(t *testing.T) {
	base := "domains: [a.example]\nstart_urls: [\"https://a.example/\"]\n"
	tests := []struct {
		name, yaml string
		line       int
		field      string
		msg        string
	}{
		{"unknown key", base + "selectors:\n  headlin: h1\n", 4, "headlin", "unknown key"},
		{"unknown top key", "nmae: x\n" + base, 1, "nmae", "unknown key"},
		{"bad regexp", base + "follow_urls:\n  - '^/ok/'\n  - '(unclosed'\n", 5, "follow_urls[1]", "bad regexp"},
		{"bad selector", base + "selectors:\n  body: \"div[\"\n", 4, "selectors.body", ""},
		{"bad modified selector", base + "selectors:\n  modified: \"time@\"\n", 4, "selectors.modified", ""},
		{"modified is not modified_at", base + "selectors:\n  modified_at: time\n", 4, "modified_at", "unknown key"},
		{"bad remove selector", base + "selectors:\n  remove:\n    - .share\n    - \"::nope(\"\n", 6, "selectors.remove[1]", ""},
		{"missing domains", "start_urls: [\"https://a.example/\"]\n", 1, "domains", "required"},
		{"negative depth", base + "max_depth: -1\n", 3, "max_depth", "0 or more"},
		{"wrong type", base + "rate: fast\n", 3, "rate", ""},
		{"bad revisit", base + "revisits: [15m, soon]\n", 3, "revisits[1]", "not a duration"},
		{"revisits out of order", base + "revisits:\n  - 1h\n  - 2d\n  - 1d\n", 6, "revisits[2]", "after the one before (2d)"},
		{"revisit too soon", base + "revisits: [500ms]\n", 3, "revisits[0]", "at least 1s"},
		{"revisit not whole seconds", base + "revisits: [1m, 90.5s]\n", 3, "revisits[1]", "whole seconds"},
		{"revisit too late", base + "revisits: [1m, 200000d]\n", 3, "revisits[1]", "not a duration"},
		{"revisit too late in hours", base + "revisits: [1m, 1000000h]\n", 3, "revisits[1]", "at most 100 years"},
		{"bad schedule", base + "schedule: \"61 * * * *\"\n", 3, "schedule", "cron"},
		{"bad name", "name: \"a b\"\n" + base, 1, "name", ""},
		{"start url off domain", "domains: [a.example]\nstart_urls:\n  - \"https://b.example/\"\n", 3, "start_urls[0]", "not in domains"},
		{"yaml syntax", "domains: [a.example\n", 1, "", ""},
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

func TestLoadSitesReportsEveryBadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.yaml", "domains: [g.example]\nstart_urls: [\"https://g.example/\"]\n")
	write("bad1.yaml", "domains: [b.example]\nbogus: 1\n")
	write("bad2.yml", "domains: []\n")
	write("dup.yaml", "name: good\ndomains: [d.example]\nstart_urls: [\"https://d.example/\"]\n")
	write("notes.txt", "ignored")
	sites, err := config.LoadSites(dir)
	if len(sites) != 1 || sites[0].Name != "good" {
		t.Errorf("valid sites %v", sites)
	}
	for _, want := range []string{"bad1.yaml:2: bogus", "bad2.yml:1: domains", "good.yaml:1: name"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if none, err := config.LoadSites(filepath.Join(dir, "missing")); none != nil || err != nil {
		t.Errorf("missing dir: %v, %v", none, err)
	}
}

func TestMainConfig(t *testing.T) {
	c, err := config.Parse("newsarc.yaml", []byte("db: a.db\ntimeout: 5s\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := config.Default()
	if c.DB != "a.db" || time.Duration(c.Timeout) != 5*time.Second || c.Concurrency != d.Concurrency || c.UserAgent != d.UserAgent {
		t.Errorf("config %+v", c)
	}
	for _, bad := range []struct{ yaml, want string }{
		{"db: a\nuser_agnet: x\n", "newsarc.yaml:2: user_agnet: unknown key"},
		{"concurrency: -2\n", "newsarc.yaml:1: concurrency"},
		{"timeout: 10 parsecs\n", "newsarc.yaml:1: timeout"},
	} {
		_, err := config.Parse("newsarc.yaml", []byte(bad.yaml))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Parse(%q) = %v, want %q", bad.yaml, err, bad.want)
		}
	}
}

func TestShippedConfigsAreValid(t *testing.T) {
	if _, err := config.Load("../../configs/newsarc.yaml"); err != nil {
		t.Error(err)
	}
	sites, err := config.LoadSites("../../configs/sites")
	if err != nil {
		t.Error(err)
	}
	if len(sites) == 0 {
		t.Error("no site files in configs/sites")
	}
}

func TestSiteRevisits(t *testing.T) {
	base := "domains: [a.example]\nstart_urls: [\"https://a.example/\"]\n"
	for _, tt := range []struct {
		yaml string
		want []time.Duration
	}{
		{"", config.DefaultRevisits},
		{"revisits: [10m, 2h, 1h30m0s, 2d]\n", nil}, // out of order: an error
		{"revisits: [10m, 1h30m, 2d]\n", []time.Duration{10 * time.Minute, 90 * time.Minute, 48 * time.Hour}},
		{"revisits: []\n", []time.Duration{}},
	} {
		s, err := config.ParseSite("sites/a.yaml", []byte(base+tt.yaml))
		if tt.want == nil {
			if err == nil {
				t.Errorf("%q: no error", tt.yaml)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.yaml, err)
			continue
		}
		if len(s.Revisits) != len(tt.want) || (len(tt.want) > 0 && !slices.Equal(s.Revisits, tt.want)) {
			t.Errorf("%q: revisits %v, want %v", tt.yaml, s.Revisits, tt.want)
		}
	}
	if want := []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}; !slices.Equal(config.DefaultRevisits, want) {
		t.Errorf("default revisits %v, want the issue's %v", config.DefaultRevisits, want)
	}
}
