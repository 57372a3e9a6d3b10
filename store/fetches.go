package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// Fetches calls fn for every fetch whose FetchedAt is in f's window (Since
// <= t < Until): the fetch that created each version, and each revisit. It
// merges two cursors, over by_time (by_site_time when f.Site is set) and
// over the revisit log, in one read transaction, so fn sees the fetches in
// FetchedAt order; at equal times versions come first, then revisits, each
// by URL. f.Site keeps the fetches of versions of that site; f.AllVersions
// is ignored. The Fetch's byte slices are valid only during fn and must not
// be modified (the capture buffer is reused), and fn must not call Put or
// Revisit on the same DB. An error from fn is returned as it is.
func (db *DB) Fetches(ctx context.Context, f Filter, fn func(Fetch) error) error {
	fnFailed := false
	err := db.view(ctx, func(tx *bolt.Tx) error {
		w, ok := newFetchWalk(tx, db.dec, f)
		if !ok {
			return nil // a fresh file opened read-only
		}
		return w.run(ctx, func(fe Fetch) error {
			err := fn(fe)
			fnFailed = err != nil
			return err
		})
	})
	if err != nil && !fnFailed {
		return fmt.Errorf("fetches: %w", err)
	}
	return err
}

// fetchWalk is one Fetches call's cursors and buckets.
type fetchWalk struct {
	f                       Filter
	dec                     *zstd.Decoder
	prefix                  []byte // of the version index: site|0x00, or none
	until                   []byte // the window's end as a key time; nil = open
	vb, rb, cb, qb, lb, lcb *bolt.Bucket
	idx, log                *bolt.Cursor // log is nil in a format-1 archive opened read-only
	buf                     []byte       // decompressed captures
}

func newFetchWalk(tx *bolt.Tx, dec *zstd.Decoder, f Filter) (*fetchWalk, bool) {
	w := &fetchWalk{f: f, dec: dec}
	idx := tx.Bucket(bucketTime)
	if f.Site != "" {
		idx = tx.Bucket(bucketSiteTime)
		w.prefix = append([]byte(f.Site), sep)
	}
	w.vb, w.rb, w.cb = tx.Bucket(bucketVersions), tx.Bucket(bucketRecords), tx.Bucket(bucketCaptures)
	if idx == nil || w.vb == nil || w.rb == nil || w.cb == nil {
		return nil, false
	}
	w.idx = idx.Cursor()
	// Missing in a format-1 archive opened read-only: no revisits.
	w.qb, w.lb, w.lcb = tx.Bucket(bucketRequests), tx.Bucket(bucketRevisits), tx.Bucket(bucketRevisitCaptures)
	if w.lb != nil && w.lcb != nil {
		w.log = w.lb.Cursor()
	}
	if !f.Until.IsZero() {
		w.until = appendTime(nil, f.Until)
	}
	return w, true
}

// inWindow returns k, a key of the version index or of the log (prefix,
// then time), or nil when k is past the window or the prefix.
func (w *fetchWalk) inWindow(k []byte, prefix []byte) []byte {
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	if w.until != nil && len(k) >= len(prefix)+timeLen && bytes.Compare(k[len(prefix):len(prefix)+timeLen], w.until) >= 0 {
		return nil
	}
	return k
}

func (w *fetchWalk) run(ctx context.Context, fn func(Fetch) error) error {
	start := func(prefix []byte) []byte {
		if w.f.Since.IsZero() {
			return prefix
		}
		return appendTime(bytes.Clone(prefix), w.f.Since)
	}
	k, _ := w.idx.Seek(start(w.prefix))
	vk := w.inWindow(k, w.prefix)
	var lk, lv []byte
	if w.log != nil {
		k, lv = w.log.Seek(start(nil))
		lk = w.inWindow(k, nil)
	}
	for vk != nil || lk != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		if vk != nil && len(vk) < len(w.prefix)+timeLen+2+verLen {
			return fmt.Errorf("bad index key %q", vk)
		}
		var err error
		if vk != nil && (lk == nil || bytes.Compare(vk[len(w.prefix):len(w.prefix)+timeLen], lk[:timeLen]) <= 0) {
			err = w.version(vk[len(w.prefix):], fn)
			k, _ = w.idx.Next()
			vk = w.inWindow(k, w.prefix)
		} else {
			err = w.revisit(lk, lv, fn)
			k, lv = w.log.Next()
			lk = w.inWindow(k, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// version calls fn with the fetch that created the version of tk, a key of
// the time index: time|url|0x00|version.
func (w *fetchWalk) version(tk []byte, fn func(Fetch) error) error {
	vk := tk[timeLen:]
	url, n := splitVersionKey(vk)
	m, err := decodeMeta(w.vb.Get(vk))
	if err != nil {
		return fmt.Errorf("%s v%d: %w", url, n, err)
	}
	fe := Fetch{Kind: FetchVersion, URL: url, Site: m.site, Version: n, FetchedAt: unixNano(m.fetchedAt),
		TargetURI: targetOr(m.target, url), PayloadDigest: m.payload, Origin: m.origin, Source: m.source,
		Record: w.rb.Get(vk)}
	if fe.Record == nil {
		return fmt.Errorf("%s v%d: record missing", url, n)
	}
	if m.source > 0 {
		om, err := metaOf(w.vb, url, m.source)
		if err != nil {
			return fmt.Errorf("%s v%d: source v%d: %w", url, n, m.source, err)
		}
		fe.Original, fe.OriginalTarget = om.version(url, m.source), targetOr(om.target, url)
	} else {
		if fe.Capture, err = w.decompress(w.cb.Get(vk)); err != nil {
			return fmt.Errorf("%s v%d: capture: %w", url, n, err)
		}
		if w.qb != nil {
			fe.Request = w.qb.Get(vk)
		}
	}
	return fn(fe)
}

// revisit calls fn with the revisit logged under lk: time|url|0x00|version.
func (w *fetchWalk) revisit(lk, raw []byte, fn func(Fetch) error) error {
	if len(lk) < timeLen+2+verLen {
		return fmt.Errorf("bad revisit key %q", lk)
	}
	vk := lk[timeLen:]
	url, n := splitVersionKey(vk)
	m, err := metaOf(w.vb, url, n)
	if err != nil {
		return fmt.Errorf("revisit of %s v%d: %w", url, n, err)
	}
	if w.f.Site != "" && m.site != w.f.Site {
		return nil
	}
	e, err := decodeRevisit(raw)
	if err != nil {
		return fmt.Errorf("revisit of %s v%d: %w", url, n, err)
	}
	fe := Fetch{Kind: e.kind, URL: url, Site: m.site, Version: n, FetchedAt: keyTime(lk),
		TargetURI: targetOr(e.target, url), PayloadDigest: m.payload, Origin: e.origin, Request: e.request,
		Record: w.rb.Get(vk)}
	if e.kind == FetchDifferent {
		fe.PayloadDigest = e.payload
	}
	if fe.Record == nil {
		return fmt.Errorf("%s v%d: record missing", url, n)
	}
	if fe.Capture, err = w.decompress(w.lcb.Get(lk)); err != nil {
		return fmt.Errorf("revisit of %s v%d: capture: %w", url, n, err)
	}
	// The response a revisit refers to: the version's, or its source's.
	on, om := n, m
	if m.source > 0 {
		on = m.source
		if om, err = metaOf(w.vb, url, on); err != nil {
			return fmt.Errorf("%s v%d: source v%d: %w", url, n, on, err)
		}
	}
	fe.Original, fe.OriginalTarget = om.version(url, on), targetOr(om.target, url)
	return fn(fe)
}

// decompress decodes a stored capture into w's buffer.
func (w *fetchWalk) decompress(raw []byte) ([]byte, error) {
	if raw == nil {
		return nil, fmt.Errorf("entry missing")
	}
	var err error
	w.buf, err = w.dec.DecodeAll(raw, w.buf[:0])
	return w.buf, err
}

// splitVersionKey splits a key of the versions bucket, known to be long
// enough, into URL and version.
func splitVersionKey(vk []byte) (string, int) {
	return string(vk[:len(vk)-verLen-1]), int(binary.BigEndian.Uint32(vk[len(vk)-verLen:]))
}
