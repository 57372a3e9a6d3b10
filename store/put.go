package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Put applies the dedup rule (see the package doc) to s in one bbolt
// transaction. Concurrent Puts are grouped into one commit by bbolt's Batch;
// Put returns once that commit is on disk. ctx is checked before the Put
// joins a batch: a queued Put is not cancelled.
func (db *DB) Put(ctx context.Context, s Snapshot) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	}
	if err := validate(&s); err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	}
	if db.readOnly {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, bolterrors.ErrDatabaseReadOnly)
	}
	if err := db.enter(); err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	}
	defer db.leave()

	// Compress before the write transaction, which bbolt runs one at a time,
	// unless the page is most likely unchanged and the capture not needed.
	// If another Put changes the URL in between, w compresses in the batch.
	w := writer{s: &s, enc: db.enc}
	if unchanged, err := db.sameAsLatest(s.URL, s.ContentHash); err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	} else if !unchanged {
		w.compress()
	}
	var out Outcome
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		// Batch may call this more than once (after rolling back a batch in
		// which another call failed): it derives everything from tx and
		// sets out whole.
		var err error
		out, err = w.put(tx)
		return err
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	}
	return out, nil
}

// validate checks s and fills in defaults: what would break the key layout
// or the dedup rule is refused here, before the batch.
func validate(s *Snapshot) error {
	switch {
	case s.URL == "":
		return fmt.Errorf("empty url")
	case len(s.URL) > maxURLLen:
		return fmt.Errorf("url longer than %d bytes", maxURLLen)
	case strings.IndexByte(s.URL, sep) >= 0:
		return fmt.Errorf("url contains a NUL byte")
	case len(s.Site) > maxSiteLen:
		return fmt.Errorf("site name longer than %d bytes", maxSiteLen)
	case strings.IndexByte(s.Site, sep) >= 0:
		return fmt.Errorf("site name contains a NUL byte")
	case s.FetchedAt.IsZero():
		return fmt.Errorf("zero fetch time")
	case s.FetchedAt.Before(minTime) || s.FetchedAt.After(maxTime):
		return fmt.Errorf("fetch time %s out of range", s.FetchedAt)
	case s.ContentHash == "":
		return fmt.Errorf("empty content hash")
	}
	switch s.Origin {
	case "":
		s.Origin = OriginCrawl
	case OriginCrawl, OriginImport, OriginReextract:
	default:
		return fmt.Errorf("unknown origin %q", s.Origin)
	}
	if s.Record == nil {
		s.Record = []byte{}
	}
	return nil
}

// sameAsLatest reports whether hash is that of url's latest version, in a
// read transaction of its own: a hint, checked again in the batch.
func (db *DB) sameAsLatest(url, hash string) (bool, error) {
	var same bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		_, m, err := latestMeta(tx, url)
		same = err == nil && m != nil && m.hash == hash
		return err
	})
	return same, err
}

// latestMeta returns url's latest version number and metadata; 0 and nil
// when the URL is unknown.
func latestMeta(tx *bolt.Tx, url string) (int, *meta, error) {
	lb, vb := tx.Bucket(bucketLatest), tx.Bucket(bucketVersions)
	if lb == nil || vb == nil {
		return 0, nil, nil
	}
	raw := lb.Get([]byte(url))
	if raw == nil {
		return 0, nil, nil
	}
	if len(raw) != verLen {
		return 0, nil, fmt.Errorf("bad latest entry %x", raw)
	}
	v := int(binary.BigEndian.Uint32(raw))
	m, err := decodeMeta(vb.Get(versionKey(url, v)))
	if err != nil {
		return 0, nil, fmt.Errorf("version %d: %w", v, err)
	}
	return v, &m, nil
}

// writer is one Put's state across the runs of its batch function.
type writer struct {
	s       *Snapshot
	enc     *zstd.Encoder
	capture []byte // compressed s.Capture, once computed
}

func (w *writer) compress() []byte {
	if w.capture == nil {
		w.capture = w.enc.EncodeAll(w.s.Capture, make([]byte, 0, len(w.s.Capture)/4+64))
	}
	return w.capture
}

// put is the dedup rule: seen again when the hash equals the latest
// version's, else a new version with its record, capture and index entries.
func (w *writer) put(tx *bolt.Tx) (Outcome, error) {
	s := w.s
	t := s.FetchedAt.UnixNano()
	cur, m, err := latestMeta(tx, s.URL)
	if err != nil {
		return Outcome{}, err
	}
	vb := tx.Bucket(bucketVersions)
	if m != nil && m.hash == s.ContentHash {
		m.seen++
		m.lastSeen = max(m.lastSeen, t)
		m.firstSeen = min(m.firstSeen, t)
		if err := vb.Put(versionKey(s.URL, cur), m.encode()); err != nil {
			return Outcome{}, err
		}
		return Outcome{Version: cur, Seen: m.seen}, nil
	}
	if cur >= maxVersion {
		return Outcome{}, fmt.Errorf("too many versions")
	}
	next := cur + 1
	nm := meta{site: s.Site, fetchedAt: t, firstSeen: t, lastSeen: t, seen: 1, hash: s.ContentHash, origin: s.Origin}
	vk := versionKey(s.URL, next)
	writes := []struct {
		bucket     []byte
		key, value []byte
	}{
		{bucketVersions, vk, nm.encode()},
		{bucketRecords, vk, s.Record},
		{bucketCaptures, vk, w.compress()},
		{bucketTime, timeKey(s.FetchedAt, s.URL, next), []byte{}},
		{bucketSiteTime, siteTimeKey(s.Site, s.FetchedAt, s.URL, next), []byte{}},
		{bucketLatest, []byte(s.URL), binary.BigEndian.AppendUint32(nil, uint32(next))},
	}
	for _, wr := range writes {
		if err := tx.Bucket(wr.bucket).Put(wr.key, wr.value); err != nil {
			return Outcome{}, fmt.Errorf("write %s: %w", wr.bucket, err)
		}
	}
	return Outcome{Version: next, New: true, Seen: 1}, nil
}
