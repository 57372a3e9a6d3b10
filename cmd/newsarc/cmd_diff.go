package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/recdiff"
)

type diffOptions struct {
	from, to int
	format   string
	server   string
}

func newDiffCmd(g *globalOptions) *cobra.Command {
	o := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff URL [--from V] [--to V] [--format text|json]",
		Short: "What changed between two versions of an article, field by field",
		Long: `Compare two versions of one article (default: the last two) field by field:
label, headline, source, published time, sections and paragraphs (with the
words added and removed), images and captions. Text in right-to-left scripts
is wrapped in Unicode isolates so that a bidi-capable terminal shows it in
order without scrambling the lines around it. --format json prints one object
with every change, for machines.`,
		Args: args(1, 1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runDiff(cmd.Context(), g, o, a[0])
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.from, "from", 0, "older version (default: the one before --to)")
	f.IntVar(&o.to, "to", 0, "newer version (default: the latest)")
	f.StringVar(&o.format, "format", "text", "text or json")
	serverFlag(cmd, &o.server)
	return cmd
}

// diffOutput is `diff --format json`.
type diffOutput struct {
	URL     string           `json:"url"`
	From    int              `json:"from"`
	To      int              `json:"to"`
	Changes []recdiff.Change `json:"changes"`
}

func runDiff(ctx context.Context, g *globalOptions, o *diffOptions, raw string) error {
	if o.format != "text" && o.format != "json" {
		return usagef("--format: %q is not text or json", o.format)
	}
	u, db, versions, err := articleVersions(ctx, g, "diff", raw, o.server)
	if err != nil {
		return err
	}
	defer db.Close()
	last := len(versions)
	to, from := o.to, o.from
	if to == 0 {
		to = last
	}
	if from == 0 {
		from = to - 1
	}
	switch {
	case last == 1 && o.from == 0 && o.to == 0:
		return fmt.Errorf("diff: %s has only one version", u)
	case to < 1 || to > last:
		return usagef("--to %d: %s has versions 1 to %d", to, u, last)
	case o.from == 0 && from < 1:
		return usagef("--to %d: there is no version before it to compare with; give --from", to)
	case from < 1 || from > last:
		return usagef("--from %d: %s has versions 1 to %d", from, u, last)
	}
	a, err := loadArticle(ctx, db, u, from)
	if err != nil {
		return err
	}
	b, err := loadArticle(ctx, db, u, to)
	if err != nil {
		return err
	}
	changes := recdiff.Diff(a, b)
	if o.format == "json" {
		if changes == nil {
			changes = []recdiff.Change{}
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(diffOutput{URL: u, From: from, To: to, Changes: changes})
	}
	vf, vt := versions[from-1], versions[to-1]
	fmt.Fprintf(g.stdout, "%s\nversion %d (%s, %s) -> version %d (%s, %s)\n", u,
		from, vf.FetchedAt.Format(time.RFC3339), vf.Origin, to, vt.FetchedAt.Format(time.RFC3339), vt.Origin)
	if len(changes) == 0 {
		fmt.Fprintln(g.stdout, "no change in the article's content")
		return nil
	}
	return recdiff.WriteText(g.stdout, changes, recdiff.TextOptions{Color: colorOutput(g.stdout), BidiIsolate: true})
}

func loadArticle(ctx context.Context, db reader, url string, v int) (*extract.Article, error) {
	rec, err := db.Record(ctx, url, v)
	if err != nil {
		return nil, err
	}
	var art extract.Article
	if err := json.Unmarshal(rec, &art); err != nil {
		return nil, fmt.Errorf("decode record %s v%d: %w", url, v, err)
	}
	return &art, nil
}

// colorOutput reports whether w is a terminal that wants colour
// (https://no-color.org).
func colorOutput(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
