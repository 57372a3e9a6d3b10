package main_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// newsSite is a small Arabic news site whose pages tests can change
// between crawls.
type newsSite struct {
	edition atomic.Int32 // bumped between crawls
	hits    atomic.Int64
}

const articlePage = `<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>%[2]s | أخبار القاهرة</title>
<link rel="canonical" href="/news/%[1]d?utm_source=feed"></head>
<body>
<nav><a href="/">الرئيسية</a> <a href="/news/1">سياسة</a></nav>
<span class="breaking">عاجل</span>
<h1 class="article-title">%[2]s</h1>
<div class="article-source">القاهرة - وكالات</div>
<time datetime="2026-11-28T09:30:00+02:00">28 نوفمبر 2026</time>
<div class="article-body">
<p>%[3]s</p>
<h2>تفاصيل اللقاء</h2>
<p>وأكد المصدر أن اللقاء تناول تطورات المشهد الميداني والسياسي في القطاع.</p>
<div class="share">مشاركة <span>تم نسخ الرابط</span></div>
</div>
<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>%[4]s</ul></aside>
<footer>جميع الحقوق محفوظة</footer>
</body></html>`

func (s *newsSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	ed := int(s.edition.Load())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/robots.txt":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	case "/":
		fmt.Fprint(w, `<html><body><a href="/news/1">1</a> <a href="/news/2?utm_source=x">2</a> <a href="/news/3#top">3</a> <a href="/private/x">p</a></body></html>`)
	case "/news/1":
		// The article itself is edited in the second edition.
		lead := "التقى وفد من حركة حماس اليوم برئيس المخابرات العامة المصرية."
		if ed > 0 {
			lead += " وأضاف المصدر أن جولة جديدة ستعقد الأسبوع المقبل."
		}
		fmt.Fprintf(w, articlePage, 1, "وفد حماس يبحث مع المخابرات المصرية آفاق التهدئة", lead, "<li>خبر</li>")
	case "/news/2":
		// Only the sidebar changes between editions.
		sidebar := fmt.Sprintf("<li>الأكثر قراءة رقم %d</li>", ed)
		fmt.Fprintf(w, articlePage, 2, "القاهرة تكثف اتصالاتها الدولية", "تكثف القاهرة اتصالاتها مع جميع الأطراف.", sidebar)
	case "/news/3":
		fmt.Fprintf(w, articlePage, 3, "رسالة مصر للعالم", "استمرار الحرب لن يخدم أي طرف.", "")
	default:
		http.NotFound(w, r)
	}
}

const e2eSiteFile = `name: cairo
domains: [127.0.0.1]
start_urls: ["%s/"]
article_urls: ['^/news/\d+']
ignore_urls: ['^/private/']
max_depth: 2
rate: 0
selectors:
  label: ".breaking"
  headline: "h1.article-title"
  source: ".article-source"
  published: "time[datetime]@datetime"
  body: ".article-body"
  section_heading: "h2, h3"
  paragraph: "p"
  remove: [".share", "aside", "script", "style"]
drop_lines: ["تم نسخ الرابط"]
`

// summary reads the crawl summary's counters.
func summary(t *testing.T, out string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(fetched|articles|new|unchanged|errors)\s+(\d+)$`).FindAllStringSubmatch(out, -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	if len(got) != 5 {
		t.Fatalf("summary has %d of 5 counters:\n%s", len(got), out)
	}
	return got
}

func historyOf(t *testing.T, dir, url string) []map[string]any {
	t.Helper()
	return historyOfDB(t, dir, "", url)
}

func TestCrawlTwiceDedup(t *testing.T) {
	site := &newsSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), fmt.Sprintf(e2eSiteFile, srv.URL))

	r := mustRun(t, dir, "crawl", "--site", "cairo")
	want := map[string]int{"fetched": 4, "articles": 3, "new": 3, "unchanged": 0, "errors": 0}
	if got := summary(t, r.stdout); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("first crawl summary = %v, want %v\n%s", got, want, r.stdout)
	}

	site.edition.Store(1)
	r = mustRun(t, dir, "crawl", "--site", "cairo")
	want = map[string]int{"fetched": 4, "articles": 3, "new": 1, "unchanged": 2, "errors": 0}
	if got := summary(t, r.stdout); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("second crawl summary = %v, want %v\n%s", got, want, r.stdout)
	}

	// The canonical link (tracking query dropped) is the identity.
	edited := historyOf(t, dir, srv.URL+"/news/1")
	if len(edited) != 2 {
		t.Fatalf("edited article: %d versions, want 2: %v", len(edited), edited)
	}
	if edited[0]["content_hash"] == edited[1]["content_hash"] || edited[1]["version"] != float64(2) {
		t.Errorf("edited article versions: %v", edited)
	}
	sidebar := historyOf(t, dir, srv.URL+"/news/2")
	if len(sidebar) != 1 || sidebar[0]["seen"] != float64(2) || sidebar[0]["origin"] != "crawl" {
		t.Errorf("sidebar-only change: history %v, want 1 version seen twice", sidebar)
	}
	if sidebar[0]["last_seen"] == "" || sidebar[0]["first_seen"] == "" {
		t.Errorf("history lacks first/last seen: %v", sidebar[0])
	}
	table := mustRun(t, dir, "history", srv.URL+"/news/1#comments").stdout
	if !strings.Contains(table, "VERSION") || strings.Count(table, "\n") != 3 {
		t.Errorf("history table:\n%s", table)
	}

	// Latest versions only, then every version.
	latest := exportJSONL(t, dir)
	if len(latest) != 3 {
		t.Fatalf("export: %d records, want 3", len(latest))
	}
	for _, rec := range latest {
		if rec["label"] != "عاجل" || rec["site"] != "cairo" || rec["language"] != "ar" || rec["direction"] != "rtl" {
			t.Errorf("record fields: %v", rec)
		}
		if strings.Contains(fmt.Sprint(rec["text"]), "تم نسخ الرابط") || strings.Contains(fmt.Sprint(rec["text"]), "الأكثر قراءة") {
			t.Errorf("boilerplate in text: %q", rec["text"])
		}
		if !strings.HasPrefix(fmt.Sprint(rec["payload_digest"]), "sha1:") || rec["status"] != float64(200) {
			t.Errorf("fetch fields: %v", rec)
		}
	}
	if all := exportJSONL(t, dir, "--all-versions"); len(all) != 4 {
		t.Errorf("export --all-versions: %d records, want 4", len(all))
	}
	if none := exportJSONL(t, dir, "--since", "2999-01-01"); len(none) != 0 {
		t.Errorf("export --since 2999: %d records", len(none))
	}
	if other := exportJSONL(t, dir, "--site", "other"); len(other) != 0 {
		t.Errorf("export --site other: %d records", len(other))
	}
	if hits := site.hits.Load(); hits != 10 {
		t.Errorf("server saw %d requests over two crawls, want 10 (robots + 4 pages, twice)", hits)
	}

	checkCSV(t, dir, latest)
}

func exportJSONL(t *testing.T, dir string, args ...string) []map[string]any {
	t.Helper()
	r := mustRun(t, dir, append([]string{"export"}, args...)...)
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

// checkCSV exports CSV to a file and reads it back with Go's encoding/csv
// and with Python's csv module, an independent reader.
func checkCSV(t *testing.T, dir string, want []map[string]any) {
	t.Helper()
	out := filepath.Join(dir, "out.csv")
	mustRun(t, dir, "export", "--format", "csv", "-o", out)
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("export -o: %v, mode %v, want 0644", err, fi.Mode())
	}
	raw, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(raw), strings.Join([]string{"url", "site", "fetched_at"}, ",")) {
		t.Errorf("csv does not start with the header: %q", raw[:min(len(raw), 80)])
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v", err)
	}
	if len(rows) != len(want)+1 || rows[0][0] != "url" || len(rows[0]) != 21 || rows[0][19] != "authors" || rows[0][20] != "modified_at" {
		t.Fatalf("csv: %d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, row := range rows[1:] {
		if row[col["headline"]] != want[i]["headline"] {
			t.Errorf("csv row %d headline %q, want %q", i, row[col["headline"]], want[i]["headline"])
		}
		var sections []map[string]any
		if err := json.Unmarshal([]byte(row[col["sections"]]), &sections); err != nil || len(sections) == 0 {
			t.Errorf("csv row %d sections %q: %v", i, row[col["sections"]], err)
		}
	}

	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to check CSV with an independent reader (.ci/run installs it)")
	}
	script := `
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f, strict=True))
print(json.dumps([{"url": r["url"], "headline": r["headline"], "version": int(r["version"]),
                   "sections": len(json.loads(r["sections"])), "text": r["text"]} for r in rows], ensure_ascii=False))
`
	pyOut, err := exec.Command(python, "-c", script, out).Output()
	if err != nil {
		t.Fatalf("python csv: %v", err)
	}
	var got []map[string]any
	if err := json.Unmarshal(pyOut, &got); err != nil {
		t.Fatalf("python output %s: %v", pyOut, err)
	}
	if len(got) != len(want) {
		t.Fatalf("python csv read %d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i]["url"] != want[i]["url"] || got[i]["headline"] != want[i]["headline"] || got[i]["text"] != want[i]["text"] || got[i]["version"] != want[i]["version"] {
			t.Errorf("python row %d = %v, want url %v headline %v version %v", i, got[i], want[i]["url"], want[i]["headline"], want[i]["version"])
		}
	}
}

// TestSIGTERMKeepsWhatWasFetched stops a slow crawl with SIGTERM: newsarc
// exits 130 and every article it counted is in the archive, readable.
func TestSIGTERMKeepsWhatWasFetched(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var links strings.Builder
		for i := 1; i <= 200; i++ {
			fmt.Fprintf(&links, `<a href="/news/%d">%d</a> `, i, i)
		}
		fmt.Fprint(w, "<html><body>"+links.String()+"</body></html>")
	})
	mux.HandleFunc("/news/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, articlePage, id, fmt.Sprintf("خبر رقم %d", id), "نص الخبر.", "")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), strings.Replace(fmt.Sprintf(e2eSiteFile, srv.URL), "rate: 0", "rate: 20", 1))

	cmd := exec.Command(binary, "crawl", "--site", "cairo")
	cmd.Dir = dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("crawl stopped by SIGTERM: %v, want exit 130\n%s\n%s", err, out.String(), errb.String())
	}
	s := summary(t, out.String())
	if s["new"] == 0 || s["new"] >= 200 {
		t.Fatalf("summary %v: want some but not all 200 articles", s)
	}
	if recs := exportJSONL(t, dir); len(recs) != s["new"] {
		t.Errorf("export after SIGTERM: %d records, summary said %d new", len(recs), s["new"])
	}
}

// TestSiteWithoutSelectorsAndAdHoc: a configured site with no selectors goes
// through the generic extractor but its records carry its name (so export
// --site finds them); a URL of no configured site is crawled ad hoc, the
// given article URL included, and an image behind a link is skipped, not
// an error.
func TestSiteWithoutSelectorsAndAdHoc(t *testing.T) {
	site := &newsSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/plain.yaml"), fmt.Sprintf("domains: [127.0.0.1]\nstart_urls: [\"%s/\"]\narticle_urls: ['^/news/']\nrate: 0\n", srv.URL))
	r := mustRun(t, dir, "crawl", "--site", "plain")
	if s := summary(t, r.stdout); s["new"] != 3 || s["errors"] != 0 {
		t.Errorf("summary %v\n%s", s, r.stdout)
	}
	recs := exportJSONL(t, dir, "--site", "plain")
	if len(recs) != 3 {
		t.Fatalf("export --site plain: %d records, want 3", len(recs))
	}
	for _, rec := range recs {
		if rec["site"] != "plain" || rec["extractor"] != "generic@2" || rec["source"] != "القاهرة - وكالات" || rec["label"] != "عاجل" {
			t.Errorf("record site %v extractor %v source %v label %v", rec["site"], rec["extractor"], rec["source"], rec["label"])
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, articlePage, 7, "خبر على موقع غير مهيأ", `نص الخبر. <a href="/pic.jpg">صورة</a>`, "")
	})
	mux.HandleFunc("/pic.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("\xff\xd8\xff\xe0 not really a jpeg"))
	})
	other := httptest.NewServer(mux)
	defer other.Close()
	adhoc := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/story"
	r = mustRun(t, t.TempDir(), "--db", filepath.Join(dir, "adhoc.db"), "crawl", "--rate", "0", adhoc)
	// The page's nav links to / and /news/1, which this server does not
	// have: two 404s, counted as errors; the image is skipped.
	if s := summary(t, r.stdout); s["new"] != 1 || s["errors"] != 2 || s["fetched"] != 4 || !strings.Contains(r.stdout, "skipped      1") {
		t.Errorf("ad hoc crawl of an article URL: %v\n%s\n%s", s, r.stdout, r.stderr)
	}
	got := exportJSONL(t, dir, "--db", filepath.Join(dir, "adhoc.db"))
	if len(got) != 1 || got[0]["site"] != "" || got[0]["headline"] != "خبر على موقع غير مهيأ" {
		t.Errorf("ad hoc export: %v", got)
	}
}

// TestSelectorWarning: a selector that takes nothing on most article pages
// (the site changed its markup) is reported at the end of the crawl.
func TestSelectorWarning(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		for i := 1; i <= 12; i++ {
			fmt.Fprintf(w, `<a href="/news/%d">%d</a> `, i, i)
		}
	})
	mux.HandleFunc("/news/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, articlePage, n, fmt.Sprintf("خبر رقم %d", n), "نص الخبر الأول في الصفحة.", "")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	site := strings.Replace(fmt.Sprintf(e2eSiteFile, srv.URL), `source: ".article-source"`, `source: ".byline"`, 1)
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), site)
	r := mustRun(t, dir, "crawl", "--site", "cairo")
	if !strings.Contains(r.stdout, "selector source of cairo took something on 0 of 12 article pages") {
		t.Errorf("no selector warning:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "selector headline") || strings.Contains(r.stdout, "selector label") {
		t.Errorf("warning for a healthy selector:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "has the site changed its markup") {
		t.Errorf("no log warning:\n%s", r.stderr)
	}
}
