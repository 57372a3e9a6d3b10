package crawler

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// task is one URL to fetch: a page, or a document of a site's discovery.
type task struct {
	site    *site
	u       *url.URL // parsed url
	url     string   // normalised
	depth   int
	article bool
	kind    taskKind
	disc    *discovery // the site's discovery; kinds other than kindPage only
	level   int        // of a sitemap: how many indexes led to it
}

// taskKind tells pages from the documents of discovery.
type taskKind uint8

const (
	kindPage    taskKind = iota // a page, handed to the Handler
	kindRobots                  // an origin's robots.txt, read for its Sitemap: lines
	kindSitemap                 // a sitemap or sitemap index (a feed is read too)
	kindFeed                    // an RSS, Atom or JSON feed (a sitemap is read too)
)

func (k taskKind) String() string {
	switch k {
	case kindRobots:
		return "robots.txt"
	case kindSitemap:
		return "sitemap"
	case kindFeed:
		return "feed"
	}
	return "page"
}

// origin is the queue of one scheme and host.
type origin struct {
	key        string // scheme://host
	gate       *gate
	tasks      []*task
	head       int
	active     int  // tasks of this origin being processed
	robotsDone bool // its robots.txt is known, and with it the interval
	idx        int  // position in frontier.ready, -1 when not there
}

// eligible tells whether a worker may take a task of o now: an origin
// whose host has an interval (or whose robots.txt, and so Crawl-delay, is
// not known yet) is fetched one page at a time.
func (o *origin) eligible() bool {
	return o.active == 0 || (o.robotsDone && !o.gate.spaced())
}

// frontier hands out queued tasks to workers, each origin in turn, when its
// host's gate is open, with at most MaxPages pages handed out (less those
// that ended without a response; discovery's documents do not count, but
// none is handed out either once MaxPages is reached). It ends when
// nothing is queued or allowed and nothing is in flight.
type frontier struct {
	gates    *gates
	maxPages int
	queued   *atomic.Int64 // mirror of pending, for Stats

	mu       sync.Mutex
	origins  map[string]*origin
	ready    []*origin // origins with queued tasks
	rr       int       // where the next scan starts, for fairness
	pending  int
	active   int
	launched int // tasks handed out that count towards maxPages
	finished bool
	wake     chan struct{} // closed and replaced on every change
}

func newFrontier(gs *gates, maxPages int, queued *atomic.Int64) *frontier {
	return &frontier{gates: gs, maxPages: maxPages, queued: queued, origins: map[string]*origin{}, wake: make(chan struct{})}
}

// broadcastLocked wakes every waiting worker.
func (f *frontier) broadcastLocked() {
	close(f.wake)
	f.wake = make(chan struct{})
}

func originKey(u *url.URL) string { return u.Scheme + "://" + u.Host }

// add queues ts, unless ctx is done.
func (f *frontier) add(ctx context.Context, ts []*task) {
	if len(ts) == 0 || ctx.Err() != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return
	}
	for _, t := range ts {
		key := originKey(t.u)
		o := f.origins[key]
		if o == nil {
			o = &origin{key: key, gate: f.gates.get(t.u.Host), idx: -1}
			f.origins[key] = o
		}
		o.gate.atLeast(t.site.interval)
		o.tasks = append(o.tasks, t)
		if o.idx < 0 {
			o.idx = len(f.ready)
			f.ready = append(f.ready, o)
		}
		f.pending++
	}
	f.queued.Store(int64(f.pending))
	f.broadcastLocked()
}

// next waits for a task a worker may fetch now. It returns nil when the
// crawl is over or ctx is done.
func (f *frontier) next(ctx context.Context) *task {
	for {
		f.mu.Lock()
		if f.finished || ctx.Err() != nil {
			f.mu.Unlock()
			return nil
		}
		now := time.Now()
		best, at := f.pickLocked(now)
		if best != nil && !at.After(now) {
			t := f.popLocked(best)
			f.mu.Unlock()
			return t
		}
		if best == nil && f.active == 0 {
			// Nothing runs and nothing may start: the crawl is over.
			f.finished = true
			f.broadcastLocked()
			f.mu.Unlock()
			return nil
		}
		wake := f.wake
		f.mu.Unlock()

		var timer *time.Timer
		var tc <-chan time.Time
		if best != nil {
			timer = time.NewTimer(at.Sub(now))
			tc = timer.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tc:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// pickLocked finds the origin to serve: the first eligible one, from the
// round-robin position, whose gate is open at now, else the eligible one
// whose gate opens first. nil when none is eligible or MaxPages is used up.
func (f *frontier) pickLocked(now time.Time) (*origin, time.Time) {
	if f.maxPages > 0 && f.launched >= f.maxPages {
		return nil, time.Time{}
	}
	var best *origin
	var bestAt time.Time
	n := len(f.ready)
	for i := range n {
		j := (f.rr + i) % n
		o := f.ready[j]
		if !o.eligible() {
			continue
		}
		at := o.gate.next()
		if !at.After(now) {
			f.rr = j + 1
			return o, at
		}
		if best == nil || at.Before(bestAt) {
			best, bestAt = o, at
		}
	}
	return best, bestAt
}

func (f *frontier) popLocked(o *origin) *task {
	t := o.tasks[o.head]
	o.tasks[o.head] = nil
	o.head++
	if o.head == len(o.tasks) {
		o.tasks, o.head = o.tasks[:0], 0
		last := f.ready[len(f.ready)-1]
		f.ready[o.idx] = last
		last.idx = o.idx
		f.ready = f.ready[:len(f.ready)-1]
		o.idx = -1
	} else if o.head >= 1024 && o.head*2 >= len(o.tasks) {
		n := copy(o.tasks, o.tasks[o.head:])
		clear(o.tasks[n:])
		o.tasks, o.head = o.tasks[:n], 0
	}
	o.active++
	f.active++
	if t.kind == kindPage {
		f.launched++
	}
	f.pending--
	f.queued.Store(int64(f.pending))
	return t
}

// done ends a task handed out by next. A page that got no response
// (fetched false) gives its place under MaxPages back.
func (f *frontier) done(t *task, fetched bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.origins[originKey(t.u)].active--
	f.active--
	if !fetched && t.kind == kindPage {
		f.launched--
	}
	f.broadcastLocked()
}

// robotsKnown records that the robots.txt of u's origin is known, so that
// an origin without an interval may be fetched by several workers.
func (f *frontier) robotsKnown(u *url.URL) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o := f.origins[originKey(u)]; o != nil && !o.robotsDone {
		o.robotsDone = true
		f.broadcastLocked()
	}
}
