package pipeline

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/metrics"
	"github.com/newsarc/newsarc/store"
)

// Log attribute keys.
const (
	keySite    = "site"
	keyURL     = "url"
	keyVersion = "version"
)

// Site is what the pipeline needs of one site.
type Site struct {
	Name    string
	Domains []string       // hosts whose <link rel=canonical> is trusted
	Rules   *extract.Rules // nil: generic extractor
	HasBody bool           // the site file has a body selector (its misses are counted)
	AdHoc   bool           // a host of no configured site: pages without article content are skipped, not errors
	// Revisits are the site's revisit ages (store.Snapshot.Revisits): each
	// article stored keeps its revisit plan. nil: none.
	Revisits []time.Duration
}

// Counts are the pipeline's running totals.
type Counts struct {
	Articles     int64 // article pages extracted, or answered 304
	New          int64 // new versions stored
	Unchanged    int64 // re-fetches with unchanged content, 304s included
	NotModified  int64 // of which: 304 answers to conditional requests
	Failed       int64 // article pages that could not be extracted or stored
	StoreFailed  int64 // of which: extracted but the archive refused them
	Skipped      int64 // non-HTML article URLs, article pages cut at max_body_bytes, ad hoc pages with no article content
	Revisits     int64 // stored fetches that were an article's due revisit (store.Outcome.Revisit)
	RevisitsNew  int64 // of which found a new version
	BodyFallback map[string]int64
}

// writers is how many Puts the pipeline keeps in flight: enough for the
// store to group them into large batch commits while crawl workers go on.
// Each waits about BatchDelay plus a commit, so writers/BatchDelay bounds
// the pages stored per second: 64 writers held back a 25ms delay. A crawl
// keeping its frontier in the archive (newsarc run) uses the store's
// default delay: its marks join the same batches (see cmd/newsarc).
const writers = 256

// BatchDelay is the store batch delay (store.Options.BatchDelay) the
// pipeline is tuned for: open the archive a crawl stores into with it.
// bench/ measured, against bare colly's pages/s, 0.72 with 64 writers and
// the store's default 10ms, 0.77 to 0.79 with 256 writers and 25ms, and
// 0.73 at 50ms, where MaxPending held it back.
const BatchDelay = 25 * time.Millisecond

// queueLen is the capacity of each writer's queue. The slots bound the
// jobs of all writers together; a job whose writer's queue is full waits in
// enqueue for the writer, which never waits for the crawl. (One queue of
// MaxPending per writer cost 20 MB per pipeline, one per revisit pass.)
const queueLen = 16

// MaxPending bounds the article pages the pipeline holds at once, all
// writers together: handed to Handle and not yet stored (or failed) and
// released (crawler.Page.Hold). It is what a kill can lose on top of the
// pages in the crawler's workers: a resumed run fetches those again.
const MaxPending = 256

// Pipeline is a crawler.Handler that extracts and stores article pages.
// Crawl workers extract; a pool of writers stores, so that a worker does not
// wait for the archive's commit before fetching its next page. Records of
// one URL always go to the same writer, so they are stored in the order they
// were fetched. Close waits for every queued record to be stored.
type Pipeline struct {
	archive store.Archive
	sites   map[string]Site
	log     *slog.Logger

	jobs   []chan job    // one queue per writer
	slots  chan struct{} // MaxPending tokens, one per job from enqueue to its end
	wg     sync.WaitGroup
	closed atomic.Bool

	articles, fresh, unchanged, notModified, failed, storeFailed, skipped atomic.Int64
	revisits, revisitsNew                                                 atomic.Int64

	mu       sync.Mutex
	fallback map[string]int64

	health  selectorHealth
	metrics *metrics.Registry // nil: none
}

// SetMetrics makes the pipeline count its snapshots, 304s, extraction
// failures and selector hits in m. Call it before the first Handle.
func (p *Pipeline) SetMetrics(m *metrics.Registry) {
	p.metrics = m
	p.health.metrics = m
}

// New returns a pipeline storing into archive. log nil discards.
func New(archive store.Archive, sites []Site, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pipeline{archive: archive, sites: make(map[string]Site, len(sites)), log: log, fallback: map[string]int64{}}
	for _, s := range sites {
		p.sites[s.Name] = s
	}
	p.slots = make(chan struct{}, MaxPending)
	p.jobs = make([]chan job, writers)
	for i := range p.jobs {
		q := make(chan job, queueLen)
		p.jobs[i] = q
		p.wg.Go(func() { p.write(q) })
	}
	return p
}

// queue is the writer queue of url.
func (p *Pipeline) queue(url string) chan<- job {
	h := fnv.New32a()
	h.Write([]byte(url))
	return p.jobs[h.Sum32()%uint32(len(p.jobs))]
}

// job is one record, or one 304, waiting for the store.
type job struct {
	ctx     context.Context
	site    string         // for the metrics
	page    string         // the URL fetched, for the log
	snap    store.Snapshot // a page fetched whole
	revisit *store.Revisit // or a 304: snap is unused
	release func()         // the page's crawler.Page.Hold, called once it is stored
}

func (p *Pipeline) write(q <-chan job) {
	for j := range q {
		var (
			out store.Outcome
			err error
		)
		canonical := j.snap.URL
		if j.revisit != nil {
			canonical = j.revisit.URL
			out, err = p.archive.Revisit(j.ctx, *j.revisit)
		} else {
			out, err = p.archive.Put(j.ctx, j.snap)
		}
		if err == nil {
			j.release() // stored: the crawler may mark the page done
			if out.Revisit > 0 {
				p.revisits.Add(1)
				if out.New {
					p.revisitsNew.Add(1)
				}
				p.metrics.Revisit(j.site, store.AgeLabel(out.Revisit), out.New)
			}
		}
		<-p.slots
		switch {
		case err != nil:
			p.failed.Add(1)
			p.storeFailed.Add(1)
			p.log.Error("store failed", keyURL, j.page, "canonical", canonical, "err", err)
		case out.New:
			p.fresh.Add(1)
			p.metrics.Snapshot(j.site, true)
			p.log.Debug("new version", keyURL, canonical, keyVersion, out.Version)
		default:
			p.unchanged.Add(1)
			p.metrics.Snapshot(j.site, false)
			if j.revisit != nil {
				p.notModified.Add(1)
				p.metrics.NotModified(j.site)
			}
		}
	}
}

// Close stores what is queued and stops the writers. Handle must not be
// called after Close.
func (p *Pipeline) Close() {
	if p.closed.CompareAndSwap(false, true) {
		for _, q := range p.jobs {
			close(q)
		}
	}
	p.wg.Wait()
}

// ErrNoContent is returned for an article page from which no headline and
// no paragraph could be extracted.
var ErrNoContent = errors.New("no article content found")

// Handle is the crawler.Handler: article pages are extracted and stored;
// other pages were only fetched for their links.
func (p *Pipeline) Handle(ctx context.Context, pg *crawler.Page) error {
	if !pg.Article {
		return nil
	}
	site := p.sites[pg.Site]
	if pg.NotModified {
		return p.notModifiedPage(ctx, pg)
	}
	if pg.Truncated {
		// Its text would be cut and its capture not the page: the crawler
		// has counted it; nothing is stored.
		p.skipped.Add(1)
		p.log.Warn("article larger than max_body_bytes: not stored", keyURL, pg.URL, "bytes_kept", len(pg.Body))
		return nil
	}
	if pg.Doc == nil {
		// An image, PDF or feed behind an article URL: nothing to extract.
		p.skipped.Add(1)
		p.log.Debug("not an HTML page; skipped", keyURL, pg.URL, "content_type", pg.Header.Get("Content-Type"))
		return nil
	}
	in := extract.Input{URL: pg.FinalURL.String(), ContentType: pg.Header.Get("Content-Type"), Domains: site.Domains, FetchedAt: pg.FetchedAt}
	art, err := site.finish(extract.ExtractDocument(pg.Doc, in, site.Rules))
	if err != nil {
		if site.AdHoc && errors.Is(err, ErrNoContent) {
			p.skipped.Add(1)
			return nil
		}
		p.failed.Add(1)
		p.metrics.ExtractFailed(site.Name)
		return fmt.Errorf("extract %s: %w", pg.URL, err)
	}
	p.articles.Add(1)
	p.health.observe(site.Name, site.Rules, art)
	if site.HasBody && strings.HasPrefix(art.Extractor, "generic@") {
		p.mu.Lock()
		p.fallback[site.Name]++
		p.mu.Unlock()
		p.log.Warn("body selector matched nothing; used the generic extractor", keySite, site.Name, keyURL, pg.URL)
	}
	snap, err := Snapshot(art, pageFetch(pg), store.OriginCrawl)
	if err != nil {
		p.failed.Add(1)
		return err
	}
	snap.Revisits = site.Revisits
	return p.enqueue(ctx, job{site: site.Name, page: pg.URL, snap: snap, release: pg.Hold()}, snap.URL)
}

// notModifiedPage counts a 304 against the version whose validators the
// crawler sent.
func (p *Pipeline) notModifiedPage(ctx context.Context, pg *crawler.Page) error {
	target := pg.FinalURL.String()
	v, err := p.archive.Validators(ctx, target)
	if err != nil {
		// The validators came from the archive a moment ago; without them
		// the 304 cannot be placed.
		p.failed.Add(1)
		return fmt.Errorf("304 for %s: %w", target, err)
	}
	p.articles.Add(1)
	r := &store.Revisit{
		URL:       v.URL,
		Version:   v.Version,
		FetchedAt: pg.FetchedAt,
		Kind:      store.FetchNotModified,
		TargetURI: target,
		Request:   pg.Request,
		Capture:   captureProto(pg.Proto, pg.Status, pg.Header, nil),
		Revisits:  p.sites[pg.Site].Revisits,
	}
	return p.enqueue(ctx, job{site: pg.Site, page: pg.URL, revisit: r, release: pg.Hold()}, v.URL)
}

// Validators is the crawler's Config.Validators: the ETag and
// Last-Modified stored for url, if any.
func (p *Pipeline) Validators(ctx context.Context, url string) (etag, lastModified string) {
	v, err := p.archive.Validators(ctx, url)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			p.log.Warn("read validators", keyURL, url, "err", err)
		}
		return "", ""
	}
	return v.ETag, v.LastModified
}

// enqueue hands j to the writer of the canonical URL. The store finishes
// even when the crawl is cancelled: what was fetched is kept. Only a full
// pipeline (MaxPending) makes a cancelled crawl drop it; its page is then
// not released.
func (p *Pipeline) enqueue(ctx context.Context, j job, canonical string) error {
	j.ctx = context.WithoutCancel(ctx)
	select {
	case p.slots <- struct{}{}:
	default:
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			p.failed.Add(1)
			return ctx.Err()
		}
	}
	// Waits only while the writer's queue is full: the writer drains it.
	p.queue(canonical) <- j
	return nil
}

// Extract runs the site's extraction on a response that was not crawled
// now (a stored capture, a WARC record): body is the payload with any
// Content-Encoding undone, target the URL it was fetched from, fetchedAt
// when it was fetched (zero: unknown). The result is what a crawl of the
// same response would have recorded.
func (s Site) Extract(target string, header http.Header, body []byte, fetchedAt time.Time) (*extract.Article, error) {
	in := extract.Input{URL: target, ContentType: header.Get("Content-Type"), Body: body, Domains: s.Domains, FetchedAt: fetchedAt}
	return s.finish(extract.Extract(in, s.Rules))
}

// finish applies what every extraction of the site's pages shares: a page
// with neither headline nor paragraph is ErrNoContent, and a configured
// site's pages carry its name also when the generic extractor took them.
func (s Site) finish(art *extract.Article, err error) (*extract.Article, error) {
	if err == nil && art.Headline == "" && len(art.Sections) == 0 {
		err = ErrNoContent
	}
	if err != nil {
		return nil, err
	}
	if !s.AdHoc {
		art.Site = s.Name
	}
	return art, nil
}

// Fetch is the HTTP exchange an article came from.
type Fetch struct {
	TargetURI string // the URL fetched; "" = the article's URL
	Request   []byte // the request head as sent; may be nil
	Proto     string // of the response; "" = HTTP/1.1
	Status    int
	Header    http.Header
	Body      []byte
	FetchedAt time.Time
}

// pageFetch is the exchange of a crawled page.
func pageFetch(pg *crawler.Page) Fetch {
	return Fetch{TargetURI: pg.FinalURL.String(), Request: pg.Request, Proto: pg.Proto, Status: pg.Status,
		Header: pg.Header, Body: pg.Body, FetchedAt: pg.FetchedAt}
}

// FillFetch sets the record's fetch fields from f: fetched_at (unless f
// has no time), status and payload_digest.
func FillFetch(art *extract.Article, f Fetch) {
	if !f.FetchedAt.IsZero() {
		art.FetchedAt = f.FetchedAt.UTC().Format(time.RFC3339)
	}
	art.Status = f.Status
	art.PayloadDigest = PayloadDigest(f.Body)
}

// Snapshot fills the record's fetch fields from f and makes the snapshot
// that stores it with its raw capture.
func Snapshot(art *extract.Article, f Fetch, origin store.Origin) (store.Snapshot, error) {
	FillFetch(art, f)
	rec, err := json.Marshal(art)
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("encode record %s: %w", art.URL, err)
	}
	return store.Snapshot{
		URL:           art.URL,
		Site:          art.Site,
		FetchedAt:     f.FetchedAt,
		ContentHash:   art.ContentHash,
		Record:        rec,
		Capture:       captureProto(f.Proto, f.Status, f.Header, f.Body),
		Origin:        origin,
		TargetURI:     f.TargetURI,
		Request:       f.Request,
		PayloadDigest: art.PayloadDigest,
		ETag:          f.Header.Get("ETag"),
		LastModified:  f.Header.Get("Last-Modified"),
	}, nil
}

// Counts returns the running totals; safe during a crawl.
func (p *Pipeline) Counts() Counts {
	c := Counts{
		Articles:    p.articles.Load(),
		New:         p.fresh.Load(),
		Unchanged:   p.unchanged.Load(),
		NotModified: p.notModified.Load(),
		Failed:      p.failed.Load(),
		StoreFailed: p.storeFailed.Load(),
		Skipped:     p.skipped.Load(),
		Revisits:    p.revisits.Load(),
		RevisitsNew: p.revisitsNew.Load(),
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.fallback) > 0 {
		c.BodyFallback = make(map[string]int64, len(p.fallback))
		for k, v := range p.fallback {
			c.BodyFallback[k] = v
		}
	}
	return c
}

// SelectorHealth returns, per site and selector, on how many of the run's
// article pages the selector took something; see Unhealthy.
func (p *Pipeline) SelectorHealth() []FieldHealth { return p.health.snapshot() }

// PayloadDigest is the WARC payload digest of body: "sha1:" + base32.
func PayloadDigest(body []byte) string {
	sum := sha1.Sum(body)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// Capture is the raw HTTP/1.1 response as stored: status line, headers in
// sorted order, blank line, body as received.
func Capture(status int, h http.Header, body []byte) []byte {
	return captureProto("", status, h, body)
}

// captureProto is Capture with the response's protocol ("" = HTTP/1.1).
func captureProto(proto string, status int, h http.Header, body []byte) []byte {
	if proto == "" {
		proto = "HTTP/1.1"
	}
	var b bytes.Buffer
	b.Grow(len(body) + 512)
	b.WriteString(proto)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(status))
	b.WriteByte(' ')
	b.WriteString(http.StatusText(status))
	b.WriteString("\r\n")
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
