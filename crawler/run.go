package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"time"

	"github.com/newsarc/newsarc/internal/discover"
)

// maxRedirects is how many redirects one page may take.
const maxRedirects = 10

// run is the state of one crawl.
type run struct {
	c            *Crawler
	bg           context.Context // the crawl's context without its cancellation: for Frontier writes
	pages        *client         // page requests, captured
	docs         *client         // sitemaps and feeds, not captured
	robotsClient *http.Client
	transport    *http.Transport // ours to close; nil when Config.Transport was given
	gates        *gates
	front        *frontier
	seen         seenSet // pages
	docSeen      seenSet // sitemaps and feeds, by docKey: each site reads its own

	robotsMu sync.Mutex
	robots   map[string]*robotsEntry
}

func (c *Crawler) newRun(ctx context.Context) *run {
	r := &run{c: c, bg: context.WithoutCancel(ctx), gates: &gates{}, robots: map[string]*robotsEntry{}}
	next := c.cfg.Transport
	if next == nil {
		r.transport = newTransport(c.cfg.Concurrency)
		next = r.transport
	}
	rt := &politeTransport{next: next, gates: r.gates, timeout: c.cfg.Timeout}
	r.front = newFrontier(r.gates, c.cfg.MaxPages, &c.queued)
	r.robotsClient = newRobotsClient(rt)
	capture := &captureTransport{next: rt}
	r.pages = &client{coll: c.newCollector(ctx, capture, c.cfg.MaxBodyBytes), capture: capture, accept: accept}
	r.docs = &client{coll: c.newCollector(ctx, rt, discover.MaxBodyBytes), accept: acceptDoc}
	return r
}

// close lets go of the connections the crawl opened.
func (r *run) close() {
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}

// work fetches tasks until the frontier has none left.
func (r *run) work(ctx context.Context) {
	for {
		t := r.front.next(ctx)
		if t == nil {
			return
		}
		switch t.kind {
		case kindPage:
			r.front.done(t, r.process(ctx, t))
		case kindRobots:
			r.readRobots(ctx, t)
			r.front.done(t, false)
		default:
			r.readDoc(ctx, t)
			r.front.done(t, false)
		}
	}
}

// process fetches the page of t (robots.txt, redirects and retries
// included), hands it to the handler and queues its links. It reports
// whether a response was received. All counting of a page's outcome
// happens here and in fetch.
func (r *run) process(ctx context.Context, t *task) bool {
	c := r.c
	s := t.site
	f, got := r.fetch(ctx, t)
	if f == nil {
		if ctx.Err() == nil {
			r.markDone(t) // it ended (failed, blocked, not followed): a resumed run does not try again
		}
		return got
	}
	res, cur, article := f.res, f.url, f.article
	// A 304 answers a conditional request (fetch does not take it for a
	// redirect); to any other it is an error.
	notModified := res.status == http.StatusNotModified && res.conditional
	if !notModified && (res.status < 200 || res.status > 299) {
		r.failed(t, cur, res.status, http.StatusText(res.status))
		r.markDone(t)
		return true
	}

	p := &Page{
		Site:        s.Name,
		URL:         t.url,
		FinalURL:    res.url,
		Depth:       t.depth,
		Article:     article,
		Status:      res.status,
		NotModified: notModified,
		Proto:       res.proto,
		Header:      res.header,
		Body:        res.body,
		FetchedAt:   res.at,
		Request:     res.request,
		hold:        r.newHold(t),
	}
	var links []string
	if notModified {
		p.Body = nil // no links either: the page was not sent
		c.log.Debug("not modified", keySite, s.Name, keyURL, t.url)
	} else {
		links = r.readBody(p, t)
	}

	c.pages.Add(1)
	if p.Article {
		c.articles.Add(1)
	}
	if notModified {
		c.notModified.Add(1)
	}
	if err := r.handle(ctx, p); err != nil {
		c.errs.Add(1)
		c.handlerErrs.Add(1)
		var pe *panicError
		if errors.As(err, &pe) {
			c.log.Error("handle page", keySite, s.Name, keyURL, t.url, keyErr, err, "stack", pe.stack)
		} else {
			c.log.Error("handle page", keySite, s.Name, keyURL, t.url, keyErr, err)
		}
	}
	// The page is done once its links are recorded and the handler's
	// holds are released: a page whose links could not be recorded stays
	// queued in the Frontier.
	if r.enqueue(ctx, t, links) && p.hold != nil {
		p.hold.release()
	}
	return true
}

// fetched is the final response to a task, after its redirects.
type fetched struct {
	res     *response
	url     string // the normalised URL of the final hop
	article bool   // a page's article flag, as its redirects left it
}

// fetch fetches t hop by hop: robots.txt is asked before each hop, each
// redirect target is checked like a link (on the site, not ignored, not
// seen), and each hop is retried as get does. Only article pages at depth
// 1 or more are fetched conditionally. It returns the final response, or
// nil when the fetch ended without one to use (the reason logged and, for
// failures, counted), and whether any response was received.
func (r *run) fetch(ctx context.Context, t *task) (*fetched, bool) {
	c := r.c
	s := t.site
	page := t.kind == kindPage
	cl, mark := r.pages, r.seen.add
	if !page {
		cl, mark = r.docs, func(u string) bool { return r.docSeen.add(docKey(s, u)) }
	}
	u, cur, article := t.u, t.url, t.article
	for hop := 0; ; hop++ {
		ok, err := r.robotsAllowed(ctx, u)
		if err != nil {
			return nil, hop > 0
		}
		if !ok {
			c.robotsBlocked.Add(1)
			if page {
				c.log.Debug("blocked by robots.txt", keySite, s.Name, keyURL, cur)
				if c.cfg.OnFailure != nil {
					c.cfg.OnFailure(s.Name, t.url, 0)
				}
			} else {
				c.log.Warn("discovery: "+t.kind.String()+" blocked by robots.txt", keySite, s.Name, keyURL, cur)
			}
			return nil, hop > 0
		}
		var v validators
		if page && article && (t.depth > 0 || s.Revisit) && c.cfg.Validators != nil {
			// Articles only: start and follow pages, sitemaps and feeds
			// are fetched whole, so that a 304 never hides their links.
			// A revisit pass's start URLs are articles.
			v.etag, v.lastModified = c.cfg.Validators(ctx, cur)
		}
		began := time.Now()
		res, err := r.get(ctx, cl, u, v)
		if page && c.cfg.OnFetch != nil && ctx.Err() == nil {
			status, size := 0, 0
			if res != nil {
				status, size = res.status, len(res.body)
			}
			c.cfg.OnFetch(s.Name, status, int64(size), time.Since(began))
		}
		if err != nil {
			if ctx.Err() == nil {
				r.failed(t, cur, 0, err)
			}
			return nil, hop > 0
		}
		if hop == 0 {
			// Before Pages, so that Stats never shows more pages than fetched.
			if page {
				c.fetched.Add(1)
			} else {
				c.discoveryFetched.Add(1)
			}
		}
		loc := res.redirect()
		if loc == nil {
			return &fetched{res: res, url: cur, article: article}, true
		}
		target, norm, err := resolve(res.url, loc)
		switch {
		case err != nil:
			// Not a URL to fetch: the 3xx is the final response.
		case hop == maxRedirects:
			r.failed(t, t.url, res.status, errTooManyRedirects)
			return nil, true
		case !s.allowed(target):
			if page {
				c.log.Debug("redirect leaves the site: not followed", keySite, s.Name, keyURL, cur, "location", norm)
			} else {
				r.failed(t, cur, res.status, "redirect leaves the site to "+norm)
			}
			return nil, true
		case norm != cur && !mark(norm):
			c.log.Debug("redirect to a url already seen: not followed", keySite, s.Name, keyURL, cur, "location", norm)
			return nil, true
		default:
			r.gates.get(target.Host).atLeast(s.interval)
			if page {
				article = s.redirectArticle(target, t.depth, article)
			}
			u, cur = target, norm
			continue
		}
		return &fetched{res: res, url: cur, article: article}, true
	}
}

// failed logs and counts a fetch that failed: a page's in Errors, a
// sitemap's or feed's in DiscoveryErrors.
func (r *run) failed(t *task, url string, status int, err any) {
	c := r.c
	if t.kind == kindPage {
		c.errs.Add(1)
		c.log.Warn("fetch failed", keySite, t.site.Name, keyURL, url, keyStatus, status, keyErr, err)
		if c.cfg.OnFailure != nil {
			c.cfg.OnFailure(t.site.Name, t.url, status)
		}
		return
	}
	c.discoveryErrs.Add(1)
	c.log.Warn("discovery: "+t.kind.String()+" failed", keySite, t.site.Name, keyURL, url, keyStatus, status, keyErr, err)
}

// readBody cuts p.Body at MaxBodyBytes, parses it when it is HTML and
// returns its links when t's depth allows following them.
func (r *run) readBody(p *Page, t *task) []string {
	c, s := r.c, t.site
	if limit := c.cfg.MaxBodyBytes; int64(len(p.Body)) > limit {
		p.Body, p.Truncated = p.Body[:limit], true
		c.truncated.Add(1)
		c.log.Info("body truncated", keySite, s.Name, keyURL, t.url, "max_bytes", limit)
	}
	if !isHTML(p.Header, p.Body) {
		return nil
	}
	doc, err := parseHTML(p.Body, p.Header.Get("Content-Type"))
	if err != nil {
		c.log.Warn("parse html", keySite, s.Name, keyURL, t.url, keyErr, err)
		return nil
	}
	p.Doc = doc
	if t.depth < s.MaxDepth {
		return extractLinks(doc, p.FinalURL)
	}
	return nil
}

// handle runs the handler, turning a panic into a *panicError.
func (r *run) handle(ctx context.Context, p *Page) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: string(debug.Stack())}
		}
	}()
	return r.c.handler(ctx, p)
}

// panicError is a handler's panic.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("handler panic: %v", e.value) }

// enqueue queues the links of the page of t that its site fetches. With a
// Frontier, they are recorded there first, even when ctx is done; it
// reports whether they were.
func (r *run) enqueue(ctx context.Context, t *task, links []string) bool {
	if len(links) == 0 || ctx.Err() != nil && r.c.cfg.Frontier == nil {
		return true
	}
	if mp := r.c.cfg.MaxPages; mp > 0 && r.c.fetched.Load() >= int64(mp) {
		return true
	}
	s, depth := t.site, t.depth+1
	var batch []*task
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || !s.allowed(u) {
			continue
		}
		fetch, article := s.route(u, depth)
		if !fetch || !r.seen.add(l) {
			continue
		}
		batch = append(batch, &task{site: s, u: u, url: l, depth: depth, article: article})
	}
	return r.queue(ctx, batch)
}

// resolve makes loc absolute against base and normalises it.
func resolve(base, loc *url.URL) (*url.URL, string, error) {
	u, norm, err := parseNorm(base.ResolveReference(loc).String())
	if err != nil {
		return nil, "", err
	}
	return u, norm, nil
}

// response is one HTTP response as received.
type response struct {
	url         *url.URL // the URL requested
	status      int
	header      http.Header
	body        []byte
	at          time.Time
	proto       string // "HTTP/1.1", "HTTP/2.0"
	request     []byte // the request head as sent (wireRecord.head)
	conditional bool   // the request carried validators
}

// redirect returns the Location of a redirect response, or nil.
func (res *response) redirect() *url.URL {
	switch res.status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil
	}
	loc := res.header.Get("Location")
	if loc == "" {
		return nil
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil
	}
	return u
}
