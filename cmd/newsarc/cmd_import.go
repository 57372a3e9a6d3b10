package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/internal/warc"
	"github.com/newsarc/newsarc/store"
)

func newImportCmd(g *globalOptions) *cobra.Command {
	var withDemo bool
	cmd := &cobra.Command{
		Use:   "import FILE.warc[.gz]...",
		Short: "Ingest the response records of WARC files written by newsarc or other crawlers",
		Long: `Read WARC files (wget --warc-file, Heritrix, browsertrix, newsarc export) and
store the articles in their response records, as a crawl would: each page is
extracted with the rules of the site whose domains hold its URL (the generic
extractor otherwise), dated by its WARC-Date, and stored as a new version only
when its content changed. Revisit records count as the article seen again.
Records are taken in file order: give the files oldest first.`,
		Args: args(1, -1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runImport(cmd.Context(), g, a, withDemo)
		},
	}
	cmd.Flags().BoolVar(&withDemo, "demo", false, "also apply the built-in demo site's rules (for WARCs of crawl --demo)")
	return cmd
}

func runImport(ctx context.Context, g *globalOptions, files []string, withDemo bool) error {
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	cfg, sites, err := g.configAndSites(withDemo)
	if err != nil {
		return err
	}
	db, err := store.Open(cfg.DB, nil)
	if err != nil {
		return err
	}
	defer db.Close()

	start := time.Now()
	im := newImporter(db, sites, g.logger())
	// Pages longer than a crawl would keep are not imported either; the
	// reader keeps only their head.
	im.maxBlock = cfg.MaxBodyBytes + 64<<10
	var runErr error
	for _, f := range files {
		if runErr = im.file(ctx, f); runErr != nil {
			break
		}
	}
	im.close()
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close archive: %w", err)
	}
	im.printSummary(g.stdout, time.Since(start))
	if runErr == nil && im.storeFailed.Load() > 0 {
		runErr = fmt.Errorf("%d imported records could not be stored in %s (see the log)", im.storeFailed.Load(), cfg.DB)
	}
	return runErr
}

// importWriters is how many Puts an import keeps in flight, so that the
// store can group them into batch commits.
const importWriters = 16

// importer reads WARC records and stores the articles in them. Records of
// one article go to one writer, in file order, so a revisit is stored after
// the response it refers to.
type importer struct {
	archive  store.Archive
	sites    []*config.Site
	log      *slog.Logger
	maxBlock int64 // Reader.MaxBlockSize

	queues []chan func(context.Context)
	wg     sync.WaitGroup

	// Of the reading goroutine only.
	requests     map[string][]byte // request records not yet matched, by record ID
	requestOrder []string          // their IDs, oldest first, to bound the map
	byID         map[string]*imported
	byTime       map[string]*imported // by target URI and WARC-Date

	records, responsesRead, articles, fresh, unchanged, revisits, duplicates atomic.Int64
	skipped, orphans, failed, storeFailed                                    atomic.Int64
}

// maxPendingRequests bounds the request records kept while waiting for
// their response.
const maxPendingRequests = 1000

// imported is an article response as the writers stored it; version is
// set by the writer of url before any revisit of it runs on that writer.
type imported struct {
	url     string
	version int
}

func newImporter(a store.Archive, sites []*config.Site, log *slog.Logger) *importer {
	im := &importer{archive: a, sites: sites, log: log, requests: map[string][]byte{},
		byID: map[string]*imported{}, byTime: map[string]*imported{}}
	im.queues = make([]chan func(context.Context), importWriters)
	for i := range im.queues {
		q := make(chan func(context.Context), 64)
		im.queues[i] = q
		im.wg.Go(func() {
			for job := range q {
				job(context.Background())
			}
		})
	}
	return im
}

// enqueue runs job on the writer of canonical URL u.
func (im *importer) enqueue(ctx context.Context, u string, job func(context.Context)) error {
	h := fnv.New32a()
	h.Write([]byte(u))
	select {
	case im.queues[h.Sum32()%importWriters] <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close waits for every queued record to be stored.
func (im *importer) close() {
	for _, q := range im.queues {
		close(q)
	}
	im.wg.Wait()
}

// file imports one WARC file. A malformed record is logged, counted and
// skipped. A response or revisit is held until the next record is read, so
// that a request record written after it (as Heritrix does) is kept with it.
func (im *importer) file(ctx context.Context, path string) error {
	r, err := warc.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer r.Close()
	r.MaxBlockSize = im.maxBlock
	log := im.log.With("file", path)
	var pending *warc.Record // a response or revisit waiting for its request
	flush := func(req []byte) error {
		if pending == nil {
			return nil
		}
		rec := pending
		pending = nil
		if req == nil {
			req = im.request(rec)
		}
		if rec.Type == "response" {
			return im.response(ctx, log, rec, req)
		}
		return im.revisit(ctx, log, rec, req)
	}
	bad := 0 // unreadable records in a row
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return flush(nil)
		}
		if err != nil {
			// The reader resynchronises at the next record; a file that
			// keeps failing is given up.
			im.failed.Add(1)
			log.Error("unreadable WARC record skipped", "err", err)
			if bad++; bad == 100 {
				return fmt.Errorf("import %s: 100 unreadable records in a row; last: %w", path, err)
			}
			continue
		}
		bad = 0
		im.records.Add(1)
		if rec.Type == "request" && pending != nil && slices.Contains(rec.ConcurrentTo, pending.ID) {
			if err := flush(rec.Block); err != nil {
				return err
			}
			continue
		}
		if err := flush(nil); err != nil {
			return err
		}
		switch rec.Type {
		case "request":
			im.keepRequest(rec)
		case "response", "revisit":
			if im.usable(log, rec) {
				pending = rec
			}
		}
	}
}

// usable reports whether a response or revisit record can be imported:
// it has a date and a target, and a response matches its digests.
func (im *importer) usable(log *slog.Logger, rec *warc.Record) bool {
	log = log.With("type", rec.Type, "offset", rec.Offset, keyURL, rec.TargetURI)
	for _, w := range rec.Warnings {
		// A response that does not match its digests is not what was
		// fetched. A revisit keeps only headers, and wget writes the
		// block digest of an empty block on its revisits: a warning.
		var de *warc.DigestError
		if errors.As(w, &de) && rec.Type == "response" {
			im.failed.Add(1)
			log.Error("WARC record does not match its digest: not imported", "err", w)
			return false
		}
		log.Warn("WARC record", "warning", w)
	}
	switch {
	case rec.Date.IsZero() || rec.Date.Year() < 1678 || rec.Date.Year() > 2261:
		im.failed.Add(1)
		log.Error("WARC record without a usable WARC-Date: not imported", "date", rec.Date)
		return false
	case rec.TargetURI == "":
		im.failed.Add(1)
		log.Error("WARC record without WARC-Target-URI: not imported")
		return false
	}
	return true
}

// keepRequest holds a request record until its response comes.
func (im *importer) keepRequest(rec *warc.Record) {
	if len(im.requestOrder) >= maxPendingRequests {
		delete(im.requests, im.requestOrder[0])
		im.requestOrder = im.requestOrder[1:]
	}
	im.requests[rec.ID] = rec.Block
	im.requestOrder = append(im.requestOrder, rec.ID)
}

// request returns the request record that rec names in
// WARC-Concurrent-To, if it came before rec.
func (im *importer) request(rec *warc.Record) []byte {
	for _, id := range rec.ConcurrentTo {
		if b, ok := im.requests[id]; ok {
			delete(im.requests, id)
			return b
		}
	}
	return nil
}

func timeKey(target string, t time.Time) string {
	return target + "\x00" + t.UTC().Format(time.RFC3339Nano)
}

// response extracts and stores the article of a response record. A
// response it skips is remembered, so that its revisits are skipped too.
func (im *importer) response(ctx context.Context, log *slog.Logger, rec *warc.Record, req []byte) error {
	skipped := &imported{} // url "": not stored
	im.byTime[timeKey(rec.TargetURI, rec.Date)] = skipped
	if rec.ID != "" {
		im.byID[rec.ID] = skipped
	}
	res := rec.HTTP
	if res == nil {
		im.skipped.Add(1)
		return nil
	}
	im.responsesRead.Add(1)
	target := rec.TargetURI
	log = log.With(keyURL, target, "warc_date", rec.Date.Format(time.RFC3339Nano))
	if rec.BlockTruncated {
		im.skipped.Add(1)
		log.Warn("response larger than max_body_bytes: skipped", "max_body_bytes", im.maxBlock)
		return nil
	}
	if res.Status < 200 || res.Status > 299 {
		im.skipped.Add(1)
		log.Debug("not a 2xx response: skipped", "status", res.Status)
		return nil
	}
	site, ok := im.site(target)
	if !ok {
		im.skipped.Add(1)
		log.Debug("not an article URL of its site: skipped", "site", site.Name)
		return nil
	}
	body, err := warc.DecodedBody(res)
	if err != nil {
		im.failed.Add(1)
		log.Warn("undo content encoding", "err", err)
		return nil
	}
	art, err := site.Extract(target, res.Header, body, rec.Date)
	switch {
	case errors.Is(err, extract.ErrNotHTML), site.AdHoc && errors.Is(err, pipeline.ErrNoContent):
		im.skipped.Add(1)
		return nil
	case err != nil:
		im.failed.Add(1)
		log.Warn("extract", "err", err)
		return nil
	}
	im.articles.Add(1)
	snap, err := pipeline.Snapshot(art, pipeline.Fetch{TargetURI: target, Request: req, Proto: res.Proto,
		Status: res.Status, Header: res.Header, Body: res.Body, FetchedAt: rec.Date}, store.OriginImport)
	if err != nil {
		im.failed.Add(1)
		log.Warn("encode", "err", err)
		return nil
	}
	snap.Capture = rec.Block // the response as the other crawler kept it
	slot := &imported{url: snap.URL}
	im.byTime[timeKey(target, rec.Date)] = slot
	if rec.ID != "" {
		im.byID[rec.ID] = slot
	}
	return im.enqueue(ctx, snap.URL, func(ctx context.Context) {
		if im.alreadyKept(ctx, log, snap.URL, rec.Date) {
			return
		}
		im.warnIfOlder(ctx, log, snap.URL, rec.Date)
		out, err := im.archive.Put(ctx, snap)
		if err != nil {
			im.storeFailed.Add(1)
			log.Error("store failed", "canonical", snap.URL, "err", err)
			return
		}
		slot.version = out.Version
		if out.New {
			im.fresh.Add(1)
		} else {
			im.unchanged.Add(1)
		}
	})
}

// revisit counts a revisit record against the version of the response it
// refers to (see original).
func (im *importer) revisit(ctx context.Context, log *slog.Logger, rec *warc.Record, req []byte) error {
	log = log.With(keyURL, rec.TargetURI, "warc_date", rec.Date.Format(time.RFC3339Nano))
	var kind store.FetchKind
	switch {
	case strings.HasSuffix(rec.Profile, "/server-not-modified"):
		kind = store.FetchNotModified
	case strings.HasSuffix(rec.Profile, "/identical-payload-digest"):
		kind = store.FetchIdentical
	default:
		im.skipped.Add(1)
		log.Debug("revisit profile not imported", "profile", rec.Profile)
		return nil
	}
	slot, err := im.original(ctx, rec, kind)
	if err != nil {
		return err
	}
	if slot != nil && slot.url == "" {
		im.skipped.Add(1) // of a response this import skipped: not an article
		return nil
	}
	if slot == nil {
		im.orphans.Add(1)
		log.Warn("revisit of a response neither in this import nor in the archive: skipped",
			"refers_to", rec.RefersTo, "refers_to_target", rec.RefersToTargetURI, "refers_to_date", rec.RefersToDate)
		return nil
	}
	r := store.Revisit{URL: slot.url, FetchedAt: rec.Date, Kind: kind, TargetURI: rec.TargetURI, Request: req, Capture: rec.Block,
		Origin: store.OriginImport}
	return im.enqueue(ctx, slot.url, func(ctx context.Context) {
		if im.alreadyKept(ctx, log, slot.url, rec.Date) {
			return
		}
		if slot.version == 0 {
			im.orphans.Add(1)
			log.Warn("revisit of a response that was not stored: skipped")
			return
		}
		r.Version = slot.version
		if _, err := im.archive.Revisit(ctx, r); err != nil {
			im.storeFailed.Add(1)
			log.Error("store failed", "canonical", r.URL, "err", err)
			return
		}
		im.revisits.Add(1)
	})
}

// original finds the version a revisit record refers to: a response of
// this import, by WARC-Refers-To (its record ID) or by
// WARC-Refers-To-Target-URI and -Date; else one in the archive, found by
// the refers-to target URI (through its validators, or as the article's
// own URL) and, for identical-payload-digest revisits, the payload digest.
// nil when there is none.
func (im *importer) original(ctx context.Context, rec *warc.Record, kind store.FetchKind) (*imported, error) {
	if slot := im.byID[rec.RefersTo]; rec.RefersTo != "" && slot != nil {
		return slot, nil
	}
	target := rec.RefersToTargetURI
	if target == "" {
		target = rec.TargetURI
	}
	if slot := im.byTime[timeKey(target, rec.RefersToDate)]; slot != nil {
		return slot, nil
	}
	var candidates []*imported
	if v, err := im.archive.Validators(ctx, target); err == nil {
		candidates = append(candidates, &imported{url: v.URL, version: v.Version})
	}
	if u, err := urlnorm.Normalize(target); err == nil {
		if h, err := im.archive.History(ctx, u); err == nil {
			for i := len(h) - 1; i >= 0; i-- {
				candidates = append(candidates, &imported{url: u, version: h[i].Version})
			}
		}
	}
	for _, c := range candidates {
		if kind != store.FetchIdentical || rec.PayloadDigest == "" || im.samePayload(ctx, c, rec.PayloadDigest) {
			return c, nil
		}
	}
	return nil, nil
}

// samePayload reports whether the version c's payload has the digest d:
// the record's payload digest (of the body without transfer encoding), or
// that of the body as the capture holds it (wget digests a chunked body
// with its chunking).
func (im *importer) samePayload(ctx context.Context, c *imported, d string) bool {
	if raw, err := im.archive.Record(ctx, c.url, c.version); err == nil {
		var art extract.Article
		if json.Unmarshal(raw, &art) == nil && art.PayloadDigest == d {
			return true
		}
	}
	capture, err := im.archive.Capture(ctx, c.url, c.version)
	if err != nil {
		return false
	}
	_, body, ok := bytes.Cut(capture, []byte("\r\n\r\n"))
	return ok && warc.Digest(body) == d
}

// alreadyKept reports (and counts) a fetch the archive holds already: the
// same WARC imported twice counts nothing twice.
func (im *importer) alreadyKept(ctx context.Context, log *slog.Logger, url string, at time.Time) bool {
	kept, err := im.archive.HasFetch(ctx, url, at)
	if err != nil {
		log.Warn("look up fetch", "err", err)
		return false
	}
	if kept {
		im.duplicates.Add(1)
	}
	return kept
}

// warnIfOlder logs a capture older than the URL's latest version: it is
// stored as the next version all the same, since versions are numbered in
// the order they are stored.
func (im *importer) warnIfOlder(ctx context.Context, log *slog.Logger, url string, at time.Time) {
	h, err := im.archive.History(ctx, url)
	if err != nil || len(h) == 0 {
		return
	}
	if latest := h[len(h)-1]; at.Before(latest.FetchedAt) {
		log.Warn("capture older than the archive's latest version of this URL; import older files first",
			"latest_version", latest.Version, "latest_fetched_at", latest.FetchedAt.Format(time.RFC3339Nano))
	}
}

// site returns the extraction rules for a URL and whether the URL is an
// article page of its site (not ignored, and an article URL when the site
// lists any). URLs of no configured site are ad hoc: any
// page with article content is kept.
func (im *importer) site(target string) (pipeline.Site, bool) {
	u, err := url.Parse(target)
	if err != nil {
		return pipeline.Site{AdHoc: true}, true
	}
	s := siteFor(im.sites, u)
	if s == nil {
		return pipeline.Site{Name: u.Hostname(), Domains: []string{u.Hostname()}, AdHoc: true}, true
	}
	ps := pipeline.Site{Name: s.Name, Domains: s.Crawl.Domains, Rules: s.Rules, HasBody: s.HasBody}
	pathQuery := urlnorm.PathQuery(u)
	for _, re := range s.Crawl.IgnoreURLs {
		if re.MatchString(pathQuery) {
			return ps, false
		}
	}
	if len(s.Crawl.ArticleURLs) == 0 {
		return ps, true
	}
	for _, re := range s.Crawl.ArticleURLs {
		if re.MatchString(pathQuery) {
			return ps, true
		}
	}
	return ps, false
}

func (im *importer) printSummary(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "import finished in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(w, "  records      %d\n", im.records.Load())
	fmt.Fprintf(w, "  responses    %d\n", im.responsesRead.Load())
	fmt.Fprintf(w, "  articles     %d\n", im.articles.Load())
	fmt.Fprintf(w, "  new          %d\n", im.fresh.Load())
	fmt.Fprintf(w, "  unchanged    %d\n", im.unchanged.Load())
	fmt.Fprintf(w, "  revisits     %d\n", im.revisits.Load())
	fmt.Fprintf(w, "  already kept %d (fetches this archive holds already)\n", im.duplicates.Load())
	fmt.Fprintf(w, "  skipped      %d (not 2xx, not HTML, not an article URL, no article content)\n", im.skipped.Load())
	if n := im.orphans.Load(); n > 0 {
		fmt.Fprintf(w, "  orphans      %d (revisits of responses neither in the import nor in the archive)\n", n)
	}
	fmt.Fprintf(w, "  errors       %d\n", im.failed.Load()+im.storeFailed.Load())
}
