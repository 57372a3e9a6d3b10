package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// bucketFrontier holds the frontiers of unfinished runs (see doc.go). It is
// not in allBuckets: a writable Open creates it, and an archive without it
// (written before it existed, read-only) has no unfinished run.
var bucketFrontier = []byte("frontier")

// The state byte of a frontier entry.
const (
	frontierQueued = 0
	frontierDone   = 1
)

// frontierEncoding is the first byte of a frontier entry.
const frontierEncoding = 1

// FrontierEntry is one URL of a site's unfinished run: the caller's URL
// string, its depth and flags (the store gives them no meaning), and
// whether it is done.
type FrontierEntry struct {
	URL   string
	Depth int
	Flags uint8
	Done  bool
}

func frontierKey(site, url string) []byte {
	k := make([]byte, 0, len(site)+1+len(url))
	return append(append(append(k, site...), sep), url...)
}

func sitePrefix(site string) []byte { return append([]byte(site), sep) }

func encodeFrontier(e FrontierEntry) []byte {
	state := byte(frontierQueued)
	if e.Done {
		state = frontierDone
	}
	b := []byte{frontierEncoding, state, e.Flags}
	return binary.AppendUvarint(b, uint64(e.Depth))
}

func decodeFrontier(v []byte) (FrontierEntry, error) {
	if len(v) < 4 || v[0] != frontierEncoding || v[1] > frontierDone {
		return FrontierEntry{}, fmt.Errorf("bad frontier entry %x", v)
	}
	d, n := binary.Uvarint(v[3:])
	if n <= 0 || 3+n != len(v) || d > 1<<20 {
		return FrontierEntry{}, fmt.Errorf("bad frontier entry %x", v)
	}
	return FrontierEntry{Depth: int(d), Flags: v[2], Done: v[1] == frontierDone}, nil
}

func checkFrontierKey(site, url string) error {
	switch {
	case site == "" || len(site) > maxSiteLen || bytes.IndexByte([]byte(site), sep) >= 0:
		return fmt.Errorf("bad site name %q", site)
	case url == "" || len(url) > maxURLLen || bytes.IndexByte([]byte(url), sep) >= 0:
		return fmt.Errorf("bad url %q", url)
	}
	return nil
}

// frontierUpdate runs fn in a batched write transaction on the frontier
// bucket; it returns once the batch has committed.
func (db *DB) frontierUpdate(ctx context.Context, op string, fn func(b *bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if db.readOnly {
		return fmt.Errorf("%s: %w", op, bolterrors.ErrDatabaseReadOnly)
	}
	if err := db.enter(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer db.leave()
	// Batch may run fn again after a rollback: each fn is idempotent.
	if err := db.bolt.Batch(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucketFrontier)) }); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// checkAdd checks entries to queue: what would break the key layout.
func checkAdd(site string, es []FrontierEntry) error {
	for _, e := range es {
		if err := checkFrontierKey(site, e.URL); err != nil {
			return err
		}
		if e.Depth < 0 || e.Depth > 1<<20 {
			return fmt.Errorf("%s: depth %d out of range", e.URL, e.Depth)
		}
	}
	return nil
}

// addEntries queues es in site's unfinished run (starting one if it has
// none). A URL already there keeps its entry: a done URL stays done.
func addEntries(b *bolt.Bucket, site string, es []FrontierEntry) error {
	for _, e := range es {
		k := frontierKey(site, e.URL)
		if b.Get(k) != nil {
			continue
		}
		e.Done = false
		if err := b.Put(k, encodeFrontier(e)); err != nil {
			return err
		}
	}
	return nil
}

// markDone marks url done in site's unfinished run. A URL that is not
// there (its run was finished meanwhile) is left out.
func markDone(b *bolt.Bucket, site, url string) error {
	k := frontierKey(site, url)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	e, err := decodeFrontier(v)
	if err != nil || e.Done {
		return err
	}
	e.Done = true
	return b.Put(k, encodeFrontier(e))
}

// FrontierOp is one change to a site's unfinished run: its Add entries
// queued (a URL already there keeps its entry: a done URL stays done), or,
// with Done, its URL marked done (one not there, its run finished
// meanwhile, is left out).
type FrontierOp struct {
	Site string
	Add  []FrontierEntry
	Done bool
	URL  string
}

// Check reports what FrontierApply would refuse op for.
func (op FrontierOp) Check() error {
	var err error
	if op.Done {
		err = checkFrontierKey(op.Site, op.URL)
	} else {
		err = checkAdd(op.Site, op.Add)
	}
	if err != nil {
		return fmt.Errorf("frontier %s: %w", op.Site, err)
	}
	return nil
}

// FrontierApply makes ops, in order, in one transaction: it joins the batch
// of the Puts in flight (one commit, one fsync, for both), for a caller
// that groups the changes of many pages itself. It returns once they are
// on disk; on an error none of them is.
func (db *DB) FrontierApply(ctx context.Context, ops []FrontierOp) error {
	for _, op := range ops {
		if err := op.Check(); err != nil {
			return fmt.Errorf("frontier apply: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("frontier apply: %w", err)
	}
	if db.readOnly {
		return fmt.Errorf("frontier apply: %w", bolterrors.ErrDatabaseReadOnly)
	}
	if err := db.enter(); err != nil {
		return fmt.Errorf("frontier apply: %w", err)
	}
	defer db.leave()
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFrontier)
		for _, op := range ops {
			var err error
			if op.Done {
				err = markDone(b, op.Site, op.URL)
			} else {
				err = addEntries(b, op.Site, op.Add)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier apply: %w", err)
	}
	return nil
}

// FrontierFinish deletes site's frontier: its run ended.
func (db *DB) FrontierFinish(ctx context.Context, site string) error {
	if err := checkFrontierKey(site, "-"); err != nil {
		return fmt.Errorf("frontier finish: %w", err)
	}
	prefix := sitePrefix(site)
	return db.frontierUpdate(ctx, "frontier finish "+site, func(b *bolt.Bucket) error {
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}

// FrontierLoad calls fn for each URL of site's unfinished run, in URL
// order, in one read transaction; none when it has none.
func (db *DB) FrontierLoad(ctx context.Context, site string, fn func(FrontierEntry) error) error {
	if err := db.enter(); err != nil {
		return fmt.Errorf("frontier load %s: %w", site, err)
	}
	defer db.leave()
	prefix := sitePrefix(site)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFrontier)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			e, err := decodeFrontier(v)
			if err != nil {
				return fmt.Errorf("%q: %w", k, err)
			}
			e.URL = string(k[len(prefix):])
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier load %s: %w", site, err)
	}
	return nil
}

// FrontierSites returns the sites that have an unfinished run, sorted.
func (db *DB) FrontierSites(ctx context.Context) ([]string, error) {
	if err := db.enter(); err != nil {
		return nil, fmt.Errorf("frontier sites: %w", err)
	}
	defer db.leave()
	var sites []string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFrontier)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; {
			if err := ctx.Err(); err != nil {
				return err
			}
			i := bytes.IndexByte(k, sep)
			if i < 0 {
				return fmt.Errorf("bad frontier key %q", k)
			}
			sites = append(sites, string(k[:i]))
			// Skip to the first key after site|0x00...: site|0x01.
			next := append([]byte(nil), k[:i]...)
			k, _ = c.Seek(append(next, sep+1))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontier sites: %w", err)
	}
	return sites, nil
}

// frontier verifies that every frontier entry has a key site|0x00|url
// and a value that decodes.
func (c *checker) frontier(ctx context.Context, tx *bolt.Tx) {
	b := tx.Bucket(bucketFrontier)
	if b == nil {
		return
	}
	cur := b.Cursor()
	for k, v := cur.First(); k != nil && !c.full(); k, v = cur.Next() {
		if ctx.Err() != nil {
			c.add(ctx.Err())
			return
		}
		if i := bytes.IndexByte(k, sep); i <= 0 || i == len(k)-1 {
			c.add(fmt.Errorf("frontier: bad key %q", k))
			continue
		}
		if _, err := decodeFrontier(v); err != nil {
			c.add(fmt.Errorf("frontier %q: %w", k, err))
		}
	}
}
