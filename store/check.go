package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxProblems bounds the problems Check reports.
const maxProblems = 20

// Check verifies the archive: bbolt's page-level check (tx.Check), then the
// layout's invariants. Each URL's versions are numbered 1..n and its latest
// entry says n; every version has its metadata, record and one entry in each
// time index, and a capture unless it re-used its Source's, which must then
// exist and have one; every request belongs to a version; every revisit
// belongs to a version and has its capture; every validators entry points
// at a version; every frontier entry has a site, a URL and a readable
// value. The records, captures and index buckets hold nothing else.
// It returns nil, or the problems found (at most 20), joined. On a writable
// archive it holds the write lock while it runs.
func (db *DB) Check(ctx context.Context) error {
	if err := db.enter(); err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	defer db.leave()
	// bbolt's check is safe beside writers only in a writable transaction.
	tx, err := db.bolt.Begin(!db.readOnly)
	if err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	defer func() { _ = tx.Rollback() }()

	var c checker
	for err := range tx.Check() {
		c.add(err)
	}
	if len(c.problems) == 0 {
		c.layout(ctx, tx)
	}
	if len(c.problems) == 0 {
		return nil
	}
	return fmt.Errorf("check %s: %w", db.path, errors.Join(c.problems...))
}

type checker struct{ problems []error }

func (c *checker) add(err error) {
	if len(c.problems) < maxProblems {
		c.problems = append(c.problems, err)
	}
}

func (c *checker) full() bool { return len(c.problems) >= maxProblems }

func (c *checker) layout(ctx context.Context, tx *bolt.Tx) {
	format, err := checkFormat(tx)
	if err != nil || format == 0 {
		if err != nil {
			c.add(err)
		}
		return
	}
	b := make(map[string]*bolt.Bucket, len(allBuckets))
	for _, name := range allBuckets {
		if b[string(name)] = tx.Bucket(name); b[string(name)] == nil && (format > 1 || isFormat1(name)) {
			c.add(fmt.Errorf("bucket %s missing", name))
		}
	}
	if len(c.problems) > 0 {
		return
	}
	versions, urls, reused := c.versions(ctx, tx)
	if c.full() {
		return
	}

	// Every version has one entry in each of these (a capture unless it
	// re-used another's): equal counts mean there is nothing else in them.
	for _, name := range [][]byte{bucketLatest, bucketRecords, bucketCaptures, bucketTime, bucketSiteTime} {
		want := versions
		switch {
		case bytes.Equal(name, bucketLatest):
			want = urls
		case bytes.Equal(name, bucketCaptures):
			want = versions - reused
		}
		if got := count(b[string(name)]); got != want {
			c.add(fmt.Errorf("bucket %s has %d entries, want %d", name, got, want))
		}
	}
	if format > 1 {
		c.logs(ctx, tx)
	}
	c.frontier(ctx, tx)
	c.plans(ctx, tx)
}

func isFormat1(name []byte) bool {
	for _, n := range format1Buckets {
		if bytes.Equal(n, name) {
			return true
		}
	}
	return false
}

// versions checks each version and returns how many there are, of how many
// URLs, and how many of them re-used their Source's capture.
func (c *checker) versions(ctx context.Context, tx *bolt.Tx) (versions, urls, reused int) {
	vb, lb, cb := tx.Bucket(bucketVersions), tx.Bucket(bucketLatest), tx.Bucket(bucketCaptures)
	var url string
	last := 0 // the previous version number of url
	endURL := func() {
		if url == "" {
			return
		}
		urls++
		if raw := lb.Get([]byte(url)); len(raw) != verLen || int(binary.BigEndian.Uint32(raw)) != last {
			c.add(fmt.Errorf("%s: latest entry %x, want version %d", url, raw, last))
		}
	}
	cur := vb.Cursor()
	for k, raw := cur.First(); k != nil && !c.full(); k, raw = cur.Next() {
		if err := ctx.Err(); err != nil {
			c.add(err)
			return
		}
		versions++
		u, n, err := parseVersionKey(k)
		if err != nil {
			c.add(err)
			continue
		}
		if u != url {
			endURL()
			url, last = u, 0
		}
		if n != last+1 {
			c.add(fmt.Errorf("%s: version %d follows version %d", u, n, last))
		}
		last = n
		m, err := decodeMeta(raw)
		if err != nil {
			c.add(fmt.Errorf("%s v%d: %w", u, n, err))
			continue
		}
		if m.seen < 1 || m.firstSeen > m.fetchedAt || m.fetchedAt > m.lastSeen {
			c.add(fmt.Errorf("%s v%d: inconsistent metadata %+v", u, n, m))
		}
		t := unixNano(m.fetchedAt)
		type entry struct{ bucket, key []byte }
		entries := []entry{
			{bucketRecords, k},
			{bucketTime, timeKey(t, u, n)},
			{bucketSiteTime, siteTimeKey(m.site, t, u, n)},
		}
		if m.source > 0 {
			reused++
			c.source(vb, cb, u, n, &m)
		} else {
			entries = append(entries, entry{bucketCaptures, k})
		}
		for _, e := range entries {
			if tx.Bucket(e.bucket).Get(e.key) == nil {
				c.add(fmt.Errorf("%s v%d: %s entry missing", u, n, e.bucket))
			}
		}
	}
	if !c.full() {
		endURL()
	}
	return versions, urls, reused
}

// source checks that version n of url, which re-used its source's capture,
// is a re-extraction of an earlier version that has a capture.
func (c *checker) source(vb, cb *bolt.Bucket, url string, n int, m *meta) {
	switch {
	case m.origin != OriginReextract:
		c.add(fmt.Errorf("%s v%d: origin %s with source version %d", url, n, m.origin, m.source))
	case m.source >= n:
		c.add(fmt.Errorf("%s v%d: source version %d is not an earlier one", url, n, m.source))
	case vb.Get(versionKey(url, m.source)) == nil:
		c.add(fmt.Errorf("%s v%d: source version %d missing", url, n, m.source))
	case cb.Get(versionKey(url, m.source)) == nil:
		c.add(fmt.Errorf("%s v%d: source version %d has no capture", url, n, m.source))
	case cb.Get(versionKey(url, n)) != nil:
		c.add(fmt.Errorf("%s v%d: a capture of its own besides source version %d", url, n, m.source))
	}
}

// logs checks the buckets of format 2: requests, the revisit log and
// validators.
func (c *checker) logs(ctx context.Context, tx *bolt.Tx) {
	vb := tx.Bucket(bucketVersions)
	cur := tx.Bucket(bucketRequests).Cursor()
	for k, _ := cur.First(); k != nil && !c.full(); k, _ = cur.Next() {
		if vb.Get(k) == nil {
			c.add(fmt.Errorf("request %q of no version", k))
		}
	}

	lcb := tx.Bucket(bucketRevisitCaptures)
	revisits := 0
	cur = tx.Bucket(bucketRevisits).Cursor()
	for k, raw := cur.First(); k != nil && !c.full(); k, raw = cur.Next() {
		if err := ctx.Err(); err != nil {
			c.add(err)
			return
		}
		revisits++
		if len(k) < timeLen+2+verLen {
			c.add(fmt.Errorf("bad revisit key %q", k))
			continue
		}
		u, n, err := parseVersionKey(k[timeLen:])
		if err != nil {
			c.add(fmt.Errorf("revisit key: %w", err))
			continue
		}
		at := keyTime(k).Format(time.RFC3339Nano)
		if vb.Get(k[timeLen:]) == nil {
			c.add(fmt.Errorf("revisit of %s v%d at %s: version missing", u, n, at))
		}
		if _, err := decodeRevisit(raw); err != nil {
			c.add(fmt.Errorf("revisit of %s v%d at %s: %w", u, n, at, err))
		}
		if lcb.Get(k) == nil {
			c.add(fmt.Errorf("revisit of %s v%d at %s: %s entry missing", u, n, at, bucketRevisitCaptures))
		}
	}
	if c.full() {
		return
	}
	if got := count(lcb); got != revisits {
		c.add(fmt.Errorf("bucket %s has %d entries, want %d", bucketRevisitCaptures, got, revisits))
	}

	cur = tx.Bucket(bucketValidators).Cursor()
	for k, raw := cur.First(); k != nil && !c.full(); k, raw = cur.Next() {
		v, _, err := decodeValidators(raw)
		if err != nil {
			c.add(fmt.Errorf("validators of %s: %w", k, err))
			continue
		}
		if vb.Get(versionKey(v.URL, v.Version)) == nil {
			c.add(fmt.Errorf("validators of %s: %s v%d missing", k, v.URL, v.Version))
		}
	}
}

func count(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}
