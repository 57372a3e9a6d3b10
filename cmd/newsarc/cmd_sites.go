package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/store"
)

func newSitesCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "sites",
		Short: "List the configured sites and check their files; exit 2 on any invalid one",
		Args:  args(0, 0),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runSites(g)
		},
	}
}

func runSites(g *globalOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	sites, loadErr := g.loadSites(cfg)
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFILE\tDOMAINS\tSTART URLS\tSCHEDULE\tREVISITS\tEXTRACTOR")
	for _, s := range sites {
		extractor := "generic"
		if s.Rules != nil {
			extractor = s.Extractor()
		}
		schedule := s.Schedule
		if schedule == "" {
			schedule = "-"
		}
		revisits := make([]string, 0, len(s.Revisits))
		for _, a := range s.Revisits {
			revisits = append(revisits, store.AgeLabel(a))
		}
		if len(revisits) == 0 {
			revisits = append(revisits, "-")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", s.Name, s.File, strings.Join(s.Crawl.Domains, ","), len(s.Crawl.StartURLs), schedule,
			strings.Join(revisits, ","), extractor)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if loadErr != nil {
		return fmt.Errorf("invalid site files:\n%w", loadErr)
	}
	fmt.Fprintf(g.stdout, "%d sites in %s, all valid\n", len(sites), cfg.SitesDir)
	return nil
}
