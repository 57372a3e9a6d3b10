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
// Start URLs are depth 0, URLs that sitemaps and feeds list depth 1 (see
// Discovery), and a link from a page at depth d is depth d+1; links beyond
// Site.MaxDepth are not fetched. A URL is fetched only when its
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
// # Discovery: sitemaps and feeds
//
// A site's crawl (not an ad hoc site's) starts by reading what the site
// announces: Site.Sitemaps, Site.Feeds, and the Sitemap: lines of the
// robots.txt of each origin of its start URLs, sitemaps and feeds. Those
// lines are always read, whether Site.Sitemaps is empty or not; a document
// named twice is read once. Sitemaps may be
// indexes, gzip'd, Google News sitemaps, or text; feeds RSS, Atom or JSON
// Feed; a sitemap that turns out to be a feed, or the reverse, is read as
// what it is (internal/discover parses them all). The children of an index
// are read newest lastmod first, two index levels deep at most (index →
// index → sitemap); at most 100 sitemaps and feeds are read per site and
// crawl. Documents go through the same machinery as pages: robots.txt
// rules, the host's gate and rate, retries, redirects checked hop by hop
// (a redirect off the site fails the document). They are never
// conditional, never captured and never handed to the Handler; a body may
// be up to discover.MaxBodyBytes (50 MiB) whatever Config.MaxBodyBytes.
// Sitemap and feed URLs off the site's domains or matching IgnoreURLs are
// skipped. A document that fails (fetch, status, parse) is logged with its
// URL, counted in Stats.DiscoveryErrors, and the rest goes on.
//
// What the documents list is kept when it is on the site's domains, not
// ignored, and either matches ArticleURLs (or the site has none: then
// every URL listed is an article) or FollowURLs (a follow page). Its date
// (Entry.Modified: lastmod, news:publication_date, a feed item's updated
// or published; the latest when a URL is listed twice) decides the order.
// With Site.Since set, entries dated before it are skipped, and so are the
// children of an index whose lastmod is before it; undated entries are
// kept. When the site's last document is read, its discovered URLs are
// queued newest first (undated last, in order of discovery), at most 50,000
// (the newest), at depth 1, then its start URLs: a crawl fetches first what
// is new. A discovered URL that is also a start URL is a start URL.
// Discovered URLs are depth 1 whatever MaxDepth: like start URLs, they are
// where the crawl starts, so max_depth 0 fetches the start URLs and the
// discovered URLs and follows no link, and the links of a discovered page
// are followed when MaxDepth is 2 or more. Discovered articles are fetched
// conditionally like any article at depth 1.
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
// the original values back. Whether a body is an HTML page, and how it is
// decoded to UTF-8, internal/htmlpage decides, as it does for extract:
// text/html and application/xhtml+xml are, other declared types are not,
// an undeclared body is sniffed; the encoding is a BOM's, else the
// Content-Type's, else a <meta> charset's, else UTF-8 when the bytes are
// valid UTF-8, else a statistical guess, else windows-1252. Page.Doc is
// the decoded body parsed once with golang.org/x/net/html; links are taken
// from it before the Handler runs. Bodies beyond Config.MaxBodyBytes are
// cut, marked Truncated and counted.
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
// which the wrapper takes out before the request goes on. robots.txt,
// sitemap and feed requests are not captured.
//
// # Conditional requests
//
// With Config.Validators set, article pages are fetched conditionally: the
// ETag and Last-Modified it gives for a URL go out as If-None-Match and
// If-Modified-Since, on each redirect hop that is an article (asked by the
// hop's own URL), retries included. Start and follow pages, sitemaps and
// feeds are always fetched whole, and so are start URLs that are articles
// (of an ad hoc site), so that a 304 never hides the links to new or
// edited articles. A
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
// Stats.Queued is the number of URLs waiting (sitemaps and feeds included);
// after Run, those left unfetched because of MaxPages or cancellation.
//
// Sitemaps and feeds are not pages: they are counted in
// Stats.DiscoveryFetched (those with a final response, once per document)
// and Stats.DiscoveryErrors, never in Fetched, Pages or Errors, and do not
// count towards MaxPages (but none is fetched once MaxPages is reached).
// Their retries count in Stats.Retries, their robots.txt blocks in
// Stats.RobotsBlocked. Stats.Discovered counts the URLs discovery queued;
// once fetched, they count in Fetched, Pages and Articles like any page.
//
// # Resume
//
// With a Config.Frontier, each site's pages are recorded there before they
// are queued (Frontier.Add: start URLs, links, what discovery found), and
// marked done (Frontier.Done) once handled for good: a page that ended
// without use (failed, non-2xx, blocked by robots.txt, a redirect not
// followed) when its fetch ends; a page handed to the Handler once its
// links are recorded and every Page.Hold the Handler took is released. The
// Handler takes a hold for what it stores asynchronously and releases it
// once that is durable, so that a page is never done before what it
// produced is. A page whose fetch was cut by cancellation, whose links
// could not be recorded, or whose hold was never released stays queued.
//
// At the start of Run, each site's unfinished run is loaded: every URL of
// it counts as seen (start URLs and discovered URLs of it are not queued
// again), and those not done are queued, with their depth and article flag,
// before anything else (Stats.Resumed, Stats.ResumedDone). Discovery runs
// again, and queues what the unfinished run had not seen. Ending a run
// (clearing its frontier) is the caller's: only it knows when everything
// the run fetched is stored. Redirect targets are not recorded: a resumed
// run may fetch one again when a link leads to it.
//
// Frontier is the crawler's own interface, not colly's storage.Storage:
// colly's storage holds visited request IDs (hashes) and cookies, while
// this crawler keeps its own queue and seen set (with the depth and article
// flag of each URL, per site), and needs "done" to mean durably handled,
// which colly marks as soon as a request is sent.
package crawler
