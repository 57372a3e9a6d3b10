package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/internal/pipeline"
)

// logEvery is how often a crawl not on a terminal logs its progress.
const logEvery = 10 * time.Second

// startProgress shows the crawl's progress until the returned func is
// called: a live bar on a terminal, periodic log lines elsewhere.
func startProgress(w io.Writer, mode string, log *slog.Logger, c *crawler.Crawler, p *pipeline.Pipeline) func() {
	if mode == "auto" {
		mode = "log"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	if mode == "none" {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		if mode == "bar" {
			bar := progressbar.NewOptions(-1,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSpinnerType(14),
				progressbar.OptionSetDescription("crawling"),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond),
			)
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					_ = bar.Finish()
					return
				case <-t.C:
					s, n := c.Stats(), p.Counts()
					rate := float64(s.Fetched) / time.Since(start).Seconds()
					bar.Describe(fmt.Sprintf("pages %d  articles %d  new %d  errors %d  queued %d  %.1f pages/s",
						s.Fetched, n.Articles, n.New, s.Errors, s.Queued, rate))
					_ = bar.Add(0)
				}
			}
		}
		t := time.NewTicker(logEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				s, n := c.Stats(), p.Counts()
				log.Info("crawl progress", "fetched", s.Fetched, "articles", n.Articles, "new", n.New,
					"unchanged", n.Unchanged, "errors", s.Errors, "queued", s.Queued,
					"pages_per_s", fmt.Sprintf("%.1f", float64(s.Fetched)/time.Since(start).Seconds()))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
