package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/internal/export"
	"github.com/newsarc/newsarc/internal/server"
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
	server      string
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
	serverFlag(cmd, &o.server)
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
	if filter.Since, err = export.ParseTime(o.since, false); err != nil {
		return usagef("--since: %v", err)
	}
	if filter.Until, err = export.ParseTime(o.until, true); err != nil {
		return usagef("--until: %v", err)
	}
	cfg, db, client, err := g.openReader(o.server)
	if err != nil {
		return err
	}
	if client != nil {
		return exportRemote(ctx, g, o, client)
	}
	defer db.Close()

	switch o.format {
	case "warc", "cdxj":
	default:
		return writeOutput(g.stdout, o.output, func(w io.Writer) error {
			return export.Records(ctx, db, filter, o.format, w)
		})
	}
	// The site files only describe the crawl in the warcinfo record: a
	// broken one does not stop an export.
	sites, err := g.loadSites(cfg)
	if err != nil {
		g.logger().Warn("site files left out of the warcinfo record", "err", err)
	}
	e := &export.WARC{Software: "newsarc/" + fullVersion(), Config: cfg, Sites: sites, Filter: filter,
		Filename: "newsarc.warc.gz", Gzip: true}
	path := o.output
	if o.format == "cdxj" {
		path = o.warcFile
	}
	if path != "" && path != "-" {
		e.Filename = filepath.Base(path)
		e.Gzip = !strings.HasSuffix(path, ".warc")
	}
	var index []warc.IndexEntry
	err = writeOutput(g.stdout, path, func(w io.Writer) error {
		var err error
		index, err = e.Write(ctx, db, w)
		return err
	})
	if err != nil || o.format != "cdxj" {
		return err
	}
	return writeOutput(g.stdout, o.output, func(w io.Writer) error {
		return warc.WriteCDXJ(w, index, e.Filename)
	})
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

// exportRemote is export through the API of the newsarc run that holds
// the archive: the same filters, the same bytes.
func exportRemote(ctx context.Context, g *globalOptions, o *exportOptions, c *server.Client) error {
	if o.format == "cdxj" {
		return fmt.Errorf("--format cdxj needs the archive itself (the index points into a WARC written by the same export): " +
			"export --format warc through the API and index that file, or run it when newsarc run is stopped")
	}
	q := url.Values{"format": {o.format}}
	if o.site != "" {
		q.Set("site", o.site)
	}
	if o.since != "" {
		q.Set("since", o.since)
	}
	if o.until != "" {
		q.Set("until", o.until)
	}
	if o.allVersions {
		q.Set("all_versions", "true")
	}
	if o.format == "warc" && o.output != "" && o.output != "-" {
		q.Set("filename", filepath.Base(o.output))
	}
	return writeOutput(g.stdout, o.output, func(w io.Writer) error {
		return c.Export(ctx, q, w)
	})
}
