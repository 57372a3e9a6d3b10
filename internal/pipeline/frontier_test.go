package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/internal/pipeline"
	"github.com/newsarc/newsarc/store"
)

func loadAll(t *testing.T, db *store.DB, site string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	err := db.FrontierLoad(context.Background(), site, func(e store.FrontierEntry) error {
		got[e.URL] = e.Done
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestFrontierWritesBehind: Add and Done return before the change is on
// disk, Flush waits for it, every change lands in order (a page's links
// before its mark), and Finish removes the site's run.
func TestFrontierWritesBehind(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := pipeline.NewFrontier(db, nil)
	defer f.Close()
	const pages = 2000 // more than MaxQueued: Add and Done wait for room
	for i := range pages {
		u := fmt.Sprintf("https://news.example/news/%d", i)
		if err := f.Add(ctx, "cairo", []crawler.FrontierURL{{URL: u, Depth: 1, Article: true}}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := f.Done(ctx, "cairo", u); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Flush("cairo"); err != nil {
		t.Fatal(err)
	}
	got := loadAll(t, db, "cairo")
	if len(got) != pages {
		t.Fatalf("%d entries on disk after Flush, want %d", len(got), pages)
	}
	for i := range pages {
		if done := got[fmt.Sprintf("https://news.example/news/%d", i)]; done != (i%2 == 0) {
			t.Fatalf("page %d: done %v", i, done)
		}
	}
	// Load sees what was queued before it, through the crawler's interface.
	if err := f.Add(ctx, "giza", []crawler.FrontierURL{{URL: "https://giza.example/1"}}); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := f.Load(ctx, "giza", func(crawler.FrontierURL, bool) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("Load after Add: %d entries, %v", n, err)
	}
	if err := f.Finish(ctx, "cairo"); err != nil {
		t.Fatal(err)
	}
	if got := loadAll(t, db, "cairo"); len(got) != 0 {
		t.Errorf("%d entries after Finish", len(got))
	}
	if got := loadAll(t, db, "giza"); len(got) != 1 {
		t.Errorf("Finish of cairo touched giza: %v", got)
	}
	// An invalid change is refused at once and harms no other.
	if err := f.Done(ctx, "cairo", ""); err == nil {
		t.Error("Done of an empty URL accepted")
	}
	if err := f.Done(ctx, "giza", "https://giza.example/1"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := loadAll(t, db, "giza"); !got["https://giza.example/1"] {
		t.Errorf("Close did not apply the queued mark: %v", got)
	}
	if err := f.Done(ctx, "giza", "https://giza.example/2"); err == nil {
		t.Error("Done after Close accepted")
	}
}

// TestFrontierFailure: once a transaction fails, the changes of its site are
// dropped (never a mark without the links before it) and reported, other
// sites go on, and a new run of the site starts clean.
func TestFrontierFailure(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	f := pipeline.NewFrontier(db, nil)
	defer f.Close()
	if err := f.Add(ctx, "cairo", []crawler.FrontierURL{{URL: "https://news.example/1"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush("cairo"); err != nil {
		t.Fatal(err)
	}
	// The archive closes under it: the next transaction fails.
	db.Close()
	f.Add(ctx, "cairo", []crawler.FrontierURL{{URL: "https://news.example/2"}})
	if err := f.Flush("cairo"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Flush after a failed transaction: %v", err)
	}
	if err := f.Done(ctx, "cairo", "https://news.example/2"); err == nil {
		t.Error("a mark was queued after its site's links failed")
	}
	if err := f.Flush("giza"); err != nil {
		t.Errorf("giza reports cairo's failure: %v", err)
	}
	if err := f.Load(ctx, "cairo", func(crawler.FrontierURL, bool) error { return nil }); err == nil {
		t.Error("Load of a closed archive: no error")
	}
	// Load forgot the failure: a new run of cairo queues again.
	if err := f.Add(ctx, "cairo", []crawler.FrontierURL{{URL: "https://news.example/3"}}); err != nil {
		t.Errorf("Add after Load: %v", err)
	}
}
