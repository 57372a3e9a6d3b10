package main

import (
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/urlnorm"
)

// globalOptions are the flags every command takes.
type globalOptions struct {
	configPath string
	sitesDir   string
	dbPath     string
	logFormat  string
	quiet      bool
	verbose    bool

	stdout, stderr io.Writer
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "newsarc",
		Short:         "Crawl news sites, extract articles, keep deduplicated snapshots",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.logFormat != "text" && g.logFormat != "json" {
				return usagef("--log-format: %q is not text or json", g.logFormat)
			}
			if g.quiet && g.verbose {
				return usagef("-q and -v: choose one")
			}
			return nil
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "main config file (default "+config.DefaultPath+" when it exists)")
	pf.StringVar(&g.sitesDir, "sites", "", "folder of per-site files (default: sites_dir from the config, else configs/sites)")
	pf.StringVar(&g.dbPath, "db", "", "the archive, a bbolt file (default: db from the config, else newsarc.db)")
	pf.StringVar(&g.logFormat, "log-format", "text", "log lines on stderr: text or json")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "log warnings and errors only")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log debug lines too")

	root.AddCommand(
		newCrawlCmd(g),
		newExtractCmd(g),
		newExportCmd(g),
		newHistoryCmd(g),
		newDiffCmd(g),
		newImportCmd(g),
		newReextractCmd(g),
		newRunCmd(g),
		newStatsCmd(g),
		newSitesCmd(g),
	)
	return root
}

// logger builds the slog logger the flags ask for, writing to stderr.
func (g *globalOptions) logger() *slog.Logger {
	level := slog.LevelInfo
	if g.quiet {
		level = slog.LevelWarn
	}
	if g.verbose {
		level = slog.LevelDebug
	}
	o := &slog.HandlerOptions{Level: level}
	if g.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(g.stderr, o))
	}
	return slog.New(slog.NewTextHandler(g.stderr, o))
}

// loadConfig reads the main config: --config, else configs/newsarc.yaml when
// it exists, else the built-in defaults; flags override its paths.
func (g *globalOptions) loadConfig() (config.Config, error) {
	var (
		cfg config.Config
		err error
	)
	switch {
	case g.configPath != "":
		cfg, err = config.Load(g.configPath)
	default:
		if _, statErr := os.Stat(config.DefaultPath); statErr == nil {
			cfg, err = config.Load(config.DefaultPath)
		} else {
			cfg = config.Default()
		}
	}
	if err != nil {
		return cfg, err
	}
	if g.sitesDir != "" {
		cfg.SitesDir = g.sitesDir
	}
	if g.dbPath != "" {
		cfg.DB = g.dbPath
	}
	return cfg, nil
}

// loadSites reads every site file of the configured folder. An explicitly
// given --sites folder that does not exist is an error.
func (g *globalOptions) loadSites(cfg config.Config) ([]*config.Site, error) {
	if g.sitesDir != "" {
		if _, err := os.Stat(g.sitesDir); err != nil {
			return nil, usagef("--sites: %v", err)
		}
	}
	return config.LoadSites(cfg.SitesDir)
}

// siteFor returns the first site whose domains hold u's host, or nil.
func siteFor(sites []*config.Site, u *url.URL) *config.Site {
	for _, s := range sites {
		if urlnorm.HostAllowed(u.Host, s.Crawl.Domains) {
			return s
		}
	}
	return nil
}

// findSite returns the named site.
func findSite(sites []*config.Site, name string) (*config.Site, error) {
	for _, s := range sites {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = s.Name
	}
	if len(names) == 0 {
		return nil, usagef("--site %s: no sites are configured", name)
	}
	return nil, usagef("--site %s: no such site (have: %s)", name, strings.Join(names, ", "))
}

// isUnknownCommand reports cobra's own "unknown command" error, which has
// no type of its own.
func isUnknownCommand(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "unknown command")
}

// args checks a command's positional arguments, as a usage error.
func args(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if len(a) < min || (max >= 0 && len(a) > max) {
			return usagef("%s: wrong number of arguments (usage: %s)", cmd.Name(), cmd.UseLine())
		}
		return nil
	}
}

// keyURL is the log attribute of a page's URL, as elsewhere in newsarc.
const keyURL = "url"

// configAndSites loads the config and the site files, with the built-in
// demo site added when withDemo.
func (g *globalOptions) configAndSites(withDemo bool) (config.Config, []*config.Site, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return cfg, nil, err
	}
	sites, err := g.loadSites(cfg)
	if err != nil {
		return cfg, nil, err
	}
	if withDemo {
		if sites, err = addDemoSite(sites); err != nil {
			return cfg, nil, err
		}
	}
	return cfg, sites, nil
}
