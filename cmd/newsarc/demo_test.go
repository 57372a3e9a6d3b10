package main_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsarc/newsarc/internal/demo"
)

// TestDemoCrawl runs the README's first command: crawl the demo site, then
// export it; every demo article is there once, the private page is not.
func TestDemoCrawl(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, dir, "crawl", "--demo")
	s := summary(t, r.stdout)
	want := len(demo.ArticlePaths())
	if s["articles"] != want || s["new"] != want || s["errors"] != 0 {
		t.Errorf("demo crawl summary %v, want %d new articles and no errors\n%s\n%s", s, want, r.stdout, r.stderr)
	}
	recs := exportJSONL(t, dir)
	if len(recs) != want {
		t.Fatalf("export: %d records, want %d", len(recs), want)
	}
	got := map[string]bool{}
	for _, rec := range recs {
		u := rec["url"].(string)
		if !strings.HasPrefix(u, "https://demo.newsarc.test/") {
			t.Errorf("record url %q is not the canonical one", u)
		}
		got[strings.TrimPrefix(u, "https://demo.newsarc.test")] = true
		if rec["extractor"] == nil || !strings.HasPrefix(rec["extractor"].(string), "site:demo@") {
			t.Errorf("%s: extractor %v", u, rec["extractor"])
		}
		if rec["headline"] == "" || len(rec["sections"].([]any)) == 0 {
			t.Errorf("%s: empty record", u)
		}
		if strings.Contains(rec["text"].(string), "تم نسخ الرابط") {
			t.Errorf("%s: share toast in text", u)
		}
	}
	for _, p := range demo.ArticlePaths() {
		if !got[p] {
			t.Errorf("article %s missing from the export", p)
		}
	}

	// A second crawl of the unchanged site stores nothing new.
	r = mustRun(t, dir, "crawl", "--demo")
	if s := summary(t, r.stdout); s["new"] != 0 || s["unchanged"] != want {
		t.Errorf("second demo crawl: %v, want 0 new, %d unchanged", s, want)
	}

	// The two crawls as WARC, read by warcio: per article one version
	// (request, response, metadata) and one re-fetch of identical bytes
	// (request, revisit).
	// The demo serves on a new port each run, so the second crawl had no
	// validators for its URLs: a full fetch, not a 304.
	mustRun(t, dir, "export", "--format", "warc", "-o", "demo.warc.gz")
	types := map[string]int{}
	for _, r := range warcioIndex(t, filepath.Join(dir, "demo.warc.gz"), "index", "-f", "warc-type", "warc-profile") {
		types[fmt.Sprint(r["warc-type"], " ", r["warc-profile"])]++
	}
	wantTypes := map[string]int{"warcinfo <nil>": 1, "request <nil>": 2 * want, "response <nil>": want, "metadata <nil>": want,
		"revisit http://netpreserve.org/warc/1.1/revisit/identical-payload-digest": want}
	if fmt.Sprint(types) != fmt.Sprint(wantTypes) {
		t.Errorf("warcio index of the demo WARC: %v, want %v", types, wantTypes)
	}
	// Imported into an empty archive with the demo's rules, it gives the
	// same export.
	mustRun(t, dir, "--db", "imported.db", "import", "--demo", "demo.warc.gz")
	before := mustRun(t, dir, "export", "--all-versions").stdout
	if after := mustRun(t, dir, "--db", "imported.db", "export", "--all-versions").stdout; after != before {
		t.Errorf("export of the imported demo WARC differs from the original export")
	}
}
