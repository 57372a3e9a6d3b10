package storetest

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/store"
)

// testHistory: oldest first, every field, and untouched by other URLs.
func testHistory(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	put(t, a,
		snap(urlA, "cairo", at(0), "sha256:aa"),
		snap(urlB, "alex", at(5), "sha256:aa"),
		snap(urlA, "cairo", at(10), "sha256:aa"),
		snap(urlA, "cairo2", at(20), "sha256:bb"), // the site may change between versions
	)
	got, err := a.History(context.Background(), urlA)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Version{
		{URL: urlA, Site: "cairo", Version: 1, FetchedAt: at(0), FirstSeen: at(0), LastSeen: at(10), Seen: 2,
			ContentHash: "sha256:aa", Origin: store.OriginCrawl},
		{URL: urlA, Site: "cairo2", Version: 2, FetchedAt: at(20), FirstSeen: at(20), LastSeen: at(20), Seen: 1,
			ContentHash: "sha256:bb", Origin: store.OriginCrawl},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
}

// testRecordCapture: records come back as given, captures byte for byte
// after compression, each version its own.
func testRecordCapture(t *testing.T, open func(t *testing.T) store.Archive) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 300<<10)
	for i := range random {
		random[i] = byte(rnd.UintN(256))
	}
	allBytes := make([]byte, 0, 256*64)
	for range 64 {
		for b := range 256 {
			allBytes = append(allBytes, byte(b))
		}
	}
	html := capture(urlA, "sha256:aa", at(0))
	tests := []struct {
		name            string
		record, capture []byte
	}{
		{"html", record(urlA, "sha256:aa", at(0)), html},
		{"every byte value", []byte(`{}`), allBytes},
		{"large and compressible", []byte(`{"a":1}`), bytes.Repeat(html, 20000)},
		{"incompressible", []byte(`{"a":2}`), random},
		{"empty", []byte{}, []byte{}},
		{"nil", nil, nil},
	}
	a := open(t)
	ctx := context.Background()
	for i, tt := range tests {
		s := snap(urlA, "cairo", at(i), "sha256:"+tt.name)
		s.Record, s.Capture = tt.record, tt.capture
		out := put(t, a, s)[0]
		if out.Version != i+1 {
			t.Fatalf("%s: version %d, want %d", tt.name, out.Version, i+1)
		}
	}
	for i, tt := range tests {
		rec, err := a.Record(ctx, urlA, i+1)
		if err != nil {
			t.Errorf("%s: Record: %v", tt.name, err)
		} else if !bytes.Equal(rec, tt.record) {
			t.Errorf("%s: Record = %.60q (%d bytes), want %.60q (%d bytes)", tt.name, rec, len(rec), tt.record, len(tt.record))
		}
		capt, err := a.Capture(ctx, urlA, i+1)
		if err != nil {
			t.Errorf("%s: Capture: %v", tt.name, err)
		} else if !bytes.Equal(capt, tt.capture) {
			t.Errorf("%s: Capture differs: %d bytes, want %d", tt.name, len(capt), len(tt.capture))
		}
	}

	// Record returns a copy: changing it changes nothing stored.
	rec, err := a.Record(ctx, urlA, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rec {
		rec[i] = 'x'
	}
	if again, _ := a.Record(ctx, urlA, 1); !bytes.Equal(again, tests[0].record) {
		t.Errorf("Record after changing a returned record = %.60q", again)
	}
}

// testNotFound: unknown URLs and versions wrap ErrNotFound.
func testNotFound(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	put(t, a, snap(urlA, "cairo", at(0), "sha256:aa"))
	ctx := context.Background()
	prefix := strings.TrimSuffix(urlA, "1")
	record := func(url string, v int) func() error {
		return func() error { _, err := a.Record(ctx, url, v); return err }
	}
	capture := func(url string, v int) func() error {
		return func() error { _, err := a.Capture(ctx, url, v); return err }
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"History of an unknown url", func() error { _, err := a.History(ctx, urlB); return err }},
		{"History of a prefix of a known url", func() error { _, err := a.History(ctx, prefix); return err }},
		{"History of an empty url", func() error { _, err := a.History(ctx, ""); return err }},
		{"Record of an unknown url", record(urlB, 1)},
		{"Record of a prefix of a known url", record(prefix, 1)},
		{"Record of version 0", record(urlA, 0)},
		{"Record of version -1", record(urlA, -1)},
		{"Record of a version to come", record(urlA, 2)},
		{"Capture of an unknown url", capture(urlB, 1)},
		{"Capture of version 0", capture(urlA, 0)},
		{"Capture of a version to come", capture(urlA, 2)},
	}
	for _, tt := range tests {
		if err := tt.call(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tt.name, err)
		}
	}
}
