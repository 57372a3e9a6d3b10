package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/store"
)

const (
	urlA = "https://news.example/news/1"
	urlB = "https://news.example/news/2"
)

// testPut walks the dedup rule: each case is a run of Puts into a new
// archive, the outcomes they give and the history they leave.
func testPut(t *testing.T, open func(t *testing.T) store.Archive) {
	ver := func(url string, n int, fetched, first, last time.Time, seen int, hash string, origin store.Origin) store.Version {
		return store.Version{URL: url, Site: "cairo", Version: n, FetchedAt: fetched, FirstSeen: first, LastSeen: last,
			Seen: seen, ContentHash: hash, Origin: origin}
	}
	imported := snap(urlA, "cairo", at(0), "sha256:aa")
	imported.Origin = store.OriginImport
	tests := []struct {
		name        string
		puts        []store.Snapshot
		want        []store.Outcome
		wantHistory map[string][]store.Version
	}{{
		name: "first put is version 1",
		puts: []store.Snapshot{snap(urlA, "cairo", at(0), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(0), at(0), at(0), 1, "sha256:aa", store.OriginCrawl)}},
	}, {
		name: "same hash later is seen again",
		puts: []store.Snapshot{snap(urlA, "cairo", at(0), "sha256:aa"), snap(urlA, "cairo", at(30), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 1, New: false, Seen: 2}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(0), at(0), at(30), 2, "sha256:aa", store.OriginCrawl)}},
	}, {
		name: "same hash earlier moves first seen, not last seen or fetched",
		puts: []store.Snapshot{snap(urlA, "cairo", at(30), "sha256:aa"), snap(urlA, "cairo", at(0), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 1, New: false, Seen: 2}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(30), at(0), at(30), 2, "sha256:aa", store.OriginCrawl)}},
	}, {
		name: "changed hash is version 2",
		puts: []store.Snapshot{snap(urlA, "cairo", at(0), "sha256:aa"), snap(urlA, "cairo", at(30), "sha256:bb")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 2, New: true, Seen: 1}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(0), at(0), at(0), 1, "sha256:aa", store.OriginCrawl),
			ver(urlA, 2, at(30), at(30), at(30), 1, "sha256:bb", store.OriginCrawl)}},
	}, {
		name: "only the latest version is compared",
		puts: []store.Snapshot{snap(urlA, "cairo", at(0), "sha256:aa"), snap(urlA, "cairo", at(10), "sha256:bb"),
			snap(urlA, "cairo", at(20), "sha256:aa"), snap(urlA, "cairo", at(30), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 2, New: true, Seen: 1},
			{Version: 3, New: true, Seen: 1}, {Version: 3, New: false, Seen: 2}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(0), at(0), at(0), 1, "sha256:aa", store.OriginCrawl),
			ver(urlA, 2, at(10), at(10), at(10), 1, "sha256:bb", store.OriginCrawl),
			ver(urlA, 3, at(20), at(20), at(30), 2, "sha256:aa", store.OriginCrawl)}},
	}, {
		name: "origin is kept from the version's first fetch",
		puts: []store.Snapshot{imported, snap(urlA, "cairo", at(30), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 1, New: false, Seen: 2}},
		wantHistory: map[string][]store.Version{urlA: {
			ver(urlA, 1, at(0), at(0), at(30), 2, "sha256:aa", store.OriginImport)}},
	}, {
		name: "urls are counted apart, even one that prefixes another",
		puts: []store.Snapshot{snap(urlA, "cairo", at(0), "sha256:aa"), snap(urlA+"0", "cairo", at(1), "sha256:aa"),
			snap(urlA, "cairo", at(2), "sha256:bb"), snap(urlA+"0", "cairo", at(3), "sha256:aa")},
		want: []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 1, New: true, Seen: 1},
			{Version: 2, New: true, Seen: 1}, {Version: 1, New: false, Seen: 2}},
		wantHistory: map[string][]store.Version{
			urlA: {
				ver(urlA, 1, at(0), at(0), at(0), 1, "sha256:aa", store.OriginCrawl),
				ver(urlA, 2, at(2), at(2), at(2), 1, "sha256:bb", store.OriginCrawl)},
			urlA + "0": {ver(urlA+"0", 1, at(1), at(1), at(3), 2, "sha256:aa", store.OriginCrawl)},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := open(t)
			got := put(t, a, tt.puts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			for url, want := range tt.wantHistory {
				got, err := a.History(context.Background(), url)
				if err != nil {
					t.Fatalf("History(%s): %v", url, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("History(%s) (-want +got):\n%s", url, diff)
				}
			}
		})
	}
}

// testPutInvalid: a snapshot the dedup rule cannot use is refused whole.
func testPutInvalid(t *testing.T, open func(t *testing.T) store.Archive) {
	tests := []struct {
		name string
		edit func(s *store.Snapshot)
	}{
		{"empty url", func(s *store.Snapshot) { s.URL = "" }},
		{"zero fetch time", func(s *store.Snapshot) { s.FetchedAt = time.Time{} }},
		{"empty content hash", func(s *store.Snapshot) { s.ContentHash = "" }},
		{"unknown origin", func(s *store.Snapshot) { s.Origin = "scraped" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := open(t)
			s := snap(urlA, "cairo", at(0), "sha256:aa")
			tt.edit(&s)
			if out, err := a.Put(context.Background(), s); err == nil {
				t.Fatalf("Put = %+v, want an error", out)
			}
			if got := scanAll(t, a, store.Filter{AllVersions: true}); len(got) != 0 {
				t.Errorf("after a refused Put, Scan finds %+v", got)
			}
		})
	}
}

func testPutCancelled(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Put(ctx, snap(urlA, "cairo", at(0), "sha256:aa")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := a.History(context.Background(), urlA); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History after a cancelled Put: %v, want ErrNotFound", err)
	}
}

// testConcurrentPuts: 8 writers, as a crawl has, on one URL and on a URL
// each. Every Put must be counted once, against a version numbered without
// gaps or duplicates.
func testConcurrentPuts(t *testing.T, open func(t *testing.T) store.Archive) {
	const workers, puts = 8, 40
	a := open(t)
	shared := "https://news.example/news/shared"
	own := func(w int) string { return fmt.Sprintf("https://news.example/news/w%d", w) }
	outs := make([][]store.Outcome, workers) // of the shared URL
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range puts {
				// Shared: the content changes every 10th Put of all workers
				// together, roughly. Own: every 3rd Put of this worker.
				s := snap(shared, "cairo", at(i), fmt.Sprintf("sha256:%d", i/10))
				out, err := a.Put(context.Background(), s)
				if err != nil {
					t.Errorf("Put(%s): %v", s.URL, err)
					return
				}
				outs[w] = append(outs[w], out)
				if _, err := a.Put(context.Background(), snap(own(w), "cairo", at(i), fmt.Sprintf("sha256:%d", i/3))); err != nil {
					t.Errorf("Put(%s): %v", own(w), err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	hist, err := a.History(context.Background(), shared)
	if err != nil {
		t.Fatal(err)
	}
	newOnes := map[int]int{} // version -> Puts that created it
	seen := map[int]int{}    // version -> Puts counted against it
	for _, o := range outs {
		for _, out := range o {
			seen[out.Version]++
			if out.New {
				newOnes[out.Version]++
			}
		}
	}
	total := 0
	for i, v := range hist {
		if v.Version != i+1 {
			t.Errorf("shared: version %d at position %d", v.Version, i)
		}
		if newOnes[v.Version] != 1 {
			t.Errorf("shared v%d: created by %d Puts, want 1", v.Version, newOnes[v.Version])
		}
		if v.Seen != seen[v.Version] {
			t.Errorf("shared v%d: Seen %d, but %d Puts were counted against it", v.Version, v.Seen, seen[v.Version])
		}
		if i > 0 && v.ContentHash == hist[i-1].ContentHash {
			t.Errorf("shared v%d: same hash as v%d", v.Version, i)
		}
		total += v.Seen
	}
	if len(newOnes) != len(hist) {
		t.Errorf("shared: Puts report %d new versions, history has %d", len(newOnes), len(hist))
	}
	if total != workers*puts {
		t.Errorf("shared: Seen adds up to %d, want %d", total, workers*puts)
	}

	for w := range workers {
		hist, err := a.History(context.Background(), own(w))
		if err != nil {
			t.Fatal(err)
		}
		want := (puts + 2) / 3
		if len(hist) != want {
			t.Errorf("%s: %d versions, want %d", own(w), len(hist), want)
		}
		for i, v := range hist {
			wantSeen := min(3, puts-3*i)
			if v.Version != i+1 || v.Seen != wantSeen || v.ContentHash != fmt.Sprintf("sha256:%d", i) {
				t.Errorf("%s: got v%d seen %d hash %s, want v%d seen %d hash sha256:%d", own(w), v.Version, v.Seen, v.ContentHash, i+1, wantSeen, i)
			}
		}
	}
}

// testClose: calls after Close fail; closing again is harmless.
func testClose(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	put(t, a, snap(urlA, "cairo", at(0), "sha256:aa"))
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := a.Put(context.Background(), snap(urlB, "cairo", at(0), "sha256:aa")); err == nil {
		t.Error("Put after Close succeeded")
	}
	if _, err := a.History(context.Background(), urlA); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("History after Close: %v, want an error other than ErrNotFound", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
