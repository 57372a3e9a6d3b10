package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/store"
)

type historyOptions struct {
	format string
	server string
}

func newHistoryCmd(g *globalOptions) *cobra.Command {
	o := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history [--format table|json] URL",
		Short: "Every version of one article: fetched time, first/last seen, times seen, hash, origin",
		Args:  args(1, 1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runHistory(cmd.Context(), g, o, a[0])
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "table", "table or json (one object per line)")
	serverFlag(cmd, &o.server)
	return cmd
}

func runHistory(ctx context.Context, g *globalOptions, o *historyOptions, raw string) error {
	if o.format != "table" && o.format != "json" {
		return usagef("--format: %q is not table or json", o.format)
	}
	_, db, versions, err := articleVersions(ctx, g, "history", raw, o.server)
	if err != nil {
		return err
	}
	defer db.Close()
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	if o.format == "json" {
		enc := json.NewEncoder(g.stdout)
		for _, v := range versions {
			if err := enc.Encode(server.NewHistoryLine(v)); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFETCHED\tFIRST SEEN\tLAST SEEN\tSEEN\tCONTENT HASH\tORIGIN")
	for _, v := range versions {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", v.Version, ts(v.FetchedAt), ts(v.FirstSeen), ts(v.LastSeen), v.Seen, v.ContentHash, v.Origin)
	}
	return tw.Flush()
}

// articleVersions normalises the URL raw, opens the archive read-only and
// reads the article's versions, for history and diff (through the API of
// newsarc run when it holds the archive). The caller closes db.
func articleVersions(ctx context.Context, g *globalOptions, cmd, raw, serverURL string) (string, reader, []store.Version, error) {
	u, err := urlnorm.Normalize(raw)
	if err != nil {
		return "", nil, nil, usagef("%s: %v", cmd, err)
	}
	cfg, db, err := g.openArticleReader(serverURL)
	if err != nil {
		return "", nil, nil, err
	}
	versions, err := db.History(ctx, u)
	if err != nil {
		db.Close()
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("%s %s: no such article in %s", cmd, u, cfg.DB)
		}
		return "", nil, nil, err
	}
	return u, db, versions, nil
}
