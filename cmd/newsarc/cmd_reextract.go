package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/internal/recdiff"
	"github.com/newsarc/newsarc/internal/warc"
	"github.com/newsarc/newsarc/store"
)

type reextractOptions struct {
	site     string
	dryRun   bool
	withDemo bool
}

func newReextractCmd(g *globalOptions) *cobra.Command {
	o := &reextractOptions{}
	cmd := &cobra.Command{
		Use:   "reextract [--site NAME] [--dry-run]",
		Short: "Run today's site files over the stored captures; store a new version where the content changes",
		Long: `Re-run extraction over the stored raw capture of each article's latest
version, with the site files as they are now. Where the extracted content
differs, a new version is stored with origin "reextract"; its record's
extractor names the site file hash that produced it, and the earlier versions
stay as they were. Prints how many records changed, per field. --dry-run
reports without storing.`,
		Args: args(0, 0),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runReextract(cmd.Context(), g, o)
		},
	}
	cmd.Flags().StringVar(&o.site, "site", "", "only this site's articles")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "report what would change; store nothing")
	cmd.Flags().BoolVar(&o.withDemo, "demo", false, "also apply the built-in demo site's rules (to pages of crawl --demo)")
	return cmd
}

// latestFetch is what reextract needs of an article's latest version.
type latestFetch struct {
	url, site, target, hash string
	version, source         int
	fetchedAt               time.Time
	record                  []byte
}

// reextractCounts is the report of a reextract run.
type reextractCounts struct {
	records, changed, unchanged, failed int
	fields                              map[string]int
}

func runReextract(ctx context.Context, g *globalOptions, o *reextractOptions) error {
	cfg, sites, err := g.configAndSites(o.withDemo)
	if err != nil {
		return err
	}
	if o.site != "" {
		if _, err := findSite(sites, o.site); err != nil {
			return err
		}
	}
	db, err := store.Open(cfg.DB, &store.Options{ReadOnly: o.dryRun})
	if err != nil {
		return err
	}
	defer db.Close()
	log := g.logger()

	start := time.Now()
	latest, err := latestVersions(ctx, db, store.Filter{Site: o.site})
	if err != nil {
		return err
	}
	c := reextractCounts{fields: map[string]int{}}
	for _, l := range latest {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.records++
		changed, fields, err := reextractOne(ctx, db, sites, l, o.dryRun)
		var se *storeError
		switch {
		case errors.As(err, &se):
			return err // the archive refuses writes: stop rather than count
		case err != nil:
			c.failed++
			log.Warn("reextract", keyURL, l.url, "version", l.version, "err", err)
		case fields == nil && !changed:
			c.unchanged++
		default:
			c.changed++
			for _, f := range fields {
				c.fields[f]++
			}
		}
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("close archive: %w", err)
	}
	c.print(g.stdout, time.Since(start), o.dryRun)
	return nil
}

// latestVersions lists each article's latest version, with what its fetch
// was, in fetch order.
func latestVersions(ctx context.Context, a store.Archive, f store.Filter) ([]*latestFetch, error) {
	byURL := map[string]*latestFetch{}
	var order []*latestFetch
	err := a.Fetches(ctx, f, func(fe store.Fetch) error {
		if fe.Kind != store.FetchVersion {
			return nil
		}
		l := byURL[fe.URL]
		if l == nil {
			l = &latestFetch{url: fe.URL}
			byURL[fe.URL] = l
			order = append(order, l)
		} else if fe.Version < l.version {
			return nil
		}
		l.site, l.target, l.version, l.source, l.fetchedAt = fe.Site, fe.TargetURI, fe.Version, fe.Source, fe.FetchedAt
		l.record = bytes.Clone(fe.Record)
		var art extract.Article
		if err := json.Unmarshal(fe.Record, &art); err != nil {
			return fmt.Errorf("decode record %s v%d: %w", fe.URL, fe.Version, err)
		}
		l.hash = art.ContentHash
		return nil
	})
	return order, err
}

// reextractOne extracts l's capture again. It reports whether the content
// changed, and which fields; a changed record is stored unless dryRun.
func reextractOne(ctx context.Context, db *store.DB, sites []*config.Site, l *latestFetch, dryRun bool) (bool, []string, error) {
	capture, err := db.Capture(ctx, l.url, l.version)
	if err != nil {
		return false, nil, err
	}
	res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(capture)), nil)
	if err != nil {
		return false, nil, fmt.Errorf("read capture: %w", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return false, nil, fmt.Errorf("read capture: %w", err)
	}
	body, err := warc.DecodedBody(&warc.HTTPResponse{Proto: res.Proto, Status: res.StatusCode, Header: res.Header, Body: raw})
	if err != nil {
		return false, nil, err
	}
	site, err := reextractSite(sites, l)
	if err != nil {
		return false, nil, err
	}
	art, err := site.Extract(l.target, res.Header, body, l.fetchedAt)
	if err != nil {
		return false, nil, err
	}
	art.URL = l.url // the article keeps its place in the archive
	pipeline.FillFetch(art, pipeline.Fetch{Status: res.StatusCode, Header: res.Header, Body: raw, FetchedAt: l.fetchedAt})
	if art.ContentHash == l.hash {
		return false, nil, nil
	}
	var old extract.Article
	if err := json.Unmarshal(l.record, &old); err != nil {
		return false, nil, fmt.Errorf("decode record: %w", err)
	}
	fields := recdiff.Fields(recdiff.Diff(&old, art))
	if len(fields) == 0 {
		fields = []string{"(normalisation)"} // the hash moved but no compared field did
	}
	if dryRun {
		return true, fields, nil
	}
	snap, err := pipeline.Snapshot(art, pipeline.Fetch{TargetURI: l.target, Status: res.StatusCode, Header: res.Header,
		Body: raw, FetchedAt: l.fetchedAt}, store.OriginReextract)
	if err != nil {
		return false, nil, err
	}
	snap.Capture = nil
	snap.Source = l.version
	if l.source > 0 {
		snap.Source = l.source // a re-extraction of a re-extraction reads the same capture
	}
	if _, err := db.Put(ctx, snap); err != nil {
		return false, nil, &storeError{err}
	}
	return true, fields, nil
}

// storeError is a failed write to the archive.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// reextractSite is the site whose rules apply to l today: the one it was
// stored under, or the generic extractor for ad hoc pages.
func reextractSite(sites []*config.Site, l *latestFetch) (pipeline.Site, error) {
	if l.site == "" {
		host := ""
		if u, err := url.Parse(l.target); err == nil {
			host = u.Hostname()
		}
		return pipeline.Site{Name: host, Domains: []string{host}, AdHoc: true}, nil
	}
	for _, s := range sites {
		if s.Name == l.site {
			return pipeline.Site{Name: s.Name, Domains: s.Crawl.Domains, Rules: s.Rules, HasBody: s.HasBody}, nil
		}
	}
	return pipeline.Site{}, fmt.Errorf("site %q is no longer configured", l.site)
}

func (c *reextractCounts) print(w io.Writer, took time.Duration, dryRun bool) {
	what := "new versions"
	if dryRun {
		what = "dry run: nothing stored"
	}
	fmt.Fprintf(w, "reextract finished in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(w, "  records      %d\n", c.records)
	fmt.Fprintf(w, "  changed      %d (%s)\n", c.changed, what)
	fmt.Fprintf(w, "  unchanged    %d\n", c.unchanged)
	fmt.Fprintf(w, "  errors       %d\n", c.failed)
	if len(c.fields) == 0 {
		return
	}
	names := make([]string, 0, len(c.fields))
	for f := range c.fields {
		names = append(names, f)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "  changed records per field:\n")
	for _, f := range names {
		fmt.Fprintf(w, "    %-14s %d\n", f, c.fields[f])
	}
}
