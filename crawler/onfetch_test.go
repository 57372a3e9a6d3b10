package crawler_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/newsarc/newsarc/crawler"
)

// TestOnFetch: every page request is reported with its site, status and
// body size; robots.txt is not.
func TestOnFetch(t *testing.T) {
	srv := newServer(t, map[string]http.HandlerFunc{
		"/robots.txt": text(200, "User-agent: *\nDisallow:\n"),
		"/":           html("/news/1", "/news/2"),
		"/news/1":     text(200, "<html><body><p>one</p></body></html>", "Content-Type", "text/html"),
		"/news/2":     text(404, "gone"),
	})
	var mu sync.Mutex
	var got []string
	cfg := crawler.Config{Retries: -1, OnFetch: func(site string, status int, bytes int64, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if took <= 0 {
			t.Errorf("took %v", took)
		}
		got = append(got, fmt.Sprintf("%s %d %d", site, status, bytes))
	}}
	crawl(t, cfg, newsSite(srv, 1))
	sort.Strings(got)
	root := len(`<!doctype html><html><head><title>t</title></head><body>`) + 2*len("<a href=\"/news/1\">x</a>\n") + len("</body></html>")
	want := []string{fmt.Sprintf("news 200 %d", root), fmt.Sprintf("news 200 %d", len("<html><body><p>one</p></body></html>")), "news 404 4"}
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OnFetch calls %v, want %v", got, want)
	}
}
