package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// maxProblems bounds the problems Check reports.
const maxProblems = 20

// Check verifies the archive: bbolt's page-level check (tx.Check), then the
// layout's invariants. Each URL's versions are numbered 1..n and its latest
// entry says n; every version has its metadata, record, capture and one
// entry in each time index; the records, captures and index buckets hold
// nothing else. It returns nil, or the problems found (at most 20), joined.
// On a writable archive it holds the write lock while it runs.
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
	if fresh, err := checkFormat(tx); err != nil || fresh {
		if err != nil {
			c.add(err)
		}
		return
	}
	b := make(map[string]*bolt.Bucket, len(allBuckets))
	for _, name := range allBuckets {
		if b[string(name)] = tx.Bucket(name); b[string(name)] == nil {
			c.add(fmt.Errorf("bucket %s missing", name))
		}
	}
	if c.full() || len(c.problems) > 0 {
		return
	}
	vb, lb := b[string(bucketVersions)], b[string(bucketLatest)]

	var versions, urls int
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
		for _, e := range []struct {
			bucket []byte
			key    []byte
		}{
			{bucketRecords, k},
			{bucketCaptures, k},
			{bucketTime, timeKey(t, u, n)},
			{bucketSiteTime, siteTimeKey(m.site, t, u, n)},
		} {
			if b[string(e.bucket)].Get(e.key) == nil {
				c.add(fmt.Errorf("%s v%d: %s entry missing", u, n, e.bucket))
			}
		}
	}
	if c.full() {
		return
	}
	endURL()

	// Every version has one entry in each of these: equal counts mean there
	// is nothing else in them.
	for _, name := range [][]byte{bucketLatest, bucketRecords, bucketCaptures, bucketTime, bucketSiteTime} {
		want := versions
		if bytes.Equal(name, bucketLatest) {
			want = urls
		}
		if got := count(b[string(name)]); got != want {
			c.add(fmt.Errorf("bucket %s has %d entries, want %d", name, got, want))
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
