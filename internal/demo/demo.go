// Package demo serves newsarc's built-in sample news site on a loopback port.
//
// The site ("Delta Daily | دلتا اليوم") is a small bilingual news site held in
// files embedded from site/: a home page, three sections (one paginated),
// Arabic and English articles, robots.txt, a robots-disallowed /private/ page
// and a few static assets. One article is stored in windows-1256 and declares
// it only in a <meta charset> tag, so that charset sniffing is exercised; it
// is generated from its UTF-8 source in testdata/cp1256 by gen_cp1256.go.
//
// Files are served by path: "/" is site/index.html, "/a/b" is site/a/b.html
// (or site/a/b.cp1256.html, served as plain "text/html" without a charset),
// "/a/" is site/a/index.html and "/section/NAME?page=N" (N >= 2) is
// site/section/NAME.pageN.html. Anything else is a 404.
package demo

//go:generate go run gen_cp1256.go

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CanonicalBase is the origin the pages' canonical links (and absolute image
// URLs) point at, whatever port the demo is served on.
const CanonicalBase = "https://demo.newsarc.test"

//go:embed site
var siteFS embed.FS

//go:embed demo.yaml
var siteFile []byte

// legacySuffix marks a page stored in a legacy encoding, whose charset is
// declared only inside the page.
const legacySuffix = ".cp1256.html"

// SiteFile is the demo's site file (YAML, the per-site format), with domains
// ["127.0.0.1", "demo.newsarc.test"] and start_urls ["http://127.0.0.1/"];
// the caller replaces the start URL with the served base URL.
func SiteFile() []byte { return bytes.Clone(siteFile) }

// ArticlePaths is the sorted set of article paths ("/news/NNNN/slug") the
// demo serves: a complete crawl of the demo finds every one of them.
func ArticlePaths() []string {
	var out []string
	_ = fs.WalkDir(siteFS, "site/news", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "site")
		switch {
		case strings.HasSuffix(name, legacySuffix):
			out = append(out, strings.TrimSuffix(name, legacySuffix))
		case strings.HasSuffix(name, ".html"):
			out = append(out, strings.TrimSuffix(name, ".html"))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Handler serves the site. The pages' canonical links point at
// https://demo.newsarc.test/... so records get stable URLs whatever port the
// demo is served on.
func Handler() http.Handler { return handler{} }

type handler struct{}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
}

func (handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ctype, ok := lookup(r.URL.Path, r.URL.Query().Get("page"))
	if !ok {
		notFound(w)
		return
	}
	data, err := siteFS.ReadFile(name)
	if err != nil {
		notFound(w)
		return
	}
	sum := sha256.Sum256(data)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	h.Set("Cache-Control", "max-age=60")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// lookup maps a request path (and its page query value) to an embedded file
// name and the Content-Type to serve it with.
func lookup(p, page string) (name, ctype string, ok bool) {
	if p == "" || p[0] != '/' || strings.Contains(p, "\\") {
		return "", "", false
	}
	if clean := path.Clean(p); clean != p && clean+"/" != p {
		return "", "", false
	}
	switch {
	case p == "/robots.txt":
		return "site/robots.txt", contentTypes[".txt"], true
	case strings.HasPrefix(p, "/static/"):
		ext := path.Ext(p)
		ct, known := contentTypes[ext]
		if !known || ext == ".html" || ext == ".txt" {
			return "", "", false
		}
		return "site" + p, ct, true
	case path.Ext(p) != "":
		// Pages have extensionless paths; /index.html and the like are 404s.
		return "", "", false
	}
	base := "site" + p
	if strings.HasSuffix(base, "/") {
		base += "index"
	}
	if page != "" && page != "1" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 2 || !strings.HasPrefix(p, "/section/") {
			return "", "", false
		}
		base += ".page" + strconv.Itoa(n)
	}
	if exists(base + ".html") {
		return base + ".html", contentTypes[".html"], true
	}
	if exists(base + legacySuffix) {
		// The charset is declared only in the page's <meta charset>.
		return base + legacySuffix, "text/html", true
	}
	return "", "", false
}

func exists(name string) bool {
	st, err := fs.Stat(siteFS, name)
	return err == nil && !st.IsDir()
}

const notFoundPage = `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>Page not found | Delta Daily</title></head>
<body><h1>Page not found</h1><p>The page you asked for does not exist. <a href="/">Back to the home page</a>.</p></body>
</html>
`

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", contentTypes[".html"])
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, notFoundPage)
}

// Start serves Handler on 127.0.0.1:0 and returns the base URL
// ("http://127.0.0.1:PORT") and a stop func that shuts the server down and
// waits for it. When stop's context ends before the open connections are
// idle, the server is closed hard and stop returns the context's error.
// Calling stop again returns the first call's result.
func Start() (baseURL string, stop func(ctx context.Context) error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{
		Handler:           Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	var (
		once    sync.Once
		stopErr error
	)
	stop = func(ctx context.Context) error {
		once.Do(func() {
			stopErr = srv.Shutdown(ctx)
			if stopErr != nil {
				_ = srv.Close()
			}
			if serveErr := <-done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && stopErr == nil {
				stopErr = serveErr
			}
		})
		return stopErr
	}
	return "http://" + ln.Addr().String(), stop, nil
}
