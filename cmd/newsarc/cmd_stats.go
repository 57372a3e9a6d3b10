package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/store"
)

type statsOptions struct {
	format string
	site   string
	server string
}

func newStatsCmd(g *globalOptions) *cobra.Command {
	o := &statsOptions{}
	cmd := &cobra.Command{
		Use:   "stats [--site NAME] [--format table|json]",
		Short: "What the scheduled revisits found: changes by site and age, and the revisit plans",
		Long: `Report, for each site and each revisit age (the site's revisits: 15m, 1h,
6h, 1d, 3d, 7d by default), how many revisits were made, how many found a
new version, how many were answered 304 and how many failed; then how many
articles of each site still have a revisit to come (and how many are due
now) and how many have had their last one. The share that found a change is
what tells whether a site's revisits are well placed.

While newsarc run holds the archive, stats reads through its API.`,
		Args: args(0, 0),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runStats(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "table", "table or json")
	f.StringVar(&o.site, "site", "", "only this site")
	serverFlag(cmd, &o.server)
	return cmd
}

func runStats(ctx context.Context, g *globalOptions, o *statsOptions) error {
	if o.format != "table" && o.format != "json" {
		return usagef("--format: %q is not table or json", o.format)
	}
	_, db, c, err := g.openReader(o.server)
	if err != nil {
		return err
	}
	var rep store.RevisitReport
	if c != nil {
		rep, err = c.Stats(ctx)
	} else {
		defer db.Close()
		rep, err = db.Revisits(ctx, time.Now())
	}
	if err != nil {
		return err
	}
	if o.site != "" {
		rep = onlySite(rep, o.site)
	}
	if o.format == "json" {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(server.NewStats(rep))
	}
	return printStats(g, rep)
}

// onlySite keeps site's part of r.
func onlySite(r store.RevisitReport, site string) store.RevisitReport {
	var out store.RevisitReport
	for _, s := range r.Stats {
		if s.Site == site {
			out.Stats = append(out.Stats, s)
		}
	}
	for _, p := range r.Plans {
		if p.Site == site {
			out.Plans = append(out.Plans, p)
		}
	}
	return out
}

func printStats(g *globalOptions, r store.RevisitReport) error {
	w := g.stdout
	if len(r.Stats) == 0 && len(r.Plans) == 0 {
		_, err := fmt.Fprintln(w, "no revisit plans yet: articles get one when a crawl of a configured site stores them")
		return err
	}
	pct := func(n, of int64) string {
		if of == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
	}
	fmt.Fprintln(w, "Revisits, by site and age after first seen:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tAGE\tREVISITS\tCHANGED\tCHANGED %\tNOT MODIFIED\tFAILED")
	var total store.RevisitStat
	flush := func() {
		if total.Site != "" {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\n", total.Site, "all", total.Revisits, total.Changed,
				pct(total.Changed, total.Revisits), total.NotModified, total.Failed)
		}
	}
	for i, s := range r.Stats {
		if i > 0 && s.Site != r.Stats[i-1].Site {
			flush()
			total = store.RevisitStat{}
		}
		total.Site = s.Site
		total.Revisits += s.Revisits
		total.Changed += s.Changed
		total.NotModified += s.NotModified
		total.Failed += s.Failed
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\n", s.Site, store.AgeLabel(s.Age), s.Revisits, s.Changed,
			pct(s.Changed, s.Revisits), s.NotModified, s.Failed)
	}
	flush()
	if len(r.Stats) == 0 {
		fmt.Fprintln(tw, "(none made yet)")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nRevisit plans, by site:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tACTIVE\tDUE NOW\tENDED")
	for _, p := range r.Plans {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p.Site, p.Active, p.Due, p.Ended)
	}
	return tw.Flush()
}
