package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// view runs fn in a read transaction, as a call Close waits for.
func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	return db.bolt.View(fn)
}

// History returns every version of url, oldest first. An unknown URL gives
// an error that wraps ErrNotFound.
func (db *DB) History(ctx context.Context, url string) ([]Version, error) {
	var vs []Version
	err := db.view(ctx, func(tx *bolt.Tx) error {
		vb := tx.Bucket(bucketVersions)
		if vb == nil {
			return nil
		}
		prefix := urlPrefix(url)
		c := vb.Cursor()
		for k, raw := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, raw = c.Next() {
			_, n, err := parseVersionKey(k)
			if err != nil {
				return err
			}
			m, err := decodeMeta(raw)
			if err != nil {
				return fmt.Errorf("version %d: %w", n, err)
			}
			vs = append(vs, m.version(url, n))
		}
		return nil
	})
	if err == nil && len(vs) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", url, err)
	}
	return vs, nil
}

// Record returns a copy of the record of url's version.
func (db *DB) Record(ctx context.Context, url string, version int) ([]byte, error) {
	var rec []byte
	err := db.getVersion(ctx, url, version, bucketRecords, false, func(raw []byte) error {
		if raw == nil {
			return fmt.Errorf("%s entry missing", bucketRecords)
		}
		rec = bytes.Clone(raw)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record %s v%d: %w", url, version, err)
	}
	return rec, nil
}

// Capture returns the capture of url's version, decompressed; that of its
// Source for a version re-extracted from another's capture.
func (db *DB) Capture(ctx context.Context, url string, version int) ([]byte, error) {
	var capture []byte
	err := db.getVersion(ctx, url, version, bucketCaptures, true, func(raw []byte) error {
		if raw == nil {
			return fmt.Errorf("%s entry missing", bucketCaptures)
		}
		var err error
		// DecodeAll writes into new memory: nothing of the mmap escapes.
		capture, err = db.dec.DecodeAll(raw, nil)
		if err != nil {
			return fmt.Errorf("decompress: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("capture %s v%d: %w", url, version, err)
	}
	return capture, nil
}

// Request returns a copy of the request head of url's version (of its
// Source for a version re-extracted from another's capture), or nil when
// none was stored: imports without a request record, and archives of
// format 1.
func (db *DB) Request(ctx context.Context, url string, version int) ([]byte, error) {
	var req []byte
	err := db.getVersion(ctx, url, version, bucketRequests, true, func(raw []byte) error {
		req = bytes.Clone(raw)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("request %s v%d: %w", url, version, err)
	}
	return req, nil
}

// getVersion calls fn with the value that bucket holds for url's version
// (nil if none, or if the bucket is missing), inside the read transaction.
// With viaSource, a version re-extracted from another's capture reads its
// Source's entry.
func (db *DB) getVersion(ctx context.Context, url string, version int, bucket []byte, viaSource bool, fn func(raw []byte) error) error {
	if version < 1 || version > maxVersion {
		return ErrNotFound
	}
	return db.view(ctx, func(tx *bolt.Tx) error {
		vb := tx.Bucket(bucketVersions)
		if vb == nil {
			return ErrNotFound
		}
		k := versionKey(url, version)
		raw := vb.Get(k)
		if raw == nil {
			return ErrNotFound
		}
		if viaSource {
			m, err := decodeMeta(raw)
			if err != nil {
				return err
			}
			if m.source > 0 {
				k = versionKey(url, m.source)
			}
		}
		var v []byte
		if b := tx.Bucket(bucket); b != nil {
			v = b.Get(k)
		}
		return fn(v)
	})
}

// Scan calls fn for each version that f selects, in FetchedAt order, within
// one read transaction: fn sees a consistent archive however long the scan
// takes. It walks the by_site_time index when f.Site is set, else the
// by_time index, from f.Since to f.Until; without AllVersions it skips the
// entries that are not their URL's latest version. record is the stored
// bytes themselves: valid only during fn, and not to be modified. fn must not
// call Put on the same DB (a Put that grows the file waits for this
// transaction to end). An error from fn is returned as it is.
func (db *DB) Scan(ctx context.Context, f Filter, fn func(v Version, record []byte) error) error {
	fnFailed := false
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scan(ctx, tx, f, func(v Version, record []byte) error {
			err := fn(v, record)
			fnFailed = err != nil
			return err
		})
	})
	if err != nil && !fnFailed {
		return fmt.Errorf("scan: %w", err)
	}
	return err
}

func scan(ctx context.Context, tx *bolt.Tx, f Filter, fn func(Version, []byte) error) error {
	var prefix []byte
	idx := tx.Bucket(bucketTime)
	if f.Site != "" {
		idx = tx.Bucket(bucketSiteTime)
		prefix = append([]byte(f.Site), sep)
	}
	lb, vb, rb := tx.Bucket(bucketLatest), tx.Bucket(bucketVersions), tx.Bucket(bucketRecords)
	if idx == nil || lb == nil || vb == nil || rb == nil {
		return nil // a fresh file opened read-only
	}
	start := prefix
	if !f.Since.IsZero() {
		start = appendTime(bytes.Clone(prefix), f.Since)
	}
	var until []byte
	if !f.Until.IsZero() {
		until = appendTime(nil, f.Until)
	}
	c := idx.Cursor()
	for k, _ := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		rest := k[len(prefix):]
		if len(rest) < timeLen+2+verLen {
			return fmt.Errorf("bad index key %q", k)
		}
		if until != nil && bytes.Compare(rest[:timeLen], until) >= 0 {
			break
		}
		// The rest of an index key is the version key: url|0x00|version.
		vk := rest[timeLen:]
		url, ver := vk[:len(vk)-verLen-1], vk[len(vk)-verLen:]
		if !f.AllVersions && !bytes.Equal(lb.Get(url), ver) {
			continue
		}
		m, err := decodeMeta(vb.Get(vk))
		if err != nil {
			return fmt.Errorf("%s v%d: %w", url, binary.BigEndian.Uint32(ver), err)
		}
		rec := rb.Get(vk)
		if rec == nil {
			return fmt.Errorf("%s v%d: record missing", url, binary.BigEndian.Uint32(ver))
		}
		if err := fn(m.version(string(url), int(binary.BigEndian.Uint32(ver))), rec); err != nil {
			return err
		}
	}
	return nil
}
