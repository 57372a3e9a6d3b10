package crawler

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"golang.org/x/net/html"
)

// Site is what the crawler needs to know of one site: where to start, which
// hosts it may visit, which URLs are articles, which to follow or ignore,
// and how politely to go.
type Site struct {
	Name        string
	Domains     []string         // hosts the crawl may visit, subdomains included
	StartURLs   []string         // depth 0
	Sitemaps    []string         // sitemaps (or sitemap indexes) read at the start of the crawl; see the package doc
	Feeds       []string         // RSS, Atom or JSON feeds read at the start of the crawl
	ArticleURLs []*regexp.Regexp // on path+query: pages that are articles
	FollowURLs  []*regexp.Regexp // on path+query: non-article pages whose links are followed
	IgnoreURLs  []*regexp.Regexp // on path+query: never fetched
	MaxDepth    int              // pages MaxDepth links from a start URL are reached; 0 = start URLs only
	Rate        float64          // requests per second to each host of this site; 0 = no limit
	// Since, when not zero, skips what sitemaps and feeds list with a
	// date before it (entries without a date are kept), and the children
	// of a sitemap index whose lastmod is before it: the caller passes
	// the start of the site's last successful crawl.
	Since time.Time
	// AdHoc marks a site made up for a URL of no configured site: every
	// page on its host, start URLs included, is a candidate article
	// (when ArticleURLs is empty). It has no discovery: no sitemaps, feeds
	// or robots.txt Sitemap: lines are read for it.
	AdHoc bool
	// Revisit marks a pass over articles already kept (their scheduled
	// revisits): every start URL is an article page, asked for with
	// conditional requests (Config.Validators) like any article, and
	// nothing else is fetched: no link is followed (MaxDepth is taken as
	// 0), no sitemap or feed is read. robots.txt still applies. A crawler
	// with a Config.Frontier refuses it.
	Revisit bool
}

// Page is one fetched page, handed to the Handler.
type Page struct {
	Site      string   // Site.Name
	URL       string   // the normalised URL that was requested
	FinalURL  *url.URL // after redirects
	Depth     int
	Article   bool // the URL matched the site's ArticleURLs (or the site is ad hoc)
	Status    int
	Proto     string      // of the response: "HTTP/1.1", "HTTP/2.0"
	Header    http.Header // response headers as received
	Body      []byte      // response body as received (after Content-Encoding is undone), never re-encoded
	Truncated bool        // Body was cut at Config.MaxBodyBytes
	FetchedAt time.Time   // UTC
	// NotModified: the server answered 304 to a conditional request
	// (Config.Validators; article pages only). Status is 304, Header the
	// 304's headers, Body and Doc are nil, and the page gave no links.
	NotModified bool
	// Request is the head of the request of the final hop, as the
	// transport wrote it: request line, Host, the header fields (those
	// net/http adds, such as Accept-Encoding: gzip, included), blank line.
	// An HTTP/2 request is rendered as HTTP/1.1 would carry it, with
	// "HTTP/2.0" in its request line. See the package doc.
	Request []byte
	// Doc is Body decoded to UTF-8 (internal/htmlpage: BOM, header, <meta>
	// charset, valid UTF-8, a guess, windows-1252) and parsed once by the
	// crawler; nil for responses that are not HTML pages. Handlers may
	// read and modify it: the crawler has already taken the links out of
	// it.
	Doc *html.Node

	hold *pageHold // nil without a Frontier
}

// Handler receives every fetched page. An error is logged with the page's
// URL and counted; the crawl goes on.
type Handler func(ctx context.Context, p *Page) error
