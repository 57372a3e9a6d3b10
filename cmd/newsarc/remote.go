package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/store"
)

// reader is what history and diff read: the archive itself, or the API of
// the `newsarc run` that holds it.
type reader interface {
	History(ctx context.Context, url string) ([]store.Version, error)
	Record(ctx context.Context, url string, version int) ([]byte, error)
	Close() error
}

// remote reads through the API of a running newsarc.
type remote struct{ *server.Client }

func (remote) Close() error { return nil }

// serverFlag adds --server to a command that reads the archive.
func serverFlag(cmd *cobra.Command, into *string) {
	cmd.Flags().StringVar(into, "server", "",
		"read through the API of the newsarc run at this URL (default: only when the archive is in use, at the config's listen)")
}

// openReader opens the archive read-only, or, when serverURL is given or
// another process (newsarc run) holds the archive, a client of that
// process's API: so that analysts never have to stop the crawler.
func (g *globalOptions) openReader(serverURL string) (config.Config, *store.DB, *server.Client, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return cfg, nil, nil, err
	}
	if serverURL != "" {
		return cfg, nil, server.NewClient(serverURL, cfg.APIToken, nil), nil
	}
	db, err := store.Open(cfg.DB, &store.Options{ReadOnly: true})
	if err == nil {
		return cfg, db, nil, nil
	}
	if !errors.Is(err, store.ErrLocked) || cfg.Listen == "off" {
		return cfg, nil, nil, err
	}
	url := "http://" + cfg.Listen
	if perr := probe(url, archiveID(cfg.DB)); perr != nil {
		// Held by something that does not serve it (a crawl, an import).
		return cfg, nil, nil, fmt.Errorf("%w; no newsarc run answers at %s to read through (%v)", err, url, perr)
	}
	g.logger().Info("archive in use; reading through the API of the running newsarc", "db", cfg.DB, "url", url)
	return cfg, nil, server.NewClient(url, cfg.APIToken, nil), nil
}

// probe checks that a newsarc API answers at base and serves the archive
// whose archiveID is id.
func probe(base, id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz: %s", resp.Status)
	}
	if got := resp.Header.Get(server.HeaderArchive); got != id {
		return fmt.Errorf("the newsarc there serves another archive")
	}
	return nil
}

// archiveID identifies an archive file for the API fallback: its device
// and inode, the same whatever path reaches the file.
func archiveID(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	}
	abs, _ := filepath.Abs(path)
	return abs
}

// openArticleReader is openReader for history and diff.
func (g *globalOptions) openArticleReader(serverURL string) (config.Config, reader, error) {
	cfg, db, c, err := g.openReader(serverURL)
	switch {
	case err != nil:
		return cfg, nil, err
	case c != nil:
		return cfg, remote{c}, nil
	default:
		return cfg, db, nil
	}
}
