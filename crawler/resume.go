package crawler

import (
	"context"
	"sync"
	"sync/atomic"
)

// Frontier keeps the frontier of each site's run outside the crawler: the
// URLs queued and the URLs done, so that a run cut short (a kill, a stop)
// is carried on by the next Crawler given the same Frontier. The crawler
// calls it from several goroutines at once. See the package doc, "Resume".
type Frontier interface {
	// Load calls fn for each URL of site's unfinished run, done or not;
	// none when the site has no unfinished run.
	Load(ctx context.Context, site string, fn func(u FrontierURL, done bool) error) error
	// Add records urls as queued in site's run. A URL already recorded
	// keeps its state. It returns once they are durable.
	Add(ctx context.Context, site string, urls []FrontierURL) error
	// Done records url, recorded by Add, as done. It returns once durable.
	Done(ctx context.Context, site, url string) error
}

// FrontierURL is one page of a site's run: its normalised URL, its depth
// from a start URL and whether it is an article.
type FrontierURL struct {
	URL     string
	Depth   int
	Article bool
}

// pageHold counts what must be durable before a page may be marked done in
// the Frontier: the crawler's own part (the page's links recorded), and one
// for each Page.Hold.
type pageHold struct {
	n atomic.Int32
	r *run
	t *task
}

func (h *pageHold) release() {
	if h.n.Add(-1) == 0 {
		h.r.markDone(h.t)
	}
}

// Hold tells the crawler that what the handler made of the page is not
// durable yet: with a Config.Frontier, the page is marked done only once
// release has been called (and the page's links are recorded). A page never
// released stays queued in the Frontier, and a resumed run fetches it
// again. Call Hold within the Handler; release may be called from any
// goroutine, after the Handler returned, even after Run returned (the
// Frontier must then still be usable); calls after the first do nothing.
// Without a Frontier, release does nothing.
func (p *Page) Hold() (release func()) {
	h := p.hold
	if h == nil {
		return func() {}
	}
	h.n.Add(1)
	var once sync.Once
	return func() { once.Do(h.release) }
}

// newHold returns the hold of t's page, held once by the crawler; nil
// without a Frontier.
func (r *run) newHold(t *task) *pageHold {
	if r.c.cfg.Frontier == nil {
		return nil
	}
	h := &pageHold{r: r, t: t}
	h.n.Store(1)
	return h
}

// markDone records t's page as done in the Frontier.
func (r *run) markDone(t *task) {
	fr := r.c.cfg.Frontier
	if fr == nil || t.kind != kindPage {
		return
	}
	if err := fr.Done(r.bg, t.site.Name, t.url); err != nil {
		r.c.frontierErrs.Add(1)
		r.c.log.Error("frontier: mark done", keySite, t.site.Name, keyURL, t.url, keyErr, err)
	}
}

// queue records the pages of ts in the Frontier, then queues ts. It
// reports whether the pages are recorded. The record is made even when ctx
// is done (the page whose links they are can then be marked done); the
// queueing is not.
func (r *run) queue(ctx context.Context, ts []*task) bool {
	ok := r.persist(ts)
	r.front.add(ctx, ts)
	return ok
}

// persist records the pages of ts (of one site or several) in the
// Frontier.
func (r *run) persist(ts []*task) bool {
	fr := r.c.cfg.Frontier
	if fr == nil {
		return true
	}
	ok := true
	var site *site
	var urls []FrontierURL
	flush := func() {
		if len(urls) == 0 {
			return
		}
		if err := fr.Add(r.bg, site.Name, urls); err != nil {
			ok = false
			r.c.frontierErrs.Add(1)
			r.c.log.Error("frontier: add", keySite, site.Name, "urls", len(urls), keyErr, err)
		}
		urls = urls[:0]
	}
	for _, t := range ts {
		if t.kind != kindPage {
			continue
		}
		if t.site != site {
			flush()
			site = t.site
		}
		urls = append(urls, FrontierURL{URL: t.url, Depth: t.depth, Article: t.article})
	}
	flush()
	return ok
}

// resume loads s's unfinished run from the Frontier: every URL of it is
// seen, and those not done are returned, to be queued.
func (r *run) resume(ctx context.Context, s *site) ([]*task, error) {
	fr := r.c.cfg.Frontier
	if fr == nil {
		return nil, nil
	}
	var ts []*task
	var done int64
	err := fr.Load(ctx, s.Name, func(fu FrontierURL, isDone bool) error {
		u, norm, err := parseNorm(fu.URL)
		if err != nil || !r.seen.add(norm) {
			return nil
		}
		if isDone {
			done++
			return nil
		}
		ts = append(ts, &task{site: s, u: u, url: norm, depth: fu.Depth, article: fu.Article})
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.c.resumed.Add(int64(len(ts)))
	r.c.resumedDone.Add(done)
	if len(ts) > 0 || done > 0 {
		r.c.log.Info("resuming an unfinished run", keySite, s.Name, "queued", len(ts), "done", done)
	}
	return ts, nil
}
