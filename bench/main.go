// Command bench measures newsarc's full pipeline (crawl, extract, store)
// against a bare colly collector on the same generated loopback news site,
// in the same run, and prints pages per second for both and their ratio.
// Machines here are shared and noisy: read the ratio, not the absolute
// figures.
//
//	go run ./bench -articles 600 -rounds 5
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/store"
)

func main() {
	articles := flag.Int("articles", 600, "article pages on the generated site")
	rounds := flag.Int("rounds", 5, "rounds; each runs bare colly then newsarc")
	concurrency := flag.Int("concurrency", 8, "requests in flight for both crawlers")
	noSync := flag.Bool("nosync", false, "open the archive without fsync (to see what durability costs)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the newsarc runs to this file")
	recrawl := flag.Bool("recrawl", true, "after each newsarc crawl, crawl again into the same archive (conditional requests)")
	flag.BoolVar(&opts.frontier, "frontier", false, "keep the crawl's frontier in the archive, as newsarc run does")
	flag.DurationVar(&opts.batchDelay, "batch-delay", pipeline.BatchDelay, "the store's batch delay")
	flag.Parse()

	site := newNewsSite(*articles)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "newsarc-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	fmt.Printf("site: %d articles, %d section pages, %d KiB per article page; concurrency %d; rate limits off\n",
		*articles, site.sectionPages(), len(site.pages["/news/1"])>>10, *concurrency)
	fmt.Printf("%-6s %14s %14s %8s\n", "round", "colly pages/s", "newsarc pages/s", "ratio")
	var ratios, recrawls []float64
	for r := 1; r <= *rounds; r++ {
		cn, cd := bareColly(srv.URL, *concurrency)
		if *cpuprofile != "" && r == 1 {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				log.Fatal(err)
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				log.Fatal(err)
			}
		}
		dbPath := filepath.Join(dir, fmt.Sprintf("r%d.db", r))
		first, err := newsarc(srv.URL, dbPath, *concurrency, *noSync)
		if *cpuprofile != "" && r == 1 {
			pprof.StopCPUProfile()
		}
		if err != nil {
			log.Fatal(err)
		}
		nn, nd := first.fetched, first.took
		cr, nr := float64(cn)/cd.Seconds(), float64(nn)/nd.Seconds()
		ratios = append(ratios, nr/cr)
		fmt.Printf("%-6d %14.0f %14.0f %8.2f   (colly %d pages in %s, newsarc %d pages in %s)\n",
			r, cr, nr, nr/cr, cn, cd.Round(time.Millisecond), nn, nd.Round(time.Millisecond))
		if *recrawl {
			// The same site again, into the same archive: article pages
			// answer 304 to the validators stored by the first crawl.
			again, err := newsarc(srv.URL, dbPath, *concurrency, *noSync)
			if err != nil {
				log.Fatal(err)
			}
			recrawls = append(recrawls, cd.Seconds()/again.took.Seconds())
			fmt.Printf("       recrawl: newsarc %d pages (%d answered 304, %d new) in %s: %.2fx the speed of colly's crawl\n",
				again.fetched, again.notModified, again.fresh, again.took.Round(time.Millisecond), cd.Seconds()/again.took.Seconds())
		}
	}
	sort.Float64s(ratios)
	fmt.Printf("median ratio newsarc/colly: %.2f (min %.2f, max %.2f)\n", ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1])
	if len(recrawls) > 0 {
		sort.Float64s(recrawls)
		fmt.Printf("median time of colly's crawl / newsarc's conditional recrawl: %.2f (min %.2f, max %.2f)\n",
			recrawls[len(recrawls)/2], recrawls[0], recrawls[len(recrawls)-1])
	}
}

// bareColly crawls the site as colly's README does: async, a parallelism
// limit, every link followed. It returns the responses it got and the time.
func bareColly(base string, parallelism int) (int64, time.Duration) {
	var n atomic.Int64
	c := colly.NewCollector()
	c.Async = true
	c.AllowedDomains = []string{"127.0.0.1"}
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallelism}); err != nil {
		log.Fatal(err)
	}
	c.OnResponse(func(*colly.Response) { n.Add(1) })
	c.OnHTML("a[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
	start := time.Now()
	if err := c.Visit(base + "/"); err != nil {
		log.Fatal(err)
	}
	c.Wait()
	return n.Load(), time.Since(start)
}

// opts are the flags that shape newsarc's side of the comparison.
var opts struct {
	frontier   bool
	batchDelay time.Duration
}

// run is what one newsarc crawl did.
type run struct {
	fetched, notModified, fresh int64
	took                        time.Duration
}

// newsarc runs the full pipeline into the archive at dbPath, as `newsarc
// crawl` does: crawl with conditional requests for article pages, extract
// with the site's selectors, store with fsync (unless noSync).
func newsarc(base, dbPath string, concurrency int, noSync bool) (run, error) {
	s, err := config.ParseSite("bench.yaml", []byte(fmt.Sprintf(siteFile, base)))
	if err != nil {
		return run{}, err
	}
	db, err := store.Open(dbPath, &store.Options{NoSync: noSync, BatchDelay: opts.batchDelay})
	if err != nil {
		return run{}, err
	}
	p := pipeline.New(db, []pipeline.Site{{Name: s.Name, Domains: s.Crawl.Domains, Rules: s.Rules, HasBody: s.HasBody, Revisits: s.Revisits}}, nil)
	ccfg := crawler.Config{Concurrency: concurrency, Validators: p.Validators}
	var fr *pipeline.Frontier
	if opts.frontier {
		fr = pipeline.NewFrontier(db, nil)
		ccfg.Frontier = fr
	}
	c, err := crawler.New(ccfg, []crawler.Site{s.Crawl}, p.Handle)
	if err != nil {
		return run{}, err
	}
	start := time.Now()
	stats, err := c.Run(context.Background())
	p.Close()
	if err != nil {
		return run{}, err
	}
	if fr != nil {
		// As newsarc run does at the end of a run.
		if err := fr.Finish(context.Background(), s.Name); err != nil {
			return run{}, err
		}
		fr.Close()
	}
	if err := db.Close(); err != nil {
		return run{}, err
	}
	took := time.Since(start)
	got := p.Counts()
	if got.Failed > 0 || stats.Errors > 0 {
		return run{}, fmt.Errorf("newsarc run had errors: %+v %+v", stats, got)
	}
	return run{fetched: stats.Fetched, notModified: got.NotModified, fresh: got.New, took: took}, nil
}
