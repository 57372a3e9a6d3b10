package main_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// validating serves a site with ETag and Last-Modified on every page and
// answers 304 to a request whose If-None-Match names the current ETag, as
// a news site behind a CDN does. It records what each request carried.
type validating struct {
	next http.Handler

	mu       sync.Mutex
	requests []seenRequest
}

type seenRequest struct {
	path        string
	conditional bool // If-None-Match or If-Modified-Since was sent
	status      int
}

// lastModified is the same for every page: the ETag decides.
var lastModified = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC).Format(http.TimeFormat)

func (v *validating) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	v.next.ServeHTTP(rec, r)
	sum := sha1.Sum(rec.Body.Bytes())
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	status := rec.Code
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	if status == http.StatusOK && r.URL.Path != "/robots.txt" {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastModified)
		if r.Header.Get("If-None-Match") == etag {
			status = http.StatusNotModified
		}
	}
	v.mu.Lock()
	v.requests = append(v.requests, seenRequest{path: r.URL.Path,
		conditional: r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "", status: status})
	v.mu.Unlock()
	if status == http.StatusNotModified {
		w.Header().Del("Content-Type")
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(status)
	w.Write(rec.Body.Bytes())
}

// take returns the requests since the last call, robots.txt left out.
func (v *validating) take() []seenRequest {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []seenRequest
	for _, r := range v.requests {
		if r.path != "/robots.txt" {
			out = append(out, r)
		}
	}
	v.requests = nil
	return out
}

// notModified reads the crawl summary's count of 304s.
func notModified(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+not modified\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("summary has no 304 count:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// archiveSite crawls newsSite behind validating three times: a first
// crawl, a recrawl of the unchanged site, and a recrawl after one article
// was edited and another's sidebar changed. It returns the test dir and
// the site's URL.
func archiveSite(t *testing.T) (string, string) {
	t.Helper()
	site := &newsSite{}
	v := &validating{next: site}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), fmt.Sprintf(e2eSiteFile, srv.URL))

	r := mustRun(t, dir, "crawl", "--site", "cairo")
	if s := summary(t, r.stdout); s["new"] != 3 || s["articles"] != 3 {
		t.Fatalf("first crawl: %v\n%s", s, r.stdout)
	}
	for _, req := range v.take() {
		if req.conditional {
			t.Errorf("first crawl sent a conditional request for %s", req.path)
		}
	}

	// The unchanged site: every article page is a 304, the start page is
	// fetched whole, nothing new is stored.
	r = mustRun(t, dir, "crawl", "--site", "cairo")
	if s := summary(t, r.stdout); s["new"] != 0 || s["unchanged"] != 3 || s["errors"] != 0 {
		t.Errorf("recrawl of the unchanged site: %v\n%s", s, r.stdout)
	}
	if n := notModified(t, r.stdout); n != 3 {
		t.Errorf("recrawl: %d 304s in the summary, want 3", n)
	}
	articles := 0
	for _, req := range v.take() {
		switch {
		case strings.HasPrefix(req.path, "/news/"):
			articles++
			if !req.conditional || req.status != http.StatusNotModified {
				t.Errorf("recrawl: %s conditional=%v status %d, want a conditional request answered 304", req.path, req.conditional, req.status)
			}
		case req.conditional:
			t.Errorf("recrawl: start page %s was fetched conditionally", req.path)
		}
	}
	if articles != 3 {
		t.Errorf("recrawl requested %d article pages, want 3", articles)
	}

	// /news/1 edited, /news/2's sidebar changed, /news/3 the same.
	site.edition.Add(1)
	r = mustRun(t, dir, "crawl", "--site", "cairo")
	if s := summary(t, r.stdout); s["new"] != 1 || s["unchanged"] != 2 {
		t.Errorf("crawl after the edit: %v\n%s", s, r.stdout)
	}
	if n := notModified(t, r.stdout); n != 1 {
		t.Errorf("crawl after the edit: %d 304s, want 1 (/news/3)", n)
	}
	v.take()
	return dir, srv.URL
}

// warcioIndex runs npm warcio's indexer over a WARC.
func warcioIndex(t *testing.T, path string, args ...string) []map[string]any {
	t.Helper()
	if _, err := exec.LookPath("warcio"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("warcio is not installed (.ci/run installs it with npm)")
		}
		t.Skip("warcio (npm) not installed")
	}
	// warcio's -f takes every argument after it: the file goes first.
	out, err := exec.Command("warcio", append([]string{args[0], path}, args[1:]...)...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("warcio %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var recs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var prefix []string
		if i := strings.IndexByte(line, '{'); i > 0 { // CDXJ: "urlkey timestamp {json}"
			line, prefix = line[i:], strings.Fields(line[:i])
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("warcio output %q: %v", sc.Text(), err)
		}
		if len(prefix) == 2 {
			m["urlkey"], m["timestamp"] = prefix[0], prefix[1]
		}
		recs = append(recs, m)
	}
	return recs
}

func TestWARCExportImportRoundTrip(t *testing.T) {
	dir, _ := archiveSite(t)

	// What the archive holds, from history: versions and fetches.
	export := mustRun(t, dir, "export", "--all-versions").stdout
	var versions, fetches int
	var canonical []string
	for _, line := range strings.Split(strings.TrimSpace(export), "\n") {
		var rec struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(canonical, rec.URL) {
			canonical = append(canonical, rec.URL)
		}
	}
	histories := map[string][]map[string]any{}
	for _, u := range canonical {
		h := historyOf(t, dir, u)
		histories[u] = h
		versions += len(h)
		for _, v := range h {
			fetches += int(v["seen"].(float64))
		}
	}
	// 3 pages, crawled 3 times; /news/1 changed once.
	if versions != 4 || fetches != 9 {
		t.Fatalf("archive holds %d versions and %d fetches, want 4 and 9", versions, fetches)
	}

	mustRun(t, dir, "export", "--format", "warc", "-o", "out.warc.gz")
	warcPath := filepath.Join(dir, "out.warc.gz")
	recs := warcioIndex(t, warcPath, "index", "-f", "warc-type", "warc-target-uri", "warc-profile", "warc-refers-to-target-uri",
		"warc-concurrent-to", "warc-record-id", "warc-payload-digest", "warc-block-digest", "warc-date", "offset", "length")
	digests := map[string]bool{} // the payload digests of the records
	for _, rec := range exportJSONL(t, dir, "--all-versions") {
		digests[rec["payload_digest"].(string)] = true
	}
	types := map[string]int{}
	profiles := map[string]int{}
	ids := map[string]string{}
	for _, r := range recs {
		typ, _ := r["warc-type"].(string)
		types[typ]++
		if p, ok := r["warc-profile"].(string); ok {
			profiles[p[strings.LastIndexByte(p, '/')+1:]]++
		}
		if id, ok := r["warc-record-id"].(string); ok {
			ids[id] = typ
		}
		if b, _ := r["warc-block-digest"].(string); typ != "warcinfo" && !strings.HasPrefix(b, "sha1:") {
			t.Errorf("%s record of %v: WARC-Block-Digest %q", typ, r["warc-target-uri"], b)
		}
		if d, _ := r["warc-date"].(string); typ != "warcinfo" {
			if _, err := time.Parse(time.RFC3339Nano, d); err != nil {
				t.Errorf("%s record: WARC-Date %q: %v", typ, d, err)
			}
		}
		// Versions' responses and revisits carry the record's payload
		// digest; a re-fetch with other bytes has its own.
		if p, _ := r["warc-payload-digest"].(string); (typ == "revisit" || typ == "response") && !strings.HasPrefix(p, "sha1:") {
			t.Errorf("%s record: WARC-Payload-Digest %q", typ, p)
		} else if typ == "revisit" && !digests[p] {
			t.Errorf("revisit's payload digest %s is no version's", p)
		}
	}
	// The warcinfo record names newsarc and the crawl settings.
	info := firstGzipMember(t, warcPath)
	for _, want := range []string{"WARC/1.1\r\nWARC-Type: warcinfo", "software: newsarc/", "http-header-user-agent: newsarc/", "newsarc-site: cairo file=cairo.yaml"} {
		if !strings.Contains(info, want) {
			t.Errorf("warcinfo record lacks %q:\n%s", want, info)
		}
	}
	// A version: request + response + metadata. /news/2's sidebar change is
	// a re-fetch with other bytes: request + response. The four 304s (three
	// in the second crawl, /news/3 in the third) are server-not-modified
	// revisits, each with its conditional request.
	want := map[string]int{"warcinfo": 1, "request": 9, "response": 5, "metadata": versions, "revisit": 4}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("warcio index: record types %v, want %v", types, want)
	}
	if types["response"]+types["revisit"] != fetches {
		t.Errorf("WARC has %d responses and revisits, archive counts %d fetches", types["response"]+types["revisit"], fetches)
	}
	if profiles["server-not-modified"] != 4 {
		t.Errorf("revisit profiles %v, want 4 server-not-modified", profiles)
	}
	for _, r := range recs {
		if r["warc-type"] == "request" {
			if to, _ := r["warc-concurrent-to"].(string); ids[to] != "response" && ids[to] != "revisit" {
				t.Errorf("request %v: WARC-Concurrent-To %q is not a response or revisit of this file", r["warc-record-id"], to)
			}
		}
	}

	// Import into an empty archive gives the same export and history.
	r := mustRun(t, dir, "--db", "imported.db", "import", "out.warc.gz")
	if !strings.Contains(r.stdout, "errors       0") {
		t.Errorf("import:\n%s\n%s", r.stdout, r.stderr)
	}
	again := mustRun(t, dir, "--db", "imported.db", "export", "--all-versions").stdout
	if again != export {
		t.Errorf("export after import differs:\n--- before\n%s\n--- after\n%s", export, again)
	}
	for _, u := range canonical {
		h := historyOf(t, filepath.Join(dir), u)
		hi := historyOfDB(t, dir, "imported.db", u)
		if len(h) != len(hi) {
			t.Fatalf("%s: %d versions, %d after import", u, len(h), len(hi))
		}
		for i := range h {
			for _, k := range []string{"version", "fetched_at", "first_seen", "last_seen", "seen", "content_hash"} {
				if fmt.Sprint(h[i][k]) != fmt.Sprint(hi[i][k]) {
					t.Errorf("%s v%d: %s %v, after import %v", u, i+1, k, h[i][k], hi[i][k])
				}
			}
			if hi[i]["origin"] != "import" {
				t.Errorf("%s v%d: origin %v after import", u, i+1, hi[i]["origin"])
			}
		}
	}

	// The CDXJ index points where warcio's own indexer does.
	mustRun(t, dir, "export", "--format", "cdxj", "-o", "idx.cdxj")
	ours := readCDXJ(t, filepath.Join(dir, "idx.cdxj"))
	// warcio also indexes metadata records (no HTTP status); pywb's
	// indexer does not, and neither do we.
	var theirs []map[string]any
	for _, m := range warcioIndex(t, filepath.Join(dir, "idx.warc.gz"), "cdx-index") {
		if _, ok := m["status"]; ok {
			theirs = append(theirs, m)
		}
	}
	if len(ours) != len(theirs) || len(ours) != 9 {
		t.Fatalf("CDXJ: %d lines, warcio cdx-index %d, want 9 (responses and revisits)", len(ours), len(theirs))
	}
	key := func(m map[string]any) string {
		return fmt.Sprint(m["urlkey"], " ", m["timestamp"], " ", m["offset"], " ", m["length"], " ", m["status"], " ", m["digest"], " ", m["mime"])
	}
	var a, b []string
	for i := range ours {
		a, b = append(a, key(ours[i])), append(b, key(theirs[i]))
	}
	sort.Strings(a)
	sort.Strings(b)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("CDXJ differs from warcio cdx-index:\n--- ours\n%s\n--- warcio\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

// historyOfDB reads `history --format json` of url from archive db ("":
// the default one).
func historyOfDB(t *testing.T, dir, db, url string) []map[string]any {
	t.Helper()
	args := []string{"history", "--format", "json", url}
	if db != "" {
		args = append([]string{"--db", db}, args...)
	}
	r := mustRun(t, dir, args...)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("history line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// readCDXJ parses "urlkey timestamp {json}" lines, with urlkey and
// timestamp put into the map.
func readCDXJ(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	var prev string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		key, rest, _ := strings.Cut(line, " ")
		ts, js, _ := strings.Cut(rest, " ")
		var m map[string]any
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatalf("cdxj line %q: %v", line, err)
		}
		m["urlkey"], m["timestamp"] = key, ts
		if sortKey := key + " " + ts; sortKey < prev {
			t.Errorf("cdxj not sorted: %q after %q", sortKey, prev)
		} else {
			prev = sortKey
		}
		out = append(out, m)
	}
	return out
}

func TestImportWgetWARC(t *testing.T) {
	if _, err := exec.LookPath("wget"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wget is not installed (.ci/run installs it)")
		}
		t.Skip("wget not installed")
	}
	site := &newsSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), fmt.Sprintf(e2eSiteFile, srv.URL))
	wget := exec.Command("wget", "--warc-file="+filepath.Join(dir, "site"), "--no-warc-keep-log", "-r", "-l", "1",
		"-e", "robots=off", "--no-verbose", "--tries=1", "--timeout=10", "-P", filepath.Join(dir, "mirror"), srv.URL+"/")
	if out, err := wget.CombinedOutput(); err != nil {
		// wget exits 8 when a page is a 404 (/private/x): the WARC is complete.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 8 {
			t.Fatalf("wget: %v\n%s", err, out)
		}
	}
	r := mustRun(t, dir, "import", "site.warc.gz")
	if !strings.Contains(r.stdout, "new          3") {
		t.Fatalf("import of wget's WARC:\n%s\n%s", r.stdout, r.stderr)
	}
	got := exportJSONL(t, dir)
	if len(got) != 3 {
		t.Fatalf("export after import: %d records, want 3", len(got))
	}
	for _, rec := range got {
		// The same record as extracting the page directly, apart from the
		// fetch fields.
		page := strings.TrimPrefix(rec["url"].(string), srv.URL)
		direct := map[string]any{}
		out := mustRun(t, dir, "extract", "--site", "cairo", srv.URL+page).stdout
		if err := json.Unmarshal([]byte(out), &direct); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"site", "content_hash", "headline", "label", "source", "published_at", "extractor", "language", "direction", "text"} {
			if fmt.Sprint(rec[k]) != fmt.Sprint(direct[k]) {
				t.Errorf("%s: %s = %v, extract gives %v", page, k, rec[k], direct[k])
			}
		}
		// The payload digest is of the body wget received.
		resp, err := http.Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		sum := sha1.Sum(body.Bytes())
		if d := "sha1:" + base32.StdEncoding.EncodeToString(sum[:]); rec["payload_digest"] != d {
			t.Errorf("%s: payload_digest %v, want %s", page, rec["payload_digest"], d)
		}
		fetched, err := time.Parse(time.RFC3339, rec["fetched_at"].(string))
		if err != nil || time.Since(fetched) > 10*time.Minute || time.Since(fetched) < -time.Minute {
			t.Errorf("%s: fetched_at %v is not wget's fetch time", page, rec["fetched_at"])
		}
	}
	// Importing the same WARC again counts nothing twice.
	before := historyOf(t, dir, got[0]["url"].(string))
	r = mustRun(t, dir, "import", "site.warc.gz")
	if !strings.Contains(r.stdout, "new          0") || !strings.Contains(r.stdout, "unchanged    0") ||
		!strings.Contains(r.stdout, "already kept 3") {
		t.Errorf("second import:\n%s", r.stdout)
	}
	if after := historyOf(t, dir, got[0]["url"].(string)); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second import changed the history: %v, was %v", after, before)
	}
}

func TestReextractAndDiff(t *testing.T) {
	site := &newsSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	siteFile := filepath.Join(dir, "configs/sites/cairo.yaml")
	writeFile(t, siteFile, fmt.Sprintf(e2eSiteFile, srv.URL))
	mustRun(t, dir, "crawl", "--site", "cairo")
	// An edit of /news/1 between crawls: diff shows the words added.
	site.edition.Add(1)
	mustRun(t, dir, "crawl", "--site", "cairo")
	u1, u3 := srv.URL+"/news/1", srv.URL+"/news/3"
	d := diffJSON(t, dir, u1)
	if len(d.Changes) != 1 || d.Changes[0].Kind != "paragraph edited" || d.Changes[0].Section != 1 || d.Changes[0].Paragraph != 1 ||
		strings.Join(d.Changes[0].Added, " ") != "وأضاف المصدر أن جولة جديدة ستعقد الأسبوع المقبل." || len(d.Changes[0].Removed) != 0 {
		t.Errorf("diff of the edited article: %+v", d)
	}
	text := mustRun(t, dir, "diff", u1).stdout
	if !strings.Contains(text, "section 1, paragraph 1 edited") || !strings.Contains(text, "{+") {
		t.Errorf("diff text:\n%s", text)
	}

	// The operator drops a line that only /news/3 has: reextract makes one
	// new version, of /news/3, and nothing else.
	writeFile(t, siteFile, strings.Replace(fmt.Sprintf(e2eSiteFile, srv.URL),
		`drop_lines: ["تم نسخ الرابط"]`, `drop_lines: ["تم نسخ الرابط", "استمرار الحرب لن يخدم أي طرف."]`, 1))
	before := mustRun(t, dir, "export", "--all-versions").stdout
	r := mustRun(t, dir, "reextract", "--dry-run")
	if !strings.Contains(r.stdout, "changed      1") {
		t.Errorf("reextract --dry-run:\n%s", r.stdout)
	}
	if after := mustRun(t, dir, "export", "--all-versions").stdout; after != before {
		t.Error("reextract --dry-run changed the archive")
	}
	r = mustRun(t, dir, "reextract")
	for _, want := range []string{"records      3", "changed      1", "unchanged    2", "errors       0", "sections       1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("reextract output lacks %q:\n%s", want, r.stdout)
		}
	}
	h := historyOf(t, dir, u3)
	if len(h) != 2 || h[1]["origin"] != "reextract" || h[0]["origin"] != "crawl" {
		t.Fatalf("history of %s after reextract: %v", u3, h)
	}
	if h1 := historyOf(t, dir, u1); len(h1) != 2 {
		t.Errorf("reextract added a version to %s: %v", u1, h1)
	}
	// The dropped line was the only paragraph of the untitled first
	// section: the section goes, with its paragraph.
	d = diffJSON(t, dir, u3)
	if len(d.Changes) != 2 || d.Changes[0].Kind != "section removed" || d.Changes[0].Section != 1 ||
		d.Changes[1].Kind != "paragraph removed" || d.Changes[1].Old != "استمرار الحرب لن يخدم أي طرف." {
		t.Errorf("diff after reextract: %+v", d)
	}
	// The new version's record names the site file that produced it; the
	// old one is as it was.
	recs := exportJSONL(t, dir, "--all-versions")
	var extractors []string
	for _, rec := range recs {
		if rec["url"] == u3 {
			extractors = append(extractors, rec["extractor"].(string))
		}
	}
	if len(extractors) != 2 || extractors[0] == extractors[1] {
		t.Errorf("extractors of %s's versions: %v, want two different site hashes", u3, extractors)
	}
	// A second run finds nothing to do.
	r = mustRun(t, dir, "reextract")
	if !strings.Contains(r.stdout, "changed      0") {
		t.Errorf("second reextract:\n%s", r.stdout)
	}
}

type diffResult struct {
	URL     string `json:"url"`
	From    int    `json:"from"`
	To      int    `json:"to"`
	Changes []struct {
		Kind      string   `json:"kind"`
		Section   int      `json:"section"`
		Paragraph int      `json:"paragraph"`
		Old       string   `json:"old"`
		New       string   `json:"new"`
		Added     []string `json:"added"`
		Removed   []string `json:"removed"`
	} `json:"changes"`
}

func diffJSON(t *testing.T, dir, url string) diffResult {
	t.Helper()
	var d diffResult
	out := mustRun(t, dir, "diff", "--format", "json", url).stdout
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff json %q: %v", out, err)
	}
	return d
}

// firstGzipMember is the first record of a .warc.gz, decompressed.
func firstGzipMember(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// encodings serves newsSite with /news/2 gzip-encoded and /news/3 chunked,
// as real servers do, so that wget's WARC holds both on the wire.
type encodings struct{ next http.Handler }

func (e encodings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	e.next.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	body := rec.Body.Bytes()
	switch r.URL.Path {
	case "/news/2":
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		w.WriteHeader(rec.Code)
		w.Write(b.Bytes())
	case "/news/3":
		w.WriteHeader(rec.Code)
		half := len(body) / 2
		w.Write(body[:half])
		w.(http.Flusher).Flush() // no Content-Length: chunked
		w.Write(body[half:])
	default:
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
}

// TestImportWgetDedupAndEncodings: wget's WARCs with a gzip-encoded and a
// chunked response import, re-extract and export cleanly, and the revisit
// records of wget's deduplicating second crawl (which name their original
// only by WARC-Refers-To) count as the articles seen again, whether the
// two files are imported together or one after the other.
func TestImportWgetDedupAndEncodings(t *testing.T) {
	if _, err := exec.LookPath("wget"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wget is not installed (.ci/run installs it)")
		}
		t.Skip("wget not installed")
	}
	srv := httptest.NewServer(encodings{&newsSite{}})
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "configs/sites/cairo.yaml"), fmt.Sprintf(e2eSiteFile, srv.URL))
	wget := func(name string, extra ...string) {
		args := append([]string{"--warc-file=" + filepath.Join(dir, name), "--warc-cdx", "--no-warc-keep-log", "-r", "-l", "1",
			"-e", "robots=off", "--no-verbose", "--tries=1", "--timeout=10", "-P", filepath.Join(dir, name+"-mirror")}, extra...)
		out, err := exec.Command("wget", append(args, srv.URL+"/")...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 8) {
			t.Fatalf("wget: %v\n%s", err, out)
		}
	}
	wget("one")
	// wget dates records to the (rounded) second, and an import takes two
	// fetches of a URL at the same time for the same fetch: the second
	// crawl starts 1.5 s after the first ended, so that its dates differ.
	time.Sleep(1500 * time.Millisecond)
	wget("two", "--warc-dedup="+filepath.Join(dir, "one.cdx"))

	// Together: the second file's revisits find their responses in the first.
	r := mustRun(t, dir, "--db", "together.db", "import", "one.warc.gz", "two.warc.gz")
	for _, want := range []string{"new          3", "revisits     3", "errors       0"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import of both files lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	// One after the other: the revisits are placed through the archive.
	mustRun(t, dir, "--db", "apart.db", "import", "one.warc.gz")
	r = mustRun(t, dir, "--db", "apart.db", "import", "two.warc.gz")
	if !strings.Contains(r.stdout, "revisits     3") {
		t.Errorf("import of the second file alone:\n%s\n%s", r.stdout, r.stderr)
	}
	for _, db := range []string{"together.db", "apart.db"} {
		for _, p := range []string{"/news/1", "/news/2", "/news/3"} {
			if h := historyOfDB(t, dir, db, srv.URL+p); len(h) != 1 || h[0]["seen"].(float64) != 2 {
				t.Errorf("%s %s: history %v, want one version seen twice", db, p, h)
			}
		}
	}
	// The gzip and chunked captures are stored as wget kept them and read
	// back: re-extraction finds them unchanged, and the export is a WARC
	// warcio reads, holding both responses.
	r = mustRun(t, dir, "--db", "together.db", "reextract")
	if !strings.Contains(r.stdout, "unchanged    3") || !strings.Contains(r.stdout, "errors       0") {
		t.Errorf("reextract of imported gzip and chunked captures:\n%s\n%s", r.stdout, r.stderr)
	}
	mustRun(t, dir, "--db", "together.db", "export", "--format", "warc", "-o", "again.warc.gz")
	types := map[string]int{}
	for _, rec := range warcioIndex(t, filepath.Join(dir, "again.warc.gz"), "index", "-f", "warc-type") {
		types[rec["warc-type"].(string)]++
	}
	if types["response"] != 3 || types["revisit"] != 3 {
		t.Errorf("export of the import: %v, want 3 responses and 3 revisits", types)
	}
}

// warcRecord is one hand-written WARC/1.0 record.
func warcRecord(typ, id, target, date string, extra []string, block string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n", typ, id)
	if target != "" {
		fmt.Fprintf(&b, "WARC-Target-URI: %s\r\n", target)
	}
	if date != "" {
		fmt.Fprintf(&b, "WARC-Date: %s\r\n", date)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	ct := "application/http; msgtype=response"
	if typ == "request" {
		ct = "application/http; msgtype=request"
	}
	fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", ct, len(block), block)
	return b.String()
}

// TestImportHeritrixOrderAndBadRecords: a request written after its
// response (Heritrix's order) is kept with it; a response without a date,
// one that fails its payload digest and a revisit of a response that is
// nowhere are counted and left out; the good records are imported.
func TestImportHeritrixOrderAndBadRecords(t *testing.T) {
	dir := t.TempDir()
	page := func(n int) string {
		return fmt.Sprintf(articlePage, n, fmt.Sprintf("عنوان الخبر رقم %d", n), "فقرة أولى من الخبر.", "")
	}
	resp := func(body string) string {
		return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	const u1, u2, u3 = "http://news.example/news/1", "http://news.example/news/2", "http://news.example/news/3"
	const id1, id2, id3, id4, id5 = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002",
		"00000000-0000-0000-0000-000000000003", "00000000-0000-0000-0000-000000000004", "00000000-0000-0000-0000-000000000005"
	request := "GET /news/1 HTTP/1.1\r\nHost: news.example\r\nUser-Agent: heritrix\r\n\r\n"
	warcFile := warcRecord("response", id1, u1, "2024-05-01T10:00:00Z", nil, resp(page(1))) +
		warcRecord("request", id2, u1, "2024-05-01T10:00:00Z", []string{"WARC-Concurrent-To: <urn:uuid:" + id1 + ">"}, request) +
		warcRecord("response", id3, u2, "", nil, resp(page(2))) + // no WARC-Date
		warcRecord("response", id4, u3, "2024-05-01T10:00:02Z", []string{"WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"}, resp(page(3))) +
		warcRecord("revisit", id5, "http://news.example/news/9", "2024-05-01T10:00:03Z", []string{
			"WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
			"WARC-Refers-To: <urn:uuid:99999999-0000-0000-0000-000000000000>"}, "HTTP/1.1 200 OK\r\n\r\n")
	writeFile(t, filepath.Join(dir, "h.warc"), warcFile)
	r := run(t, dir, "import", "h.warc")
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"new          1", "errors       2", "orphans      1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import summary lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	for _, want := range []string{"without a usable WARC-Date", "does not match its digest", "neither in this import nor in the archive"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("log lacks %q:\n%s", want, r.stderr)
		}
	}
	// The request that followed its response was kept with it.
	mustRun(t, dir, "export", "--format", "warc", "-o", "out.warc.gz")
	types := map[string]int{}
	for _, rec := range warcioIndex(t, filepath.Join(dir, "out.warc.gz"), "index", "-f", "warc-type") {
		types[rec["warc-type"].(string)]++
	}
	if types["request"] != 1 || types["response"] != 1 {
		t.Errorf("export after import: %v, want the response with its request", types)
	}
	got := exportJSONL(t, dir)
	if len(got) != 1 || got[0]["fetched_at"] != "2024-05-01T10:00:00Z" || got[0]["headline"] != "عنوان الخبر رقم 1" {
		t.Errorf("export: %v", got)
	}
}
