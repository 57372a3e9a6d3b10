package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/pipeline"
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
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	sites, err := g.loadSites(cfg)
	if err != nil {
		return err
	}
	if withDemo {
		if sites, err = addDemoSite(sites); err != nil {
			return err
		}
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
	requests  map[string][]byte // request records by record ID
	responses map[string]*imported

	records, responsesRead, articles, fresh, unchanged, revisits, skipped, failed, storeFailed atomic.Int64
}

// imported is an article response as the writers stored it; version is
// set by the writer of url before any revisit of it runs on that writer.
type imported struct {
	url     string
	version int
}

func newImporter(a store.Archive, sites []*config.Site, log *slog.Logger) *importer {
	im := &importer{archive: a, sites: sites, log: log, requests: map[string][]byte{}, responses: map[string]*imported{}}
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
// skipped.
func (im *importer) file(ctx context.Context, path string) error {
	r, err := warc.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer r.Close()
	r.MaxBlockSize = im.maxBlock
	log := im.log.With("file", path)
	bad := 0 // unreadable records in a row
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
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
		for _, w := range rec.Warnings {
			log.Warn("WARC record", "type", rec.Type, "offset", rec.Offset, keyURL, rec.TargetURI, "warning", w)
		}
		switch rec.Type {
		case "request":
			if len(im.requests) > 10000 { // requests whose response never came
				clear(im.requests)
			}
			im.requests[rec.ID] = rec.Block
		case "response":
			if err := im.response(ctx, log, rec); err != nil {
				return err
			}
		case "revisit":
			if err := im.revisit(ctx, log, rec); err != nil {
				return err
			}
		}
	}
}

// request returns the request record linked to rec, if it came before it.
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

// response extracts and stores the article of a response record.
func (im *importer) response(ctx context.Context, log *slog.Logger, rec *warc.Record) error {
	req := im.request(rec)
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
	art, err := site.Extract(target, res.Header, body)
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
	if !res.Chunked {
		snap.Capture = rec.Block // the response as the other crawler kept it
	}
	slot := &imported{url: snap.URL}
	im.responses[timeKey(target, rec.Date)] = slot
	return im.enqueue(ctx, snap.URL, func(ctx context.Context) {
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
// refers to: one imported just before, or the one the archive holds
// validators for.
func (im *importer) revisit(ctx context.Context, log *slog.Logger, rec *warc.Record) error {
	req := im.request(rec)
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
	slot := im.responses[timeKey(rec.RefersToTargetURI, rec.RefersToDate)]
	if slot == nil {
		v, err := im.archive.Validators(ctx, rec.RefersToTargetURI)
		if err != nil {
			im.skipped.Add(1)
			log.Warn("revisit of a response neither in this import nor in the archive: skipped",
				"refers_to", rec.RefersToTargetURI, "err", err)
			return nil
		}
		slot = &imported{url: v.URL, version: v.Version}
	}
	r := store.Revisit{URL: slot.url, FetchedAt: rec.Date, Kind: kind, TargetURI: rec.TargetURI, Request: req, Capture: rec.Block,
		Origin: store.OriginImport}
	return im.enqueue(ctx, slot.url, func(ctx context.Context) {
		if slot.version == 0 {
			im.skipped.Add(1)
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

// site returns the extraction rules for a URL and whether the URL is an
// article page of its site. URLs of no configured site are ad hoc: any
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
	if len(s.Crawl.ArticleURLs) == 0 {
		return ps, true
	}
	pathQuery := u.EscapedPath()
	if u.RawQuery != "" {
		pathQuery += "?" + u.RawQuery
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
	fmt.Fprintf(w, "  skipped      %d (not 2xx, not HTML, not an article URL, no article content)\n", im.skipped.Load())
	fmt.Fprintf(w, "  errors       %d\n", im.failed.Load()+im.storeFailed.Load())
}
