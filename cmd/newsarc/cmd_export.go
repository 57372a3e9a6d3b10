package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/warc"
	"github.com/newsarc/newsarc/store"
)

type exportOptions struct {
	format      string
	site        string
	since       string
	until       string
	allVersions bool
	output      string
	warcFile    string
}

func newExportCmd(g *globalOptions) *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|warc|cdxj] [--site NAME] [--since T] [--until T] [--all-versions] [-o FILE]",
		Short: "Stream records out: the latest version of each article, as JSON Lines or CSV; or the captures as WARC",
		Long: `Stream records out of the archive: by default the latest version of each
article, JSON Lines, to stdout. --since and --until (RFC 3339 or YYYY-MM-DD,
UTC) select versions by their fetch time: since <= fetched_at < until, where a
date-only --until includes that whole day.

--format warc writes the captures themselves as WARC/1.1, one gzip member per
record (uncompressed when -o ends in .warc): every fetch in the window, of
every version, with revisit records for the re-fetches that found an article
unchanged, and a metadata record per version holding its extracted record.
--all-versions is implied. --format cdxj writes such a WARC to --warc-file
(default: -o with .cdxj replaced by .warc.gz) and its CDXJ index, sorted for
pywb-style replay, to -o or stdout.`,
		Args: args(0, 0),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runExport(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "jsonl", "jsonl, csv, warc or cdxj")
	f.StringVar(&o.site, "site", "", "only this site's records")
	f.StringVar(&o.since, "since", "", "only versions fetched at or after T")
	f.StringVar(&o.until, "until", "", "only versions fetched before T")
	f.BoolVar(&o.allVersions, "all-versions", false, "every version, not only the latest of each article")
	f.StringVarP(&o.output, "output", "o", "", "write to FILE (replaced only when the export succeeds) instead of stdout")
	f.StringVar(&o.warcFile, "warc-file", "", "with --format cdxj: where to write the WARC the index points into")
	return cmd
}

func runExport(ctx context.Context, g *globalOptions, o *exportOptions) error {
	switch o.format {
	case "jsonl", "csv", "warc", "cdxj":
	default:
		return usagef("--format: %q is not jsonl, csv, warc or cdxj", o.format)
	}
	if o.warcFile != "" && o.format != "cdxj" {
		return usagef("--warc-file goes with --format cdxj")
	}
	toStdout := o.output == "" || o.output == "-"
	if o.format == "cdxj" && o.warcFile == "" {
		if toStdout || !strings.HasSuffix(o.output, ".cdxj") {
			return usagef("--format cdxj also writes the WARC it indexes: give --warc-file PATH, or -o NAME.cdxj")
		}
		o.warcFile = strings.TrimSuffix(o.output, ".cdxj") + ".warc.gz"
	}
	if o.format == "cdxj" {
		switch {
		case o.warcFile == "-":
			return usagef("--warc-file: the WARC goes to a file; the index goes to stdout or -o")
		case !toStdout && filepath.Clean(o.warcFile) == filepath.Clean(o.output):
			return usagef("--warc-file and -o name the same file")
		}
	}
	filter := store.Filter{Site: o.site, AllVersions: o.allVersions}
	var err error
	if filter.Since, err = parseTime(o.since, false); err != nil {
		return usagef("--since: %v", err)
	}
	if filter.Until, err = parseTime(o.until, true); err != nil {
		return usagef("--until: %v", err)
	}
	cfg, db, err := g.openArchive(true)
	if err != nil {
		return err
	}
	defer db.Close()

	switch o.format {
	case "warc", "cdxj":
	default:
		return writeOutput(g.stdout, o.output, func(w io.Writer) error {
			return exportRecords(ctx, db, filter, o.format, w)
		})
	}
	// The site files only describe the crawl in the warcinfo record: a
	// broken one does not stop an export.
	sites, err := g.loadSites(cfg)
	if err != nil {
		g.logger().Warn("site files left out of the warcinfo record", "err", err)
	}
	e := &warcExport{cfg: cfg, sites: sites, filter: filter, filename: "newsarc.warc.gz", gzip: true}
	path := o.output
	if o.format == "cdxj" {
		path = o.warcFile
	}
	if path != "" && path != "-" {
		e.filename = filepath.Base(path)
		e.gzip = !strings.HasSuffix(path, ".warc")
	}
	var index []warc.IndexEntry
	err = writeOutput(g.stdout, path, func(w io.Writer) error {
		var err error
		index, err = e.write(ctx, db, w)
		return err
	})
	if err != nil || o.format != "cdxj" {
		return err
	}
	return writeOutput(g.stdout, o.output, func(w io.Writer) error {
		return warc.WriteCDXJ(w, index, e.filename)
	})
}

// exportRecords streams the records that filter selects to w.
func exportRecords(ctx context.Context, a store.Archive, filter store.Filter, format string, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var write func(*extract.Article) error
	switch format {
	case "csv":
		cw := csv.NewWriter(bw)
		// Lines end in \n, not RFC 4180's \r\n: Go's writer would also turn
		// the \n inside text into \r\n, changing the exported text.
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
		write = func(a *extract.Article) error {
			if err := cw.Write(csvRow(a)); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		}
	default:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(a *extract.Article) error { return enc.Encode(a) }
	}
	err := a.Scan(ctx, filter, func(v store.Version, rec []byte) error {
		var art extract.Article
		if err := json.Unmarshal(rec, &art); err != nil {
			return fmt.Errorf("decode record %s v%d: %w", v.URL, v.Version, err)
		}
		art.Version = v.Version
		art.FirstSeen = v.FirstSeen.UTC().Format(time.RFC3339)
		art.LastSeen = v.LastSeen.UTC().Format(time.RFC3339)
		if art.Sections == nil {
			art.Sections = []extract.Section{}
		}
		if art.Images == nil {
			art.Images = []extract.Image{}
		}
		return write(&art)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

var csvHeader = []string{"url", "site", "fetched_at", "first_seen", "last_seen", "version", "content_hash",
	"status", "payload_digest", "extractor", "language", "direction", "label", "headline", "source",
	"published_at", "sections", "images", "text"}

func csvRow(a *extract.Article) []string {
	return []string{a.URL, a.Site, a.FetchedAt, a.FirstSeen, a.LastSeen, strconv.Itoa(a.Version), a.ContentHash,
		strconv.Itoa(a.Status), a.PayloadDigest, a.Extractor, a.Language, a.Direction, a.Label, a.Headline, a.Source,
		a.PublishedAt, jsonString(a.Sections), jsonString(a.Images), a.Text}
}

// jsonString is v as compact JSON, with <, > and & left as they are (as in
// the JSON Lines export).
func jsonString(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// parseTime reads RFC 3339 or YYYY-MM-DD (UTC). A date-only end of range
// is the start of the next day, so that the named day is included.
func parseTime(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-11-29T10:00:00Z) nor YYYY-MM-DD", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// writeOutput runs fn on stdout, or on a temporary file beside path that
// replaces path only when fn succeeds: a failed export never leaves half a
// file where a good one was.
func writeOutput(stdout io.Writer, path string, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fn(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	// CreateTemp makes the file 0600; an export is for others to read.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
