package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/newsarc/newsarc/store"
	"github.com/newsarc/newsarc/store/storetest"
)

// TestArchive runs the conformance suite over DB. After each test the file
// is reopened read-only and checked, so every case also shows that what it
// left is consistent on disk.
func TestArchive(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Archive {
		path := filepath.Join(t.TempDir(), "newsarc.db")
		db := open(t, path, &store.Options{NoSync: true})
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			ro := open(t, path, &store.Options{ReadOnly: true})
			defer ro.Close()
			if err := ro.Check(context.Background()); err != nil {
				t.Errorf("archive left inconsistent: %v", err)
			}
		})
		return db
	})
}

func open(t *testing.T, path string, opts *store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func snapshot(url string, at time.Time, hash string) store.Snapshot {
	return store.Snapshot{
		URL: url, Site: "cairo", FetchedAt: at, ContentHash: hash,
		Record:  []byte(`{"url":"` + url + `","content_hash":"` + hash + `"}`),
		Capture: []byte("HTTP/1.1 200 OK\r\n\r\n<h1>" + hash + "</h1>"),
	}
}

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsarc.db")
	const url = "https://news.example/news/1"
	db := open(t, path, nil)
	for i, hash := range []string{"sha256:aa", "sha256:aa", "sha256:bb"} {
		if _, err := db.Put(ctx, snapshot(url, t0.Add(time.Duration(i)*time.Hour), hash)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := db.History(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	ro := open(t, path, &store.Options{ReadOnly: true})
	after, err := ro.History(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("History after reopening (-before +after):\n%s", diff)
	}
	if c, err := ro.Capture(ctx, url, 2); err != nil || string(c) != "HTTP/1.1 200 OK\r\n\r\n<h1>sha256:bb</h1>" {
		t.Errorf("Capture after reopening = %q, %v", c, err)
	}
	if _, err := ro.Put(ctx, snapshot(url, t0, "sha256:cc")); err == nil {
		t.Error("Put into a read-only archive succeeded")
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	// Writing goes on from where it stopped.
	db = open(t, path, nil)
	defer db.Close()
	got, err := db.Put(ctx, snapshot(url, t0.Add(5*time.Hour), "sha256:bb"))
	if want := (store.Outcome{Version: 2, New: false, Seen: 2}); err != nil || got != want {
		t.Errorf("Put after reopening = %+v, %v; want %+v", got, err, want)
	}
	got, err = db.Put(ctx, snapshot(url, t0.Add(6*time.Hour), "sha256:cc"))
	if want := (store.Outcome{Version: 3, New: true, Seen: 1}); err != nil || got != want {
		t.Errorf("Put after reopening = %+v, %v; want %+v", got, err, want)
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestLocked: a second process (here a second open file, which flock treats
// the same) gets ErrLocked after about a second instead of hanging.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newsarc.db")
	db := open(t, path, nil)
	for _, opts := range []*store.Options{nil, {ReadOnly: true}} {
		start := time.Now()
		second, err := store.Open(path, opts)
		took := time.Since(start)
		if err == nil {
			second.Close()
			t.Fatalf("second Open(%+v) of a held archive succeeded", opts)
		}
		if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), path) {
			t.Errorf("second Open(%+v) = %v, want ErrLocked naming %s", opts, err, path)
		}
		if took > 1500*time.Millisecond {
			t.Errorf("second Open(%+v) took %s, want about 1s", opts, took)
		}
	}
	start := time.Now()
	_, err := store.Open(path, &store.Options{Timeout: 100 * time.Millisecond})
	if took := time.Since(start); !errors.Is(err, store.ErrLocked) || took > 600*time.Millisecond {
		t.Errorf("Open with a 100ms timeout = %v after %s", err, took)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Readers share the lock.
	r1 := open(t, path, &store.Options{ReadOnly: true})
	defer r1.Close()
	r2 := open(t, path, &store.Options{ReadOnly: true})
	defer r2.Close()
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a database, but long enough to hold a bbolt meta page? no."), 0o644); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o500); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	boltFile(t, foreign, func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	future := filepath.Join(dir, "future.db")
	boltFile(t, future, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("format"), []byte("3"))
	})

	tests := []struct {
		name     string
		path     string
		opts     *store.Options
		want     string // in the message, besides the path
		skipRoot bool
	}{
		{"missing directory", filepath.Join(dir, "missing", "x.db"), nil, "no such file or directory", false},
		{"parent is a file", filepath.Join(file, "x.db"), nil, "not a directory", false},
		{"directory not writable", filepath.Join(locked, "x.db"), nil, "permission denied", true},
		{"read-only open of a missing file", filepath.Join(dir, "none.db"), &store.Options{ReadOnly: true}, "no such file or directory", false},
		{"not a bbolt file", file, nil, "invalid", false},
		{"bbolt file of something else", foreign, nil, "not a newsarc archive", false},
		{"newer format", future, nil, "format 3 is newer", false},
		{"newer format, read-only", future, &store.Options{ReadOnly: true}, "format 3 is newer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skipRoot && os.Geteuid() == 0 {
				t.Skip("root writes to any directory")
			}
			db, err := store.Open(tt.path, tt.opts)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded", tt.path)
			}
			t.Log(err)
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.want) {
				t.Errorf("Open(%s) = %q, want a message with the path and %q", tt.path, msg, tt.want)
			}
			if strings.Count(err.Error(), tt.path) > 1 {
				t.Errorf("Open(%s) = %q names the path twice", tt.path, err)
			}
		})
	}
}

// boltFile makes a bbolt file that is not a newsarc archive.
func boltFile(t *testing.T, path string, fn func(*bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestEmptyReadOnly: a bbolt file no Open has set up (a first Open killed
// at the wrong moment) reads as an empty archive.
func TestEmptyReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	boltFile(t, path, func(*bolt.Tx) error { return nil })
	ro := open(t, path, &store.Options{ReadOnly: true})
	defer ro.Close()
	ctx := context.Background()
	if _, err := ro.History(ctx, "https://x.example/"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History = %v, want ErrNotFound", err)
	}
	if _, err := ro.Record(ctx, "https://x.example/", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Record = %v, want ErrNotFound", err)
	}
	err := ro.Scan(ctx, store.Filter{AllVersions: true}, func(store.Version, []byte) error { return errors.New("called") })
	if err != nil {
		t.Errorf("Scan = %v", err)
	}
	if err := ro.Check(ctx); err != nil {
		t.Errorf("Check = %v", err)
	}
}

// TestPutLimits: what the key layout cannot hold is refused.
func TestPutLimits(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "newsarc.db"), &store.Options{NoSync: true})
	defer db.Close()
	tests := []struct {
		name string
		edit func(*store.Snapshot)
	}{
		{"NUL in url", func(s *store.Snapshot) { s.URL += "\x00x" }},
		{"NUL in site", func(s *store.Snapshot) { s.Site = "a\x00b" }},
		{"url too long", func(s *store.Snapshot) { s.URL += strings.Repeat("a", 20<<10) }},
		{"fetch time out of range", func(s *store.Snapshot) { s.FetchedAt = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	for _, tt := range tests {
		s := snapshot("https://news.example/1", t0, "sha256:aa")
		tt.edit(&s)
		if _, err := db.Put(context.Background(), s); err == nil {
			t.Errorf("%s: Put succeeded", tt.name)
		}
	}
}

// TestCheckFindsDamage: Check is not vacuous. Each case damages one entry of
// a good archive behind its back.
func TestCheckFindsDamage(t *testing.T) {
	const url = "https://news.example/news/1"
	vkey := binary.BigEndian.AppendUint32([]byte(url+"\x00"), 1)
	tests := []struct {
		name   string
		damage func(tx *bolt.Tx) error
		want   string
	}{
		{"record gone", func(tx *bolt.Tx) error { return tx.Bucket([]byte("records")).Delete(vkey) }, "records entry missing"},
		{"capture gone", func(tx *bolt.Tx) error { return tx.Bucket([]byte("captures")).Delete(vkey) }, "captures entry missing"},
		{"time index entry gone", func(tx *bolt.Tx) error { return deleteFirst(tx.Bucket([]byte("by_time"))) }, "by_time entry missing"},
		{"stray site index entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("by_site_time")).Put([]byte("x\x00"+strings.Repeat("\x01", 8)+url+"\x00\x00\x00\x00\x07"), nil)
		}, "by_site_time has 2 entries, want 1"},
		{"latest behind", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("latest")).Put([]byte(url), []byte{0, 0, 0, 0})
		}, "latest entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "newsarc.db")
			db := open(t, path, &store.Options{NoSync: true})
			if _, err := db.Put(context.Background(), snapshot(url, t0, "sha256:aa")); err != nil {
				t.Fatal(err)
			}
			if err := db.Check(context.Background()); err != nil {
				t.Fatalf("Check before the damage: %v", err)
			}
			db.Close()
			b, err := bolt.Open(path, 0o644, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Update(tt.damage); err != nil {
				t.Fatal(err)
			}
			b.Close()
			db = open(t, path, &store.Options{ReadOnly: true})
			defer db.Close()
			if err := db.Check(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want a problem with %q", err, tt.want)
			}
		})
	}
}

func deleteFirst(b *bolt.Bucket) error {
	k, _ := b.Cursor().First()
	return b.Delete(bytes.Clone(k))
}
