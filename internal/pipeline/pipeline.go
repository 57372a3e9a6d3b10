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
}

// Counts are the pipeline's running totals.
type Counts struct {
	Articles     int64 // article pages extracted
	New          int64 // new versions stored
	Unchanged    int64 // re-fetches with unchanged content
	Failed       int64 // article pages that could not be extracted or stored
	StoreFailed  int64 // of which: extracted but the archive refused them
	Skipped      int64 // non-HTML article URLs, and ad hoc pages with no article content
	BodyFallback map[string]int64
}

// writers is how many Puts the pipeline keeps in flight: enough for the
// store to group them into large batch commits while crawl workers go on.
const writers = 64

// queueLen bounds the records extracted but not yet handed to the store:
// what a kill can lose on top of the store's uncommitted batch.
const queueLen = 256

// Pipeline is a crawler.Handler that extracts and stores article pages.
// Crawl workers extract; a pool of writers stores, so that a worker does not
// wait for the archive's commit before fetching its next page. Records of
// one URL always go to the same writer, so they are stored in the order they
// were fetched. Close waits for every queued record to be stored.
type Pipeline struct {
	archive store.Archive
	sites   map[string]Site
	log     *slog.Logger

	jobs   []chan job // one queue per writer
	wg     sync.WaitGroup
	closed atomic.Bool

	articles, fresh, unchanged, failed, storeFailed, skipped atomic.Int64

	mu       sync.Mutex
	fallback map[string]int64
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

// job is one record waiting for the store.
type job struct {
	ctx  context.Context
	page string // the URL fetched, for the log
	snap store.Snapshot
}

func (p *Pipeline) write(q <-chan job) {
	for j := range q {
		out, err := p.archive.Put(j.ctx, j.snap)
		switch {
		case err != nil:
			p.failed.Add(1)
			p.storeFailed.Add(1)
			p.log.Error("store failed", keyURL, j.page, "canonical", j.snap.URL, "err", err)
		case out.New:
			p.fresh.Add(1)
			p.log.Debug("new version", keyURL, j.snap.URL, keyVersion, out.Version)
		default:
			p.unchanged.Add(1)
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
	if pg.Doc == nil {
		// An image, PDF or feed behind an article URL: nothing to extract.
		p.skipped.Add(1)
		p.log.Debug("not an HTML page; skipped", keyURL, pg.URL, "content_type", pg.Header.Get("Content-Type"))
		return nil
	}
	in := extract.Input{URL: pg.FinalURL.String(), ContentType: pg.Header.Get("Content-Type"), Domains: site.Domains}
	art, err := extract.ExtractDocument(pg.Doc, in, site.Rules)
	if err == nil && art.Headline == "" && len(art.Sections) == 0 {
		err = ErrNoContent
	}
	if err != nil {
		if site.AdHoc && errors.Is(err, ErrNoContent) {
			p.skipped.Add(1)
			return nil
		}
		p.failed.Add(1)
		return fmt.Errorf("extract %s: %w", pg.URL, err)
	}
	p.articles.Add(1)
	if !site.AdHoc {
		art.Site = site.Name // also when the generic extractor took the page
	}
	if site.HasBody && strings.HasPrefix(art.Extractor, "generic@") {
		p.mu.Lock()
		p.fallback[site.Name]++
		p.mu.Unlock()
		p.log.Warn("body selector matched nothing; used the generic extractor", keySite, site.Name, keyURL, pg.URL)
	}
	snap, err := Snapshot(art, Fetch{Status: pg.Status, Header: pg.Header, Body: pg.Body, FetchedAt: pg.FetchedAt}, store.OriginCrawl)
	if err != nil {
		p.failed.Add(1)
		return err
	}
	// The store finishes even when the crawl is cancelled: what was
	// extracted is kept. Only a full queue makes a cancelled crawl drop it.
	j := job{ctx: context.WithoutCancel(ctx), page: pg.URL, snap: snap}
	q := p.queue(snap.URL)
	select {
	case q <- j:
		return nil
	default:
	}
	select {
	case q <- j:
		return nil
	case <-ctx.Done():
		p.failed.Add(1)
		return ctx.Err()
	}
}

// Fetch is the HTTP exchange an article came from.
type Fetch struct {
	Status    int
	Header    http.Header
	Body      []byte
	FetchedAt time.Time
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
		URL:         art.URL,
		Site:        art.Site,
		FetchedAt:   f.FetchedAt,
		ContentHash: art.ContentHash,
		Record:      rec,
		Capture:     Capture(f.Status, f.Header, f.Body),
		Origin:      origin,
	}, nil
}

// Counts returns the running totals; safe during a crawl.
func (p *Pipeline) Counts() Counts {
	c := Counts{
		Articles:    p.articles.Load(),
		New:         p.fresh.Load(),
		Unchanged:   p.unchanged.Load(),
		Failed:      p.failed.Load(),
		StoreFailed: p.storeFailed.Load(),
		Skipped:     p.skipped.Load(),
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

// PayloadDigest is the WARC payload digest of body: "sha1:" + base32.
func PayloadDigest(body []byte) string {
	sum := sha1.Sum(body)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// Capture is the raw HTTP response as stored: status line, headers in
// sorted order, blank line, body as received.
func Capture(status int, h http.Header, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body) + 512)
	b.WriteString("HTTP/1.1 ")
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
