package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/pipeline"
)

type extractOptions struct {
	site    string
	explain bool
	pageURL string
}

func newExtractCmd(g *globalOptions) *cobra.Command {
	o := &extractOptions{}
	cmd := &cobra.Command{
		Use:   "extract [--site NAME] [--explain] URL|FILE|-",
		Short: "Fetch (or read) one page, extract it and print the record as JSON; nothing is stored",
		Long: `Fetch (or read) one page, run the extractor and print the record as JSON on
stdout; nothing is stored. The site's rules are those of --site, else of the
site whose domains hold the URL, else the generic extractor. With --explain,
a report of which selector matched each field and what it took goes to
stderr, so that stdout stays one JSON document.`,
		Args: args(1, 1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runExtract(cmd.Context(), g, o, a[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.site, "site", "", "use this site's rules")
	f.BoolVar(&o.explain, "explain", false, "show per field which selector matched and what it took (on stderr)")
	f.StringVar(&o.pageURL, "url", "", "the page's URL when reading a FILE or - (for the record's url and relative links)")
	return cmd
}

func runExtract(ctx context.Context, g *globalOptions, o *extractOptions, arg string) error {
	cfg, sites, err := g.configAndSites(false)
	if err != nil {
		return err
	}
	var (
		in    extract.Input
		fetch pipeline.Fetch
	)
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		fetch, in.URL, err = fetchOne(ctx, cfg, arg)
		if err != nil {
			return err
		}
	} else {
		fetch.Status = http.StatusOK
		fetch.Body, err = readInput(arg)
		if err != nil {
			return err
		}
		in.URL = o.pageURL
		if in.URL == "" {
			in.URL = "http://localhost/" + url.PathEscape(filepath.Base(arg))
		}
	}
	in.Body = fetch.Body
	in.ContentType = fetch.Header.Get("Content-Type")
	in.FetchedAt = fetch.FetchedAt
	if in.FetchedAt.IsZero() {
		in.FetchedAt = time.Now() // a FILE: its dates may not lie ahead of today
	}

	var site *config.Site
	if o.site != "" {
		if site, err = findSite(sites, o.site); err != nil {
			return err
		}
	} else if u, perr := url.Parse(in.URL); perr == nil {
		site = siteFor(sites, u)
	}
	var rules *extract.Rules
	if site != nil {
		rules = site.Rules
		in.Domains = site.Crawl.Domains
	}
	art, steps, err := extract.Explain(in, rules)
	if err != nil {
		return fmt.Errorf("extract %s: %w", arg, err)
	}
	if site != nil {
		art.Site = site.Name // as a crawl records it
	}
	pipeline.FillFetch(art, fetch)
	if o.explain {
		printExplain(g.stderr, steps)
	}
	enc := json.NewEncoder(g.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(art)
}

// fetchOne GETs one page with the configured User-Agent, timeout and body
// limit, following redirects.
func fetchOne(ctx context.Context, cfg config.Config, raw string) (pipeline.Fetch, string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return pipeline.Fetch{}, "", usagef("extract: %v", err)
	}
	req.Header.Set("User-Agent", cfg.UserAgent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return pipeline.Fetch{}, "", fmt.Errorf("fetch %s: %w", raw, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, cfg.MaxBodyBytes))
	if err != nil {
		return pipeline.Fetch{}, "", fmt.Errorf("fetch %s: %w", raw, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return pipeline.Fetch{}, "", fmt.Errorf("fetch %s: %s", raw, resp.Status)
	}
	f := pipeline.Fetch{Status: resp.StatusCode, Header: resp.Header, Body: body, FetchedAt: time.Now()}
	return f, resp.Request.URL.String(), nil
}

func readInput(arg string) ([]byte, error) {
	if arg == "-" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	return b, nil
}

// printExplain writes one block per field: the rule, how many elements it
// matched and what it took.
func printExplain(w io.Writer, steps []extract.Step) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tRULE\tMATCHES\tTOOK")
	for _, s := range steps {
		took := "-"
		if len(s.Took) > 0 {
			took = shorten(s.Took[0], 70)
			if len(s.Took) > 1 {
				took += fmt.Sprintf("  (+%d more)", len(s.Took)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.Field, s.Rule, s.Matches, took)
	}
	tw.Flush()
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
