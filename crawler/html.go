package crawler

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsarc/newsarc/internal/htmlpage"
	"github.com/newsarc/newsarc/internal/urlnorm"
)

// isHTML tells from the Content-Type and the bytes whether a body is an
// HTML page: internal/htmlpage decides, for extract as for the crawler.
func isHTML(h http.Header, body []byte) bool {
	return htmlpage.IsHTML(h.Get("Content-Type"), body)
}

// parseHTML decodes body to UTF-8 (internal/htmlpage: BOM, Content-Type
// charset, <meta> charset, valid UTF-8, a statistical guess, windows-1252)
// and parses it.
func parseHTML(body []byte, contentType string) (*html.Node, error) {
	dec, err := htmlpage.Decode(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return html.Parse(bytes.NewReader(dec.Text))
}

// extractLinks returns the normalised absolute http(s) URLs of the page's
// a[href], area[href] and link[rel~=next][href], in document order, each
// once, resolved against the first <base href> (itself resolved against
// page) or page.
func extractLinks(doc *html.Node, page *url.URL) []string {
	var base *url.URL
	var hrefs []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.A, atom.Area:
			if v, ok := attr(n, "href"); ok {
				hrefs = append(hrefs, v)
			}
		case atom.Link:
			if rel, _ := attr(n, "rel"); hasToken(rel, "next") {
				if v, ok := attr(n, "href"); ok {
					hrefs = append(hrefs, v)
				}
			}
		case atom.Base:
			if v, ok := attr(n, "href"); ok && base == nil {
				if b, err := page.Parse(strings.TrimSpace(v)); err == nil {
					base = b
				}
			}
		}
	}
	if base == nil {
		base = page
	}
	links := make([]string, 0, len(hrefs))
	seen := make(map[string]struct{}, len(hrefs))
	for _, h := range hrefs {
		h = strings.TrimSpace(h)
		if h == "" || h[0] == '#' {
			continue
		}
		l, err := urlnorm.Resolve(base, h)
		if err != nil {
			continue // not http(s), or not a URL
		}
		if _, ok := seen[l]; ok {
			continue
		}
		seen[l] = struct{}{}
		links = append(links, l)
	}
	return links
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// hasToken tells whether the space-separated list has tok, ignoring case.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
