package warc_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/warc"
)

// Pages served to wget. wget parses HTML for links (-r -l1), so the index
// links everything else.
const (
	wgetIndex   = `<html><head><title>index</title></head><body><a href="/chunked">c</a> <a href="/gzip">g</a> <a href="/old">o</a> <a href="/ar">a</a></body></html>`
	wgetChunk1  = `<html><body><p>first half `
	wgetChunk2  = `second half</p></body></html>`
	wgetGzipped = `<html><body><p>compressed page, compressed page, compressed page</p></body></html>`
	wgetNew     = `<html><body><p>moved here</p></body></html>`
)

// wgetServer serves: / (index), /chunked (chunked transfer coding: flushed
// mid-body), /gzip (Content-Encoding: gzip), /old (301 to /new), /new, /ar
// (Arabic UTF-8).
func wgetServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, wgetIndex)
	})
	mux.HandleFunc("GET /chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, wgetChunk1)
		w.(http.Flusher).Flush()
		io.WriteString(w, wgetChunk2)
	})
	mux.HandleFunc("GET /gzip", func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, wgetGzipped)
		zw.Close()
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(b.Bytes())
	})
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, wgetNew)
	})
	mux.HandleFunc("GET /ar", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, arabicHTML)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

// runWget crawls srv with wget into dir/x.warc.gz and returns its path.
func runWget(t *testing.T, bin, dir, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--no-config", "--no-proxy", "--warc-file="+filepath.Join(dir, "x"),
		"-r", "-l1", "--no-verbose", "-e", "robots=off", "--timeout=10", "--tries=1",
		"-P", filepath.Join(dir, "mirror"), url)
	cmd.Env = append(os.Environ(), "http_proxy=", "HTTP_PROXY=", "no_proxy=*")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	return filepath.Join(dir, "x.warc.gz")
}

// TestWget crawls a local server with Debian's wget and reads its WARC.
func TestWget(t *testing.T) {
	bin := needTool(t, "wget")
	srv := wgetServer(t)
	path := runWget(t, bin, t.TempDir(), srv.URL+"/")
	if os.Getenv("NEWSARC_UPDATE_WGET_WARC") != "" {
		// Regenerate the fixture: NEWSARC_UPDATE_WGET_WARC=1 go test -run TestWget ./internal/warc/
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "wget.warc.gz"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkWgetWARC(t, path, srv.URL)
}

// TestWgetFixture reads the wget WARC kept in testdata (made by TestWget with
// NEWSARC_UPDATE_WGET_WARC=1), so the reader is tested without wget.
func TestWgetFixture(t *testing.T) {
	path := filepath.Join("testdata", "wget.warc.gz")
	r, err := warc.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	// The server's address is in the records: find it from the first response.
	base := ""
	for ; err == nil; rec, err = r.Next() {
		if rec.Type == "response" {
			base = strings.TrimSuffix(rec.TargetURI, "/")
			break
		}
	}
	if base == "" {
		t.Fatalf("no response record in %s: %v", path, err)
	}
	checkWgetWARC(t, path, base)
}

func checkWgetWARC(t *testing.T, path, base string) {
	t.Helper()
	r, err := warc.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type resp struct {
		status int
		body   []byte
		rec    *warc.Record
	}
	responses := map[string]resp{}
	types := map[string]int{}
	var prevEnd int64
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types[rec.Type]++
		if rec.Version != "WARC/1.0" {
			t.Errorf("%s record: version %q (wget writes WARC/1.0)", rec.Type, rec.Version)
		}
		if rec.Offset != prevEnd || rec.Length <= 0 {
			t.Errorf("%s record at %d+%d, previous ended at %d", rec.Type, rec.Offset, rec.Length, prevEnd)
		}
		prevEnd = rec.Offset + rec.Length
		if rec.Date.IsZero() || rec.ID == "" {
			t.Errorf("%s record: date %s id %q", rec.Type, rec.Date, rec.ID)
		}
		if len(rec.Warnings) > 0 {
			t.Errorf("%s record %s: warnings %v", rec.Type, rec.TargetURI, rec.Warnings)
		}
		if rec.Type == "response" {
			if rec.HTTP == nil {
				t.Fatalf("response %s: no HTTP", rec.TargetURI)
			}
			if _, ok := responses[rec.TargetURI]; ok {
				t.Errorf("two responses for %s", rec.TargetURI)
			}
			responses[rec.TargetURI] = resp{rec.HTTP.Status, rec.HTTP.Body, rec}
		}
	}
	if types["warcinfo"] != 1 || types["request"] != types["response"] {
		t.Errorf("record types %v", types)
	}
	want := []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, wgetIndex},
		{"/chunked", 200, wgetChunk1 + wgetChunk2},
		{"/old", 301, ""},
		{"/new", 200, wgetNew},
		{"/ar", 200, arabicHTML},
	}
	for _, w := range want {
		got, ok := responses[base+w.path]
		if !ok {
			t.Errorf("no response for %s (have %d)", base+w.path, len(responses))
			continue
		}
		if got.status != w.status {
			t.Errorf("%s: status %d, want %d", w.path, got.status, w.status)
		}
		if w.body != "" && string(got.body) != w.body {
			t.Errorf("%s: body %q, want %q", w.path, got.body, w.body)
		}
	}
	if c := responses[base+"/chunked"]; c.rec != nil && (!c.rec.HTTP.Chunked || !bytes.Contains(c.rec.Block, []byte("\r\n0\r\n"))) {
		t.Errorf("/chunked: Chunked=%v; block %q", c.rec.HTTP.Chunked, c.rec.Block)
	}
	if o := responses[base+"/old"]; o.rec != nil && o.rec.HTTP.Header.Get("Location") != "/new" {
		t.Errorf("/old: Location %q", o.rec.HTTP.Header.Get("Location"))
	}
	g, ok := responses[base+"/gzip"]
	if !ok {
		t.Fatalf("no response for /gzip")
	}
	if bytes.Equal(g.body, []byte(wgetGzipped)) || g.rec.HTTP.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("/gzip: body should be stored compressed, header %q", g.rec.HTTP.Header.Get("Content-Encoding"))
	}
	dec, err := warc.DecodedBody(g.rec.HTTP)
	if err != nil || string(dec) != wgetGzipped {
		t.Errorf("/gzip: DecodedBody = %q, %v", dec, err)
	}
}

// TestWgetFixtureCDXJ indexes the wget WARC through Reader and compares
// with `warcio cdx-index` (response lines; warcio also indexes wget's
// metadata and resource records).
func TestWgetFixtureCDXJ(t *testing.T) {
	bin := needTool(t, "warcio")
	path := filepath.Join("testdata", "wget.warc.gz")
	r, err := warc.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var entries []warc.IndexEntry
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := rec.IndexEntry(); ok {
			entries = append(entries, e)
		}
	}
	var buf bytes.Buffer
	if err := warc.WriteCDXJ(&buf, entries, "wget.warc.gz"); err != nil {
		t.Fatal(err)
	}
	var theirs []string
	for _, l := range runWarcio(t, bin, "cdx-index", path) {
		if !strings.HasPrefix(l, "metadata:") {
			theirs = append(theirs, l)
		}
	}
	slices.Sort(theirs)
	if got, want := strings.TrimSpace(buf.String()), strings.Join(theirs, "\n"); got != want {
		t.Errorf("ours:\n%s\nwarcio:\n%s", got, want)
	}
}
