package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/newsarc/newsarc/store"
)

func loadFrontier(t *testing.T, db *store.DB, site string) []store.FrontierEntry {
	t.Helper()
	var out []store.FrontierEntry
	if err := db.FrontierLoad(t.Context(), site, func(e store.FrontierEntry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// frontierAdd and frontierDone make one change each.
func frontierAdd(ctx context.Context, db *store.DB, site string, es []store.FrontierEntry) error {
	return db.FrontierApply(ctx, []store.FrontierOp{{Site: site, Add: es}})
}

func frontierDone(ctx context.Context, db *store.DB, site, url string) error {
	return db.FrontierApply(ctx, []store.FrontierOp{{Site: site, Done: true, URL: url}})
}

func TestFrontier(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a.db")
	db := open(t, path, nil)
	if err := frontierAdd(ctx, db, "b", []store.FrontierEntry{
		{URL: "https://b/", Depth: 0},
		{URL: "https://b/x", Depth: 1, Flags: 1},
		{URL: "https://b/y", Depth: 300, Flags: 3, Done: true}, // Done is ignored: Add queues
	}); err != nil {
		t.Fatal(err)
	}
	if err := frontierAdd(ctx, db, "a", []store.FrontierEntry{{URL: "https://a/"}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://b/", "https://b/y", "https://b/not-added"} {
		if err := frontierDone(ctx, db, "b", u); err != nil {
			t.Fatal(err)
		}
	}
	// Adding again keeps an entry as it is.
	if err := frontierAdd(ctx, db, "b", []store.FrontierEntry{{URL: "https://b/", Depth: 5}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open(t, path, &store.Options{ReadOnly: true})
	want := []store.FrontierEntry{
		{URL: "https://b/", Depth: 0, Done: true},
		{URL: "https://b/x", Depth: 1, Flags: 1},
		{URL: "https://b/y", Depth: 300, Flags: 3, Done: true},
	}
	if diff := cmp.Diff(want, loadFrontier(t, db, "b")); diff != "" {
		t.Errorf("after reopen (-want +got):\n%s", diff)
	}
	sites, err := db.FrontierSites(ctx)
	if err != nil || !cmp.Equal(sites, []string{"a", "b"}) {
		t.Errorf("FrontierSites = %v, %v", sites, err)
	}
	if err := frontierAdd(ctx, db, "b", []store.FrontierEntry{{URL: "https://b/z"}}); err == nil {
		t.Errorf("frontier add on a read-only archive: no error")
	}
	db.Close()

	db = open(t, path, nil)
	if err := db.FrontierFinish(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := loadFrontier(t, db, "b"); len(got) != 0 {
		t.Errorf("after Finish: %v", got)
	}
	if got := loadFrontier(t, db, "a"); len(got) != 1 {
		t.Errorf("Finish of b removed a's: %v", got)
	}
	sites, err = db.FrontierSites(ctx)
	if err != nil || !cmp.Equal(sites, []string{"a"}) {
		t.Errorf("FrontierSites = %v, %v", sites, err)
	}
	for _, bad := range []store.FrontierEntry{{URL: ""}, {URL: "a\x00b"}, {URL: "https://b/", Depth: -1}} {
		if err := frontierAdd(ctx, db, "b", []store.FrontierEntry{bad}); err == nil {
			t.Errorf("frontier add %+v: no error", bad)
		}
	}
	if err := frontierAdd(ctx, db, "a\x00", []store.FrontierEntry{{URL: "https://b/"}}); err == nil {
		t.Errorf("frontier add with a bad site name: no error")
	}
	db.Close()
}

// Check reports a frontier entry it cannot read; an archive made before
// the frontier bucket existed reads as having no unfinished run.
func TestFrontierCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := open(t, path, nil)
	db.Close()
	boltFile(t, path, func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("frontier")) })
	db = open(t, path, &store.Options{ReadOnly: true})
	if sites, err := db.FrontierSites(context.Background()); err != nil || len(sites) != 0 {
		t.Errorf("FrontierSites without the bucket = %v, %v", sites, err)
	}
	if err := db.Check(t.Context()); err != nil {
		t.Errorf("Check without the bucket: %v", err)
	}
	db.Close()

	db = open(t, path, nil) // creates it again
	db.Close()
	boltFile(t, path, func(tx *bolt.Tx) error { return tx.Bucket([]byte("frontier")).Put([]byte("site\x00u"), []byte{9}) })
	db = open(t, path, nil)
	defer db.Close()
	if err := db.Check(t.Context()); err == nil {
		t.Errorf("Check of a bad frontier entry: no error")
	}
	if err := db.FrontierLoad(t.Context(), "site", func(store.FrontierEntry) error { return nil }); err == nil {
		t.Errorf("FrontierLoad of a bad entry: no error")
	}
}
