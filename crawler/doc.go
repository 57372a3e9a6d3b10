// Package crawler fetches the pages of news sites, politely, and hands each
// one to a Handler. It owns colly: no colly type appears in its API, and it
// imports neither extract nor store.
//
// # Use
//
//	c, err := crawler.New(crawler.Config{Logger: log}, sites, handle)
//	if err != nil { ... }
//	stats, err := c.Run(ctx) // to the end of the crawl, or ctx.Err()
//
// A Crawler runs once. Stats may be read during Run, for a progress bar.
// When Run returns, every goroutine it started has ended.
//
// # What is fetched
//
// Start URLs are depth 0 and a link from a page at depth d is depth d+1;
// pages beyond Site.MaxDepth are not fetched. A URL is fetched only when its
// host is one of Site.Domains or a subdomain (the port is ignored), it
// matches none of Site.IgnoreURLs, and robots.txt allows it. Of a configured
// site, only start URLs and URLs matching ArticleURLs or FollowURLs are
// fetched; the links of every fetched page are followed. URL patterns match
// the path plus "?" and the query (urlnorm.PathQuery), never the scheme or
// host. An ad hoc site (Site.AdHoc) fetches every page of its hosts within
// depth, and every page but the start pages is an article.
//
// Every URL is normalised (urlnorm.Normalize: no fragment, no utm_*, fbclid
// or gclid, sorted query) and fetched at most once in a crawl, redirect
// targets included. Redirects (at most 10) are followed one hop at a time so
// that each hop is checked like a link: a hop that leaves the site, is
// ignored, is blocked by robots.txt or was already seen ends the fetch
// without an error.
//
// Links are taken from a[href], area[href] and link[rel~=next][href],
// resolved against the first <base href> or the final URL.
//
// # Politeness
//
// robots.txt is fetched once per scheme and host, through the same limits
// as the pages, and obeyed for the group of our User-Agent (Google's rules:
// 4xx allows all, 5xx and 429 disallow all; one that cannot be fetched or
// parsed allows all, with a warning). Blocked URLs are skipped and counted.
// colly's own robots.txt support stays off: it ignores Crawl-delay.
//
// Each host gets one gate: requests to it start at least an interval apart,
// the interval being the slower of 1/Site.Rate and robots.txt's Crawl-delay.
// The gate sits in the HTTP transport, so it counts every request to the
// host: robots.txt, redirect hops and retries included. A host with such an
// interval is fetched one page at a time; a host with none (Rate 0, no
// Crawl-delay) by as many workers as Config.Concurrency allows. A 429 or 503
// with Retry-After (seconds or an HTTP date) closes the gate of the whole
// host for that long, then the page is retried; a Retry-After longer than
// five minutes fails the page and closes the gate for five minutes.
//
// Timeouts, connection errors, 5xx and 429 are retried (Config.Retries)
// after an exponential backoff with jitter. Config.Timeout applies to each
// request from the moment it leaves its host's gate, so waiting one's turn
// never counts as a timeout.
//
// # Pages
//
// A final 2xx response becomes a Page, and so does a 304 to a conditional
// request (see Conditional requests). Page.Body and Page.Header are the
// body and headers as received (after net/http undoes a gzip
// Content-Encoding, which also removes that header): colly would convert a
// body whose Content-Type names a charset to UTF-8, so the crawler hides
// Content-Type from colly between OnResponseHeaders and OnResponse and puts
// the original values back. Page.Doc is the body decoded to UTF-8
// (internal/charset: header, <meta charset>, BOM) and parsed once with
// golang.org/x/net/html; links are taken from it before the Handler runs.
// Bodies beyond Config.MaxBodyBytes are cut, marked Truncated and counted.
//
// Other final responses are logged and counted as errors, not handed to the
// Handler. A Handler error or panic is logged with the URL and counted; the
// crawl goes on.
//
// Page.Proto is the response's protocol ("HTTP/1.1", "HTTP/2.0") and
// Page.Request the head of the final hop's request as it went on the wire,
// as nearly as net/http lets one see it: a wrapper round the transport
// traces every header field the transport writes
// (httptrace.ClientTrace.WroteHeaderField), so that the fields net/http
// adds itself (Accept-Encoding: gzip, Connection: close, cookies of colly's
// jar) are there as sent. Over HTTP/1.1 the head is byte for byte what was
// written: "GET /path?q HTTP/1.1", Host, User-Agent, the other headers in
// sorted order, then those the transport adds. HTTP/2 has no request line
// and sends lower-case names in map order, so its head is rendered as
// HTTP/1.1 would carry it: "GET /path?q HTTP/2.0", Host (:authority), the
// other fields under canonical names in sorted order, Cookie fields joined.
// colly makes each request's context from the collector's, so the page's
// request reaches the wrapper with a private header naming its record,
// which the wrapper takes out before the request goes on. robots.txt
// requests are not captured.
//
// # Conditional requests
//
// With Config.Validators set, article pages are fetched conditionally: the
// ETag and Last-Modified it gives for a URL go out as If-None-Match and
// If-Modified-Since, on each redirect hop that is an article (asked by the
// hop's own URL), retries included. Start and follow pages are always
// fetched whole, and so are start URLs that are articles (of an ad hoc
// site), so that a 304 never hides the links to new or edited articles. A
// 304 to a conditional request is a success: the Handler gets a Page with
// Status 304, NotModified set, the 304's headers, and no Body or Doc; an
// article that answers 304 gives no links. A 304 to a request without
// validators is an error, and a 304 is never taken for a redirect.
//
// # Counting
//
// Stats.Fetched counts the URLs that got a response (any status; once per
// URL whatever its redirects and retries; robots.txt not counted), and
// Config.MaxPages bounds it exactly: a URL that ends without a response
// (blocked by robots.txt, connection failed) gives its place back.
// Stats.Pages counts the pages handed to the Handler, Stats.Articles those
// of them that are articles and Stats.NotModified those of the articles
// that answered 304 (each also in Fetched, Pages and Articles).
// Stats.Queued is the number of URLs waiting; after Run, those left unfetched
// because of MaxPages or cancellation.
package crawler
