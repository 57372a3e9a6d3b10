package crawler_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/newsarc/newsarc/crawler"
)

// TestPageDecision: the crawler judges and decodes pages as extract does
// (internal/htmlpage). text/plain is no page even when it holds markup; a
// body without any Content-Type is sniffed, and an undeclared windows-1256
// page is read by the detector; a UTF-8 page whose <meta charset> comes
// after 2 KB of head is UTF-8. Bodies are handed as received.
func TestPageDecision(t *testing.T) {
	const arabic = "افتتح محافظ الحديدة اليوم مشروع مياه الشرب في مديرية باجل الذي يخدم أكثر من أربعين ألف نسمة"
	cp1256, err := charmap.Windows1256.NewEncoder().Bytes([]byte(`<html dir="rtl"><head><title>خبر</title></head><body><h1>` + arabic + `</h1><p>` + arabic + `</p><a href="/news/3">التالي</a></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	const english = "Council’s “harbour plan” wins — café owners relieved"
	lateMeta := "<!DOCTYPE html><html><head><style>" + strings.Repeat("p{margin:0}\n", 200) + `</style><meta charset="utf-8"></head><body><h1>` + english + `</h1><a href="/news/4">next</a></body></html>`
	srv := newServer(t, map[string]http.HandlerFunc{
		"/":        html("/news/10", "/news/11", "/news/12"),
		"/news/10": text(200, `<html><body><a href="/news/2">x</a></body></html>`, "Content-Type", "text/plain; charset=utf-8"),
		"/news/11": func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = nil // no header at all, not even net/http's sniffed one
			w.Write(cp1256)
		},
		"/news/12": text(200, lateMeta, "Content-Type", "text/html"),
		"/news/":   html(),
	})
	rec, _ := crawl(t, crawler.Config{}, newsSite(srv, 2))

	if p := rec.page("/news/10"); p == nil || p.Doc != nil || srv.hitsOf("/news/2") != 0 {
		t.Error("a text/plain page is handed without Doc and its links are not followed")
	}
	p := rec.page("/news/11")
	if p == nil || p.Doc == nil {
		t.Fatal("undeclared page not parsed")
	}
	if p.Header.Get("Content-Type") != "" || !bytes.Equal(p.Body, cp1256) {
		t.Errorf("undeclared page not handed as received: Content-Type %q", p.Header.Get("Content-Type"))
	}
	if !strings.Contains(textOf(p.Doc), arabic) || srv.hitsOf("/news/3") != 1 {
		t.Errorf("undeclared windows-1256 page misread: %.80q", textOf(p.Doc))
	}
	p = rec.page("/news/12")
	if p == nil || p.Doc == nil || !strings.Contains(textOf(p.Doc), english) || srv.hitsOf("/news/4") != 1 {
		t.Error("UTF-8 page with a late <meta charset> misread")
	}
}
