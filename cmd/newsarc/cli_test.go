package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

func TestBadConfigExit2(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                string // in stderr: file:line: field
	}{
		{"unknown key", "sites/a.yaml", "name: a\ndomains: [a.example]\nstart_urls: [\"https://a.example/\"]\nselectorz:\n  body: p\n", "a.yaml:4: selectorz: unknown key"},
		{"bad regexp", "sites/b.yaml", "domains: [b.example]\nstart_urls: [\"https://b.example/\"]\narticle_urls:\n  - '^/news/\\d+'\n  - '^/news/(['\n", "b.yaml:5: article_urls[1]: bad regexp"},
		{"bad selector", "sites/c.yaml", "domains: [c.example]\nstart_urls: [\"https://c.example/\"]\nselectors:\n  headline: \"h1..title\"\n", "c.yaml:4: selectors.headline"},
		{"bad yaml", "sites/d.yaml", "domains: [d.example\nstart_urls: x\n", "d.yaml:"},
		{"missing domains", "sites/e.yaml", "start_urls: [\"https://e.example/\"]\n", "e.yaml:1: domains: required"},
		{"start url off domains", "sites/f.yaml", "domains: [f.example]\nstart_urls:\n  - \"https://other.example/\"\n", "f.yaml:3: start_urls[0]: host"},
		{"bad schedule", "sites/g.yaml", "domains: [g.example]\nstart_urls: [\"https://g.example/\"]\nschedule: \"every day\"\n", "g.yaml:3: schedule"},
		{"main config unknown key", "newsarc.yaml", "db: x.db\nconcurrancy: 3\n", "newsarc.yaml:2: concurrancy: unknown key"},
		{"main config bad duration", "newsarc.yaml", "timeout: soon\n", "newsarc.yaml:1: timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, tt.file), tt.content)
			args := []string{"--sites", filepath.Join(dir, "sites"), "sites"}
			if tt.file == "newsarc.yaml" {
				writeFile(t, filepath.Join(dir, "sites/ok.yaml"), "domains: [ok.example]\nstart_urls: [\"https://ok.example/\"]\n")
				args = append([]string{"--config", filepath.Join(dir, tt.file)}, args...)
			}
			r := run(t, dir, args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, tt.want)
			}
			// Every command that loads the config refuses it the same way.
			if r := run(t, dir, append(args[:len(args)-1], "extract", "-")...); r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("extract: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestSitesListsValidSites(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), "domains: [cairo.example]\nstart_urls: [\"https://cairo.example/\"]\nschedule: \"*/30 * * * *\"\nselectors:\n  body: .article-body\n")
	r := mustRun(t, dir, "sites")
	for _, want := range []string{"cairo", "cairo.example", "*/30 * * * *", "site:cairo@", "1 sites in configs/sites, all valid"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sites output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"crawl", "--no-such-flag"},
		{"export", "--since", "yesterday"},
		{"export", "--until", "2026-13-45"},
		{"export", "--format", "xml"},
		{"history"},
		{"crawl", "--max-pages", "many"},
		{"crawl"},
		{"--log-format", "yaml", "sites"},
		{"crawl", "--site", "nope"},
	} {
		if r := run(t, "", args...); r.code != 2 {
			t.Errorf("newsarc %s: exit %d, want 2 (stderr %q)", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

func TestLockedArchive(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "newsarc.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := run(t, dir, "--db", path, "export")
	if r.code != 1 || !strings.Contains(r.stderr, "archive is in use by another newsarc process") {
		t.Errorf("export of a locked archive: exit %d, stderr %q", r.code, r.stderr)
	}
	if r.took > 5*time.Second {
		t.Errorf("export of a locked archive took %s: it should give up after about a second", r.took)
	}
}

func TestUnwritableArchive(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing-dir", "x.db")
	r := run(t, dir, "--db", path, "crawl", "--demo")
	if r.code != 1 || !strings.Contains(r.stderr, path) {
		t.Errorf("crawl into %s: exit %d, stderr %q", path, r.code, r.stderr)
	}
}

// TestExtractFileDates: extract FILE takes now as the fetch time, so a date
// far ahead is passed over; it reports the update time and, for a page
// without lang, the detected language and the rule that decided.
func TestExtractFileDates(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "page.html"), `<html><head>
<meta property="article:published_time" content="2199-01-01T00:00:00Z"></head><body><article>
<h1>Ferry operator adds late-night crossings</h1>
<p class="byline">By Sam Okafor | March 3, 2024 at 10:15 AM</p>
<p class="updated">Updated: March 4, 2024, 9:00 AM</p>
<p>The harbour ferry operator will run three extra crossings after eleven at night on weeknights starting next month, after thousands of commuters signed a petition asking for later service.</p>
</article></body></html>`)
	r := mustRun(t, dir, "extract", "--explain", "page.html")
	var rec map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["published_at"] != "2024-03-03T10:15:00Z" || rec["modified_at"] != "2024-03-04T09:00:00Z" || rec["language"] != "en" {
		t.Errorf("published_at %v, modified_at %v, language %v", rec["published_at"], rec["modified_at"], rec["language"])
	}
	for _, want := range []string{"more than a day after the fetch", "modified_at", "detected (whatlanggo, confidence"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--explain lacks %q:\n%s", want, r.stderr)
		}
	}
}
