package store

import (
	"bytes"
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

	// Compress before the write transaction, which bbolt runs one at a
	// time, what the latest version says will be stored: the capture for a
	// new version or a revisit with other bytes, the head for a revisit with
	// the same payload. If another Put changes the URL in between, w
	// compresses in the batch.
	w := writer{s: &s, enc: db.enc}
	hint, err := db.latestHint(s.URL)
	if err != nil {
		return Outcome{}, fmt.Errorf("put %s: %w", s.URL, err)
	}
	switch {
	case hint == nil || hint.hash != s.ContentHash:
		if s.Source == 0 {
			w.compress()
		}
	case s.Origin == OriginReextract:
	case identical(&s, hint):
		w.compressHead()
	default:
		w.compress()
	}
	var out Outcome
	err = db.bolt.Batch(func(tx *bolt.Tx) error {
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
	case len(s.TargetURI) > maxURLLen:
		return fmt.Errorf("target uri longer than %d bytes", maxURLLen)
	case s.Source < 0 || s.Source > maxVersion:
		return fmt.Errorf("source version %d out of range", s.Source)
	case s.Source > 0 && s.Origin != OriginReextract:
		return fmt.Errorf("source version %d for origin %q: only a re-extraction has one", s.Source, s.Origin)
	}
	if err := validateAges(s.Revisits); err != nil {
		return err
	}
	if s.TargetURI == s.URL {
		s.TargetURI = "" // stored as "" when it is the URL
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

// latestHint returns the metadata of url's latest version (nil if none), in
// a read transaction of its own: a hint, checked again in the batch.
func (db *DB) latestHint(url string) (*meta, error) {
	var m *meta
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		_, m, err = latestMeta(tx, url)
		return err
	})
	return m, err
}

// identical reports whether s has the payload digest of version m: a
// revisit whose body is byte for byte the version's.
func identical(s *Snapshot, m *meta) bool {
	return s.PayloadDigest != "" && s.PayloadDigest == m.payload
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
	head    []byte // compressed head of s.Capture, once computed
}

func (w *writer) compress() []byte {
	if w.capture == nil {
		w.capture = compress(w.enc, w.s.Capture)
	}
	return w.capture
}

func (w *writer) compressHead() []byte {
	if w.head == nil {
		w.head = compress(w.enc, head(w.s.Capture))
	}
	return w.head
}

func compress(enc *zstd.Encoder, b []byte) []byte {
	return enc.EncodeAll(b, make([]byte, 0, len(b)/4+64))
}

// head returns the head of an HTTP message: up to and including the first
// empty line, or all of it when there is none.
func head(capture []byte) []byte {
	if i := bytes.Index(capture, []byte("\r\n\r\n")); i >= 0 {
		return capture[:i+4]
	}
	return capture
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
		if s.Origin == OriginReextract {
			// A re-extraction fetched nothing: nothing to count.
			return Outcome{Version: cur, Seen: m.seen}, nil
		}
		m.seen++
		m.lastSeen = max(m.lastSeen, t)
		m.firstSeen = min(m.firstSeen, t)
		if err := vb.Put(versionKey(s.URL, cur), m.encode()); err != nil {
			return Outcome{}, err
		}
		e := revisitEntry{kind: FetchDifferent, origin: s.Origin, target: s.TargetURI, payload: s.PayloadDigest, request: s.Request}
		capture := w.compress
		if identical(s, m) {
			e.kind, e.payload, capture = FetchIdentical, "", w.compressHead
		}
		if err := logRevisit(tx, s.FetchedAt, s.URL, cur, &e, capture()); err != nil {
			return Outcome{}, err
		}
		if err := setValidators(tx, s, cur); err != nil {
			return Outcome{}, err
		}
		age, err := updatePlan(tx, planFetch{url: s.URL, site: s.Site, target: s.TargetURI, at: t, ages: s.Revisits})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Version: cur, Seen: m.seen, Revisit: age}, nil
	}
	if cur >= maxVersion {
		return Outcome{}, fmt.Errorf("too many versions")
	}
	next := cur + 1
	nm := meta{site: s.Site, fetchedAt: t, firstSeen: t, lastSeen: t, seen: 1, hash: s.ContentHash, origin: s.Origin,
		target: s.TargetURI, payload: s.PayloadDigest}
	vk := versionKey(s.URL, next)
	type write struct {
		bucket     []byte
		key, value []byte
	}
	var writes []write
	if s.Source > 0 {
		if err := reuseSource(tx, s, &nm); err != nil {
			return Outcome{}, err
		}
	} else {
		writes = append(writes, write{bucketCaptures, vk, w.compress()})
		if len(s.Request) > 0 {
			writes = append(writes, write{bucketRequests, vk, s.Request})
		}
	}
	writes = append(writes,
		write{bucketVersions, vk, nm.encode()},
		write{bucketRecords, vk, s.Record},
		write{bucketTime, timeKey(s.FetchedAt, s.URL, next), []byte{}},
		write{bucketSiteTime, siteTimeKey(s.Site, s.FetchedAt, s.URL, next), []byte{}},
		write{bucketLatest, []byte(s.URL), binary.BigEndian.AppendUint32(nil, uint32(next))},
	)
	for _, wr := range writes {
		if err := tx.Bucket(wr.bucket).Put(wr.key, wr.value); err != nil {
			return Outcome{}, fmt.Errorf("write %s: %w", wr.bucket, err)
		}
	}
	if s.Origin == OriginReextract {
		err = moveValidators(tx, s, cur, next)
	} else {
		err = setValidators(tx, s, next)
	}
	if err != nil {
		return Outcome{}, err
	}
	age, err := updatePlan(tx, planFetch{url: s.URL, site: s.Site, target: s.TargetURI, at: t, ages: s.Revisits,
		changed: next > 1})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Version: next, New: true, Seen: 1, Revisit: age}, nil
}

// reuseSource points nm, a re-extraction of s.Source, at the capture it
// re-used: that of s.Source, or of s.Source's own source when s.Source is a
// re-extraction too, so that a stored source always has a capture. The
// target URI is the source's unless s gives one; the payload digest is the
// source's (that of the bytes re-used) unless the source has none.
func reuseSource(tx *bolt.Tx, s *Snapshot, nm *meta) error {
	vb := tx.Bucket(bucketVersions)
	src := s.Source
	sm, err := metaOf(vb, s.URL, src)
	if err == nil && sm.source > 0 {
		src = sm.source
		if sm, err = metaOf(vb, s.URL, src); err == nil && sm.source > 0 {
			err = fmt.Errorf("is a re-extraction of version %d", sm.source)
		}
	}
	if err != nil {
		return fmt.Errorf("source version %d: %w", src, err)
	}
	if tx.Bucket(bucketCaptures).Get(versionKey(s.URL, src)) == nil {
		return fmt.Errorf("source version %d has no capture", src)
	}
	nm.source = src
	if nm.target == "" {
		nm.target = sm.target
	}
	if sm.payload != "" {
		nm.payload = sm.payload // the digest of the very bytes re-used
	}
	return nil
}

// metaOf returns the metadata of url's version, or ErrNotFound.
func metaOf(vb *bolt.Bucket, url string, version int) (meta, error) {
	raw := vb.Get(versionKey(url, version))
	if raw == nil {
		return meta{}, ErrNotFound
	}
	return decodeMeta(raw)
}
