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

// BenchmarkPut measures Puts from 8 goroutines (a crawl's workers) at once,
// with and without fsync: new pages (a version each, the capture
// compressed), pages seen again with the same bytes (a metadata update and
// the head logged), pages seen again with other bytes (the whole capture
// logged, compressed), and 304s (Revisit: the 304 logged).
func BenchmarkPut(b *testing.B) {
	for _, bc := range []struct {
		name   string
		kind   store.FetchKind
		noSync bool
	}{
		{"new/sync", store.FetchVersion, false},
		{"new/nosync", store.FetchVersion, true},
		{"unchanged/sync", store.FetchIdentical, false},
		{"unchanged/nosync", store.FetchIdentical, true},
		{"different/sync", store.FetchDifferent, false},
		{"different/nosync", store.FetchDifferent, true},
		{"notmodified/sync", store.FetchNotModified, false},
		{"notmodified/nosync", store.FetchNotModified, true},
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
			seenAgain := bc.kind != store.FetchVersion
			if seenAgain {
				for i := range int64(pages) {
					if _, err := db.Put(ctx, benchSnapshot(url(i), 0)); err != nil {
						b.Fatal(err)
					}
				}
			}
			var n atomic.Int64
			if bc.kind == store.FetchVersion || bc.kind == store.FetchDifferent {
				b.SetBytes(int64(len(benchCapture))) // compressed and stored
			}
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0))) // 8 goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					u := url(i)
					if seenAgain {
						u = url(i % pages)
					}
					s := benchSnapshot(u, i)
					var err error
					switch bc.kind {
					case store.FetchDifferent:
						s.PayloadDigest = fmt.Sprintf("sha1:%d", i)
					case store.FetchNotModified:
						_, err = db.Revisit(ctx, store.Revisit{URL: u, Version: 1, FetchedAt: s.FetchedAt, Kind: bc.kind,
							Request: s.Request, Capture: bench304})
					}
					if bc.kind != store.FetchNotModified {
						_, err = db.Put(ctx, s)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}

var bench304 = []byte("HTTP/1.1 304 Not Modified\r\nDate: Wed, 01 May 2024 12:00:00 GMT\r\nEtag: \"abc\"\r\n\r\n")

func benchSnapshot(url string, i int64) store.Snapshot {
	return store.Snapshot{
		URL: url, Site: "bench", FetchedAt: time.Unix(1714564800+i, 0), ContentHash: "sha256:" + url,
		Record:        fmt.Appendf(nil, `{"url":%q,"headline":"خبر","text":"%0500d"}`, url, i),
		Capture:       benchCapture,
		Request:       fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: news.example\r\nUser-Agent: newsarc/1\r\nAccept-Encoding: gzip\r\n\r\n", url),
		PayloadDigest: "sha1:SAME",
		ETag:          `"abc"`,
	}
}
