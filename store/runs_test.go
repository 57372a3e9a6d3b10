package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

// TestLastRun: a site's last good run survives closing the archive; an
// unknown site has none.
func TestLastRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	ctx := context.Background()
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 123, time.UTC)
	if err := db.SetLastRun(ctx, "cairo", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLastRun(ctx, "cairo", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.LastRun(ctx, "cairo"); err != nil || !got.Equal(at.Add(time.Hour)) {
		t.Errorf("LastRun(cairo) = %v, %v; want %v", got, err, at.Add(time.Hour))
	}
	if got, err := db.LastRun(ctx, "cai"); err != nil || !got.IsZero() {
		t.Errorf("LastRun of an unknown site = %v, %v", got, err)
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
}
