package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/newsarc/newsarc/store"
)

var ages = []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour}

// planned is snapshot with the revisit ages set.
func planned(url string, at time.Time, hash string) store.Snapshot {
	s := snapshot(url, at, hash)
	s.Revisits = ages
	return s
}

func put(t *testing.T, db *store.DB, s store.Snapshot) store.Outcome {
	t.Helper()
	out, err := db.Put(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func due(t *testing.T, db *store.DB, site string, now time.Time) []string {
	t.Helper()
	ds, err := db.DueRevisits(context.Background(), site, now, 100)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, d := range ds {
		urls = append(urls, d.URL)
	}
	return urls
}

// TestRevisitPlanReopen: plans and stats are in the file, and check finds
// them consistent. (The plan rules are in the storetest suite.)
func TestRevisitPlanReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsarc.db")
	db := open(t, path, &store.Options{NoSync: true})
	const a, b = "https://news.example/news/1", "https://news.example/news/2"
	put(t, db, planned(a, t0, "sha256:aa"))
	put(t, db, planned(b, t0, "sha256:bb"))
	put(t, db, planned(a, t0.Add(20*time.Minute), "sha256:a2"))
	if _, err := db.RevisitsFailed(ctx, []string{b}, ages, t0.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	put(t, db, planned(b, t0.Add(7*time.Hour), "sha256:bb")) // the last age: b's plan ends
	want, err := db.Revisits(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro := open(t, path, &store.Options{ReadOnly: true})
	got, err := ro.Revisits(ctx, t0.Add(time.Hour))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after reopening: %+v, %v; want %+v", got, err, want)
	}
	if want := []store.PlanCount{{Site: "cairo", Active: 1, Due: 1, Ended: 1}}; !reflect.DeepEqual(got.Plans, want) {
		t.Errorf("plans %+v, want %+v", got.Plans, want)
	}
	if err := ro.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
}

func TestRevisitPlanEdges(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "newsarc.db"), &store.Options{NoSync: true})
	const a, b = "https://news.example/news/1", "https://news.example/news/2"

	// Kept without a plan (an import), then crawled a day later: the plan
	// starts at first sight, the ages passed are not made up.
	put(t, db, snapshot(a, t0, "sha256:aa"))
	if out := put(t, db, planned(a, t0.Add(2*time.Hour), "sha256:aa")); out.Revisit != 0 {
		t.Errorf("first planned fetch counted as revisit %s", out.Revisit)
	}
	if got := due(t, db, "cairo", t0.Add(6*time.Hour-time.Second)); got != nil {
		t.Errorf("due before 6h: %q", got)
	}
	if got := due(t, db, "cairo", t0.Add(6*time.Hour)); !reflect.DeepEqual(got, []string{a}) {
		t.Errorf("due at 6h: %q", got)
	}

	// A fetch through another URL is remembered as the one to request.
	s := planned(b, t0, "sha256:bb")
	s.TargetURI = b + "?amp=1"
	put(t, db, s)
	ds, err := db.DueRevisits(ctx, "cairo", t0.Add(time.Hour), 1)
	if err != nil || len(ds) != 1 || ds[0].URL != b || ds[0].Target != b+"?amp=1" {
		t.Errorf("DueRevisits limit 1: %+v, %v; want b (due first) through its target", ds, err)
	}

	// Ages must be positive and increasing.
	for _, bad := range [][]time.Duration{{0}, {time.Hour, time.Hour}, {time.Hour, time.Minute}, {-time.Minute}} {
		s := planned(a, t0.Add(3*time.Hour), "sha256:aa")
		s.Revisits = bad
		if _, err := db.Put(ctx, s); err == nil {
			t.Errorf("Put with revisits %v: no error", bad)
		}
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
}

func TestCheckFindsPlanDamage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsarc.db")
	db := open(t, path, &store.Options{NoSync: true})
	put(t, db, planned("https://news.example/news/1", t0, "sha256:aa"))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	boltFile(t, path, func(tx *bolt.Tx) error { return deleteFirst(tx.Bucket([]byte("revisit_due"))) })
	ro := open(t, path, &store.Options{ReadOnly: true})
	if err := ro.Check(ctx); err == nil {
		t.Error("check of an archive whose plan lost its due entry: no error")
	}
}
