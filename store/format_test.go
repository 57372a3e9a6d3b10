package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/newsarc/newsarc/store"
)

// format1File writes, with bbolt directly, the archive a format-1 newsarc
// left after two versions of url (the second seen twice): the layout and
// metadata encoding 1 that doc.go described before format 2.
func format1File(t *testing.T, path, url string) {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	timeBytes := func(at time.Time) []byte {
		return binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())^(1<<63))
	}
	boltFile(t, path, func(tx *bolt.Tx) error {
		b := map[string]*bolt.Bucket{}
		for _, name := range []string{"meta", "latest", "versions", "records", "captures", "by_time", "by_site_time"} {
			var err error
			if b[name], err = tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		put := func(bucket string, k, v []byte) {
			if err == nil {
				err = b[bucket].Put(k, v)
			}
		}
		put("meta", []byte("format"), []byte("1"))
		put("latest", []byte(url), []byte{0, 0, 0, 2})
		for v, s := range []store.Snapshot{snapshot(url, t0, "sha256:aa"), snapshot(url, t0.Add(time.Hour), "sha256:bb")} {
			n := v + 1
			seen, last := 1, s.FetchedAt
			if n == 2 {
				seen, last = 2, s.FetchedAt.Add(time.Hour)
			}
			vk := binary.BigEndian.AppendUint32([]byte(url+"\x00"), uint32(n))
			m := []byte{1} // encoding 1
			m = binary.AppendVarint(m, s.FetchedAt.UnixNano())
			m = binary.AppendVarint(m, s.FetchedAt.UnixNano())
			m = binary.AppendVarint(m, last.UnixNano())
			m = binary.AppendUvarint(m, uint64(seen))
			for _, str := range []string{s.Site, s.ContentHash, "crawl"} {
				m = binary.AppendUvarint(m, uint64(len(str)))
				m = append(m, str...)
			}
			put("versions", vk, m)
			put("records", vk, s.Record)
			put("captures", vk, enc.EncodeAll(s.Capture, nil))
			put("by_time", append(timeBytes(s.FetchedAt), vk...), []byte{})
			put("by_site_time", append(append([]byte(s.Site+"\x00"), timeBytes(s.FetchedAt)...), vk...), []byte{})
		}
		return err
	})
}

// formatOf reads the format key of the archive at path.
func formatOf(t *testing.T, path string) (format string, buckets []string) {
	t.Helper()
	b, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		format = string(tx.Bucket([]byte("meta")).Get([]byte("format")))
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			buckets = append(buckets, string(name))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return format, buckets
}

// TestFormat1: a format-1 archive reads as it is when opened read-only, and
// a writable Open upgrades it to format 2 in place, its data untouched.
func TestFormat1(t *testing.T) {
	ctx := context.Background()
	const url = "https://news.example/news/1"
	path := filepath.Join(t.TempDir(), "v1.db")
	format1File(t, path, url)
	want := []store.Version{
		{URL: url, Site: "cairo", Version: 1, FetchedAt: t0, FirstSeen: t0, LastSeen: t0, Seen: 1,
			ContentHash: "sha256:aa", Origin: store.OriginCrawl},
		{URL: url, Site: "cairo", Version: 2, FetchedAt: t0.Add(time.Hour), FirstSeen: t0.Add(time.Hour),
			LastSeen: t0.Add(2 * time.Hour), Seen: 2, ContentHash: "sha256:bb", Origin: store.OriginCrawl},
	}
	// reads checks what every open of the file must give.
	reads := func(t *testing.T, db *store.DB) {
		t.Helper()
		h, err := db.History(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, h[:2]); diff != "" {
			t.Errorf("History (-want +got):\n%s", diff)
		}
		if c, err := db.Capture(ctx, url, 2); err != nil || string(c) != string(snapshot(url, t0, "sha256:bb").Capture) {
			t.Errorf("Capture(v2) = %q, %v", c, err)
		}
		if r, err := db.Request(ctx, url, 1); r != nil || err != nil {
			t.Errorf("Request(v1) = %q, %v; want nil, nil", r, err)
		}
		var got []string
		err = db.Fetches(ctx, store.Filter{}, func(f store.Fetch) error {
			got = append(got, string(f.Kind)+" "+f.TargetURI+" "+f.PayloadDigest+" "+string(f.Capture[:15]))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 2 || got[0] != "version "+url+"  HTTP/1.1 200 OK" || got[1] != got[0] {
			t.Errorf("Fetches = %q", got)
		}
		if err := db.Check(ctx); err != nil {
			t.Error(err)
		}
	}

	ro := open(t, path, &store.Options{ReadOnly: true})
	reads(t, ro)
	if v, err := ro.Validators(ctx, url); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Validators = %+v, %v; want ErrNotFound", v, err)
	}
	ro.Close()
	if format, buckets := formatOf(t, path); format != "1" || len(buckets) != 7 {
		t.Fatalf("after a read-only open: format %s, buckets %q; want 1 and the 7 of format 1", format, buckets)
	}

	// The upgrade is done by Open itself, before any write.
	if err := open(t, path, &store.Options{NoSync: true}).Close(); err != nil {
		t.Fatal(err)
	}
	format, buckets := formatOf(t, path)
	if format != "2" || !strings.Contains(strings.Join(buckets, " "), "requests revisit_captures revisit_due revisit_plans revisit_stats revisits") ||
		!strings.Contains(strings.Join(buckets, " "), "validators") {
		t.Errorf("after a writable open: format %s, buckets %q; want 2 with the new buckets", format, buckets)
	}
	db := open(t, path, &store.Options{NoSync: true})
	reads(t, db)
	// A version of format 1 has no payload digest: seen again, the fetch is
	// kept whole.
	s := snapshot(url, t0.Add(3*time.Hour), "sha256:bb")
	s.PayloadDigest, s.ETag = "sha1:X", `"e"`
	if out, err := db.Put(ctx, s); err != nil || out != (store.Outcome{Version: 2, Seen: 3}) {
		t.Errorf("Put = %+v, %v", out, err)
	}
	if _, err := db.Revisit(ctx, store.Revisit{URL: url, Version: 1, FetchedAt: t0.Add(4 * time.Hour), Kind: store.FetchNotModified}); err != nil {
		t.Error(err)
	}
	var kinds []store.FetchKind
	if err := db.Fetches(ctx, store.Filter{}, func(f store.Fetch) error { kinds = append(kinds, f.Kind); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.FetchKind{store.FetchVersion, store.FetchVersion, store.FetchDifferent, store.FetchNotModified}, kinds); diff != "" {
		t.Errorf("Fetches after the upgrade (-want +got):\n%s", diff)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro = open(t, path, &store.Options{ReadOnly: true})
	defer ro.Close()
	if err := ro.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestCheckFindsLogDamage: Check verifies what format 2 added. Each case
// damages one entry of a good archive behind its back.
func TestCheckFindsLogDamage(t *testing.T) {
	const url = "https://news.example/news/1"
	vkey := func(v uint32) []byte { return binary.BigEndian.AppendUint32([]byte(url+"\x00"), v) }
	revisitKey := func(v uint32) []byte {
		return append(binary.BigEndian.AppendUint64(nil, uint64(t0.Add(time.Minute).UnixNano())^(1<<63)), vkey(v)...)
	}
	tests := []struct {
		name   string
		damage func(tx *bolt.Tx) error
		want   string
	}{
		{"revisit of a missing version", func(tx *bolt.Tx) error {
			k := revisitKey(7)
			if err := tx.Bucket([]byte("revisits")).Put(k, []byte{1, 3, 1, 0, 0, 0}); err != nil {
				return err
			}
			return tx.Bucket([]byte("revisit_captures")).Put(k, []byte{})
		}, "revisit of " + url + " v7 at 2024-05-01T12:01:00Z: version missing"},
		{"revisit capture gone", func(tx *bolt.Tx) error { return deleteFirst(tx.Bucket([]byte("revisit_captures"))) },
			"revisit_captures entry missing"},
		{"stray revisit capture", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("revisit_captures")).Put(revisitKey(9), []byte{})
		}, "bucket revisit_captures has 3 entries, want 2"},
		{"revisit entry unreadable", func(tx *bolt.Tx) error {
			c := tx.Bucket([]byte("revisits")).Cursor()
			k, _ := c.First()
			return tx.Bucket([]byte("revisits")).Put(bytes.Clone(k), []byte{1, 9})
		}, "bad revisit entry"},
		{"validators of a missing version", func(tx *bolt.Tx) error {
			v := append([]byte{1, 9, byte(len(url))}, url...)
			return tx.Bucket([]byte("validators")).Put([]byte(url), append(v, 0, 0))
		}, "validators of " + url + ": " + url + " v9 missing"},
		{"source capture gone", func(tx *bolt.Tx) error { return tx.Bucket([]byte("captures")).Delete(vkey(1)) },
			"v2: source version 1 has no capture"},
		{"request of no version", func(tx *bolt.Tx) error { return tx.Bucket([]byte("requests")).Put(vkey(5), []byte("GET /")) },
			"of no version"},
		{"bucket gone", func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("revisits")) }, "bucket revisits missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "newsarc.db")
			db := open(t, path, &store.Options{NoSync: true})
			s := snapshot(url, t0, "sha256:aa")
			s.Request, s.ETag, s.PayloadDigest = []byte("GET /news/1 HTTP/1.1\r\n\r\n"), `"e"`, "sha1:A"
			re := snapshot(url, t0, "sha256:bb")
			re.Origin, re.Source, re.Capture = store.OriginReextract, 1, nil
			again := snapshot(url, t0.Add(2*time.Minute), "sha256:bb")
			again.PayloadDigest = "sha1:A"
			for _, s := range []store.Snapshot{s, re, again} {
				if _, err := db.Put(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Revisit(ctx, store.Revisit{URL: url, Version: 1, FetchedAt: t0.Add(3 * time.Minute), Kind: store.FetchNotModified}); err != nil {
				t.Fatal(err)
			}
			if err := db.Check(ctx); err != nil {
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
			if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want a problem with %q", err, tt.want)
			}
		})
	}
}
