package crawler

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/newsarc/newsarc/internal/discover"
	"github.com/newsarc/newsarc/internal/urlnorm"
)

// Bounds of one site's discovery in one crawl.
const (
	maxDocs        = 100    // sitemaps and feeds read, robots.txt not counted
	maxIndexLevel  = 2      // sitemap indexes followed: root index → child index → sitemap
	maxDiscovered  = 50_000 // URLs queued: the newest
	keepDiscovered = 2 * maxDiscovered
)

// discovery is the state of one site's discovery: the documents still to
// read and the URLs they listed so far. When the last document is read, the
// URLs are queued newest first, then the site's start URLs.
type discovery struct {
	site  *site
	seeds []*task // the site's start URLs, already in run.seen

	mu      sync.Mutex
	pending int // documents (robots.txt included) queued or being read
	docs    int // sitemaps and feeds queued so far
	capped  bool
	found   map[string]*found // by normalised URL
	seq     int               // order of first sight, for ties
	old     int               // entries skipped as older than Since
}

// found is one URL a document listed, kept for queueing.
type found struct {
	u        *url.URL
	url      string
	modified time.Time
	seq      int
	article  bool
}

// startDiscovery queues the documents of s's discovery: the robots.txt of
// each origin of its start URLs, sitemaps and feeds (for their Sitemap:
// lines), then its sitemaps and feeds. seeds are queued when it ends.
func (r *run) startDiscovery(ctx context.Context, s *site, seeds []*task) {
	d := &discovery{site: s, seeds: seeds, found: map[string]*found{}}
	var tasks []*task
	origins := map[string]bool{}
	for _, list := range [][]string{s.StartURLs, s.Sitemaps, s.Feeds} {
		for _, raw := range list {
			u, _, err := parseNorm(raw)
			if err != nil || origins[originKey(u)] {
				continue
			}
			origins[originKey(u)] = true
			ru, norm, err := parseNorm(originKey(u) + "/robots.txt")
			if err != nil {
				continue
			}
			tasks = append(tasks, &task{site: s, u: ru, url: norm, kind: kindRobots, disc: d})
		}
	}
	d.pending = len(tasks) // docTask counts the others
	for _, l := range []struct {
		kind taskKind
		urls []string
	}{{kindSitemap, s.Sitemaps}, {kindFeed, s.Feeds}} {
		for _, raw := range l.urls {
			if t := r.docTask(d, raw, nil, l.kind, 0); t != nil {
				tasks = append(tasks, t)
			}
		}
	}
	if len(tasks) == 0 {
		r.queue(ctx, seeds)
		return
	}
	r.front.add(ctx, tasks)
}

// docTask makes the task of a sitemap or feed at raw (resolved against
// base when not nil), or returns nil when it is off the site, ignored,
// already queued or beyond maxDocs. The caller queues it; d.pending counts
// it already.
func (r *run) docTask(d *discovery, raw string, base *url.URL, kind taskKind, level int) *task {
	s := d.site
	var norm string
	var err error
	if base != nil {
		norm, err = urlnorm.Resolve(base, raw)
	} else {
		norm, err = urlnorm.Normalize(raw)
	}
	if err != nil {
		r.c.log.Info("discovery: bad "+kind.String()+" url: skipped", keySite, s.Name, keyURL, raw, keyErr, err)
		return nil
	}
	u, err := url.Parse(norm)
	if err != nil {
		return nil
	}
	if !s.allowed(u) {
		r.c.log.Info("discovery: "+kind.String()+" off the site or ignored: skipped", keySite, s.Name, keyURL, norm)
		return nil
	}
	if !r.docSeen.add(docKey(s, norm)) {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.docs >= maxDocs {
		if !d.capped {
			d.capped = true
			r.c.log.Warn("discovery: too many sitemaps and feeds: the rest skipped", keySite, s.Name, "max", maxDocs, keyURL, norm)
		}
		return nil
	}
	d.docs++
	d.pending++
	return &task{site: s, u: u, url: norm, kind: kind, disc: d, level: level}
}

// docKey is the key of a sitemap or feed in run.docSeen: two sites on
// one host each read the sitemaps that robots.txt lists.
func docKey(s *site, norm string) string { return s.Name + " " + norm }

// readRobots queues the sitemaps that the robots.txt of t's origin lists.
func (r *run) readRobots(ctx context.Context, t *task) {
	d := t.disc
	defer r.docDone(ctx, d)
	e, err := r.robotsFor(ctx, t.u)
	if err != nil {
		return
	}
	var tasks []*task
	for _, raw := range e.sitemaps {
		if nt := r.docTask(d, raw, t.u, kindSitemap, 0); nt != nil {
			tasks = append(tasks, nt)
		}
	}
	r.front.add(ctx, tasks)
}

// readDoc fetches and reads one sitemap or feed: it queues the children
// of a sitemap index and keeps the URLs listed.
func (r *run) readDoc(ctx context.Context, t *task) {
	d, c, s := t.disc, r.c, t.site
	defer r.docDone(ctx, d)
	f, _ := r.fetch(ctx, t)
	if f == nil {
		return
	}
	res := f.res
	if res.status < 200 || res.status > 299 {
		r.failed(t, f.url, res.status, http.StatusText(res.status))
		return
	}
	entries, children, truncated, err := parseDoc(t.kind, res.body, res.url)
	if err != nil {
		r.failed(t, f.url, res.status, err)
		return
	}
	if truncated {
		c.log.Warn("discovery: sitemap lists more than the protocol allows: the rest skipped", keySite, s.Name, keyURL, f.url, "max", discover.MaxEntries)
	}
	if len(children) > 0 {
		if t.level >= maxIndexLevel {
			c.log.Warn("discovery: sitemap index too deep: children skipped", keySite, s.Name, keyURL, f.url, "max_level", maxIndexLevel)
		} else {
			r.queueChildren(ctx, t, res.url, children)
		}
	}
	queued, old := d.add(entries, res.url)
	c.log.Debug("discovery: "+t.kind.String()+" read", keySite, s.Name, keyURL, f.url, "entries", len(entries), "kept", queued, "old", old, "sitemaps", len(children))
}

// queueChildren queues the children of the sitemap index of t, newest
// first, skipping those whose lastmod is before Since.
func (r *run) queueChildren(ctx context.Context, t *task, base *url.URL, children []discover.Entry) {
	since := t.site.Since
	children = slices.Clone(children)
	slices.SortStableFunc(children, func(a, b discover.Entry) int { return newer(a.Modified, b.Modified) })
	var tasks []*task
	for _, ch := range children {
		if !since.IsZero() && !ch.Modified.IsZero() && ch.Modified.Before(since) {
			continue // nothing in it changed since
		}
		if nt := r.docTask(t.disc, ch.URL, base, kindSitemap, t.level+1); nt != nil {
			tasks = append(tasks, nt)
		}
	}
	r.front.add(ctx, tasks)
}

// parseDoc reads a sitemap or a feed; a document fetched as one kind that
// turns out to be the other (robots.txt may name a feed) is read as such.
func parseDoc(kind taskKind, body []byte, base *url.URL) (entries, children []discover.Entry, truncated bool, err error) {
	sitemap := func() error {
		sm, err := discover.ParseSitemap(body)
		entries, children, truncated = sm.Entries, sm.Sitemaps, sm.Truncated
		return err
	}
	feed := func() error {
		es, err := discover.ParseFeed(body, base)
		entries = es
		return err
	}
	first, second, notFirst := sitemap, feed, discover.ErrNotSitemap
	if kind == kindFeed {
		first, second, notFirst = feed, sitemap, discover.ErrNotFeed
	}
	err = first()
	if err == nil || !errors.Is(err, notFirst) {
		return entries, children, truncated, err
	}
	if err2 := second(); err2 == nil {
		return entries, children, truncated, nil
	} else if !errors.Is(err2, discover.ErrNotSitemap) && !errors.Is(err2, discover.ErrNotFeed) {
		return nil, nil, false, err2
	}
	return nil, nil, false, err
}

// add keeps the entries a document at base listed that the site fetches,
// and that are not older than Since. It returns how many it kept and how
// many were older.
func (d *discovery) add(entries []discover.Entry, base *url.URL) (kept, old int) {
	s := d.site
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range entries {
		norm, err := urlnorm.Resolve(base, e.URL)
		if err != nil {
			continue
		}
		u, err := url.Parse(norm)
		if err != nil || !s.allowed(u) {
			continue
		}
		fetch, article := s.routeDiscovered(u)
		if !fetch {
			continue
		}
		if !s.Since.IsZero() && !e.Modified.IsZero() && e.Modified.Before(s.Since) {
			old++
			continue
		}
		kept++
		if f := d.found[norm]; f != nil {
			if e.Modified.After(f.modified) {
				f.modified = e.Modified
			}
			continue
		}
		d.found[norm] = &found{u: u, url: norm, modified: e.Modified, seq: d.seq, article: article}
		d.seq++
	}
	d.old += old
	if len(d.found) > keepDiscovered {
		list := d.sortedLocked()[:maxDiscovered]
		d.found = make(map[string]*found, len(list))
		for _, f := range list {
			d.found[f.url] = f
		}
	}
	return kept, old
}

// sortedLocked returns the URLs found, newest first (those without a date
// last), in order of first sight among equals.
func (d *discovery) sortedLocked() []*found {
	list := make([]*found, 0, len(d.found))
	for _, f := range d.found {
		list = append(list, f)
	}
	slices.SortFunc(list, func(a, b *found) int {
		if c := newer(a.modified, b.modified); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return list
}

// newer orders the later time first; a zero time comes last.
func newer(a, b time.Time) int { return b.Compare(a) }

// docDone ends one document of d. After the last, the URLs found are
// queued, newest first and at most maxDiscovered, at depth 1, then the
// site's start URLs.
func (r *run) docDone(ctx context.Context, d *discovery) {
	d.mu.Lock()
	d.pending--
	if d.pending > 0 {
		d.mu.Unlock()
		return
	}
	list := d.sortedLocked()
	docs, old := d.docs, d.old
	d.found = nil
	d.mu.Unlock()

	if len(list) > maxDiscovered {
		list = list[:maxDiscovered]
	}
	tasks := make([]*task, 0, len(list)+len(d.seeds))
	for _, f := range list {
		if r.seen.add(f.url) {
			tasks = append(tasks, &task{site: d.site, u: f.u, url: f.url, depth: 1, article: f.article})
		}
	}
	n := len(tasks)
	tasks = append(tasks, d.seeds...)
	if ctx.Err() != nil {
		return
	}
	r.c.discovered.Add(int64(n)) // before they can be fetched
	r.queue(ctx, tasks)
	level := slog.LevelInfo
	if docs == 0 {
		level = slog.LevelDebug // a site without sitemaps or feeds
	}
	r.c.log.Log(ctx, level, "discovery done", keySite, d.site.Name, "documents", docs, "queued", n, "older_than_since", old)
}
