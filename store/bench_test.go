package store_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

// benchCapture is about 40 KB of article page, compressible as HTML is.
var benchCapture = append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html dir=\"rtl\" lang=\"ar\">"),
	bytes.Repeat([]byte("<p>أعلنت الحكومة اليوم عن خطة جديدة لتطوير البنية التحتية في المحافظات. Lorem ipsum 0123456789.</p>\n"), 250)...)

// BenchmarkPut measures Puts from 8 goroutines (a crawl's workers) at once:
// new pages (a version each, the capture compressed) and pages seen again
// unchanged (a metadata update), with and without fsync.
func BenchmarkPut(b *testing.B) {
	for _, bc := range []struct {
		name      string
		unchanged bool
		noSync    bool
	}{
		{"new/sync", false, false},
		{"new/nosync", false, true},
		{"unchanged/sync", true, false},
		{"unchanged/nosync", true, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), &store.Options{NoSync: bc.noSync})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			const pages = 1000
			url := func(i int64) string { return fmt.Sprintf("https://news.example/news/%d", i) }
			if bc.unchanged {
				for i := range int64(pages) {
					if _, err := db.Put(ctx, benchSnapshot(url(i), 0)); err != nil {
						b.Fatal(err)
					}
				}
			}
			var n atomic.Int64
			if !bc.unchanged {
				b.SetBytes(int64(len(benchCapture))) // compressed and stored
			}
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0))) // 8 goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					u := url(i)
					if bc.unchanged {
						u = url(i % pages)
					}
					if _, err := db.Put(ctx, benchSnapshot(u, i)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}

func benchSnapshot(url string, i int64) store.Snapshot {
	return store.Snapshot{
		URL: url, Site: "bench", FetchedAt: time.Unix(1714564800+i, 0), ContentHash: "sha256:" + url,
		Record:  fmt.Appendf(nil, `{"url":%q,"headline":"خبر","text":"%0500d"}`, url, i),
		Capture: benchCapture,
	}
}
