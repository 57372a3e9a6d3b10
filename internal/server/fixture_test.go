package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/internal/warc"
	"github.com/newsarc/newsarc/store"
)

// t0 is the fixture's epoch: 2026-03-01 10:00 UTC.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const (
	urlA = "https://news.example/news/1"
	urlB = "https://news.example/news/2"
	urlC = "https://giza.example/a/3"
)

// snap is a crawl snapshot of url whose record and capture carry text.
func snap(url, site string, at time.Time, hash, text string) store.Snapshot {
	body := "<html dir=rtl><h1>" + text + "</h1></html>"
	art := extract.Article{URL: url, Site: site, FetchedAt: at.Format(time.RFC3339), ContentHash: hash, Status: 200,
		PayloadDigest: warc.Digest([]byte(body)), Extractor: "site:" + site + "@0123456789ab", Language: "ar",
		Direction: "rtl", Label: "عاجل", Headline: text, Source: "القاهرة - \"وكالة\", خاص",
		Sections: []extract.Section{{Heading: "", Paragraphs: []string{text, "<b>a & b</b>"}}},
		Images:   []extract.Image{{Src: "https://news.example/i.jpg", Caption: "صورة"}},
		Text:     text + "\n\n<b>a & b</b>"}
	rec, err := json.Marshal(&art)
	if err != nil {
		panic(err)
	}
	host := strings.Split(strings.TrimPrefix(url, "https://"), "/")[0]
	return store.Snapshot{
		URL: url, Site: site, FetchedAt: at, ContentHash: hash, Record: rec,
		Capture: fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body),
		Request: fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: newsarc-test\r\n\r\n",
			strings.TrimPrefix(url, "https://"+host), host),
		PayloadDigest: warc.Digest([]byte(body)),
		ETag:          `"` + hash + `"`,
	}
}

// fill opens a new archive in t.TempDir and puts the fixture in it:
//
//	A v1 at t0, seen again at t0+2h; A v2 at t0+1d   (cairo)
//	B v1 at t0+1h, a 304 revisit at t0+1d+1h          (cairo)
//	C v1 at t0+2d                                     (giza)
func fill(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "newsarc.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for _, s := range []store.Snapshot{
		snap(urlA, "cairo", t0, "sha256:aa", "خبر أول"),
		snap(urlB, "cairo", t0.Add(time.Hour), "sha256:b1", "خبر ثان"),
		snap(urlA, "cairo", t0.Add(2*time.Hour), "sha256:aa", "خبر أول"),
		snap(urlA, "cairo", t0.Add(24*time.Hour), "sha256:a2", "خبر أول، معدّل"),
		snap(urlC, "giza", t0.Add(48*time.Hour), "sha256:c1", "خبر الجيزة, \"مقتبس\"\nسطر"),
	} {
		if _, err := db.Put(ctx, s); err != nil {
			t.Fatalf("Put %s at %s: %v", s.URL, s.FetchedAt, err)
		}
	}
	_, err = db.Revisit(ctx, store.Revisit{URL: urlB, Version: 1, FetchedAt: t0.Add(25 * time.Hour), Kind: store.FetchNotModified,
		Capture: []byte("HTTP/1.1 304 Not Modified\r\nETag: \"sha256:b1\"\r\n\r\n"),
		Request: []byte("GET /news/2 HTTP/1.1\r\nHost: news.example\r\nIf-None-Match: \"sha256:b1\"\r\n\r\n")})
	if err != nil {
		t.Fatalf("Revisit: %v", err)
	}
	return db
}

const cairoYAML = `name: cairo
domains: [news.example]
start_urls: ["https://news.example/"]
article_urls: ['^/news/\d+']
follow_urls: ['^/section/']
schedule: "*/30 * * * *"
max_depth: 2
rate: 2
selectors:
  headline: "h1"
  body: ".article-body"
`

func testSites(t *testing.T) []*config.Site {
	t.Helper()
	s, err := config.ParseSite("configs/sites/cairo.yaml", []byte(cairoYAML))
	if err != nil {
		t.Fatal(err)
	}
	return []*config.Site{s}
}

const software = "newsarc/test"

// serve starts the API over db (or o.Archive when set) with the test's
// defaults filled in.
func serve(t *testing.T, db store.Archive, o server.Options) *httptest.Server {
	t.Helper()
	if o.Archive == nil {
		o.Archive = db
	}
	if o.Sites == nil {
		sites := testSites(t)
		o.Sites = func() []*config.Site { return sites }
	}
	if o.Config == (config.Config{}) {
		o.Config = config.Default()
	}
	if o.Software == "" {
		o.Software = software
	}
	srv := httptest.NewServer(server.New(o))
	t.Cleanup(srv.Close)
	return srv
}

// get GETs path (with its query) with the token, if any, and returns the
// status, headers and body.
func get(t *testing.T, srv *httptest.Server, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, body
}

// logBuffer collects log lines from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
