package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Revisit counts r against (r.URL, r.Version), which need not be the
// latest version: Seen+1, FirstSeen and LastSeen widened to r.FetchedAt,
// and r logged with its head, in one transaction. Like Put, it goes through
// bbolt's Batch and returns once the batch has committed. An unknown version
// gives an error that wraps ErrNotFound. Validators are left as they are.
func (db *DB) Revisit(ctx context.Context, r Revisit) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, fmt.Errorf("revisit %s v%d: %w", r.URL, r.Version, err)
	}
	if err := validateRevisit(&r); err != nil {
		return Outcome{}, fmt.Errorf("revisit %s v%d: %w", r.URL, r.Version, err)
	}
	if db.readOnly {
		return Outcome{}, fmt.Errorf("revisit %s v%d: %w", r.URL, r.Version, bolterrors.ErrDatabaseReadOnly)
	}
	if err := db.enter(); err != nil {
		return Outcome{}, fmt.Errorf("revisit %s v%d: %w", r.URL, r.Version, err)
	}
	defer db.leave()

	capture := r.Capture // a 304 is kept whole
	if r.Kind == FetchIdentical {
		capture = head(capture)
	}
	compressed := compress(db.enc, capture)
	e := revisitEntry{kind: r.Kind, origin: r.Origin, target: r.TargetURI, request: r.Request}
	var out Outcome
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		vb := tx.Bucket(bucketVersions)
		vk := versionKey(r.URL, r.Version)
		m, err := metaOf(vb, r.URL, r.Version)
		if err != nil {
			return err
		}
		t := r.FetchedAt.UnixNano()
		m.seen++
		m.lastSeen = max(m.lastSeen, t)
		m.firstSeen = min(m.firstSeen, t)
		if err := vb.Put(vk, m.encode()); err != nil {
			return err
		}
		if err := logRevisit(tx, r.FetchedAt, r.URL, r.Version, &e, compressed); err != nil {
			return err
		}
		out = Outcome{Version: r.Version, Seen: m.seen}
		out.Revisit, err = updatePlan(tx, planFetch{url: r.URL, site: m.site, target: r.TargetURI, at: t, ages: r.Revisits,
			notModified: r.Kind == FetchNotModified})
		return err
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("revisit %s v%d: %w", r.URL, r.Version, err)
	}
	return out, nil
}

// validateRevisit checks r as validate checks a Snapshot.
func validateRevisit(r *Revisit) error {
	switch {
	case r.URL == "":
		return fmt.Errorf("empty url")
	case len(r.URL) > maxURLLen:
		return fmt.Errorf("url longer than %d bytes", maxURLLen)
	case strings.IndexByte(r.URL, sep) >= 0:
		return fmt.Errorf("url contains a NUL byte")
	case r.Version < 1 || r.Version > maxVersion:
		return fmt.Errorf("version out of range: %w", ErrNotFound)
	case r.FetchedAt.IsZero():
		return fmt.Errorf("zero fetch time")
	case r.FetchedAt.Before(minTime) || r.FetchedAt.After(maxTime):
		return fmt.Errorf("fetch time %s out of range", r.FetchedAt)
	case r.Kind != FetchNotModified && r.Kind != FetchIdentical:
		return fmt.Errorf("revisit kind %q: want %q or %q", r.Kind, FetchNotModified, FetchIdentical)
	}
	if err := validateAges(r.Revisits); err != nil {
		return err
	}
	switch r.Origin {
	case "":
		r.Origin = OriginCrawl
	case OriginCrawl, OriginImport:
	default:
		return fmt.Errorf("revisit origin %q", r.Origin)
	}
	if r.TargetURI == r.URL {
		r.TargetURI = ""
	}
	return nil
}

// revisitEntry is the value of the revisits bucket: a revisit but its time,
// URL and version, which are in the key, and its capture, which is in
// revisit_captures.
type revisitEntry struct {
	kind    FetchKind
	origin  Origin
	target  string // "" when it is the URL
	payload string // FetchDifferent only: the others have the version's
	request []byte // part of the encoded value after decodeRevisit
}

// revisitEncoding is the first byte of an encoded revisitEntry.
const revisitEncoding = 1

// The kinds and origins of a revisit as they are encoded, one byte each;
// 0 is none.
var (
	kindCodes   = []FetchKind{1: FetchIdentical, 2: FetchDifferent, 3: FetchNotModified}
	originCodes = []Origin{1: OriginCrawl, 2: OriginImport}
)

func code[T comparable](codes []T, v T) byte {
	for i, c := range codes {
		if c == v && i > 0 {
			return byte(i)
		}
	}
	return 0
}

// encode returns the compact binary form of e: the encoding byte (1), the
// kind and the origin as a byte each, then target URI, payload digest and
// request, each a uvarint length and its bytes.
func (e *revisitEntry) encode() []byte {
	b := make([]byte, 0, 3+3*binary.MaxVarintLen64+len(e.target)+len(e.payload)+len(e.request))
	b = append(b, revisitEncoding, code(kindCodes, e.kind), code(originCodes, e.origin))
	b = appendString(b, e.target)
	b = appendString(b, e.payload)
	return appendString(b, e.request)
}

var errBadRevisit = errors.New("bad revisit entry")

// decodeRevisit reads what encode wrote. The request is part of b, valid
// as long as b is.
func decodeRevisit(b []byte) (revisitEntry, error) {
	var e revisitEntry
	if len(b) < 3 || b[0] != revisitEncoding || int(b[1]) >= len(kindCodes) || int(b[2]) >= len(originCodes) {
		return e, errBadRevisit
	}
	e.kind, e.origin = kindCodes[b[1]], originCodes[b[2]]
	if e.kind == "" || e.origin == "" {
		return e, errBadRevisit
	}
	b = b[3:]
	var v [3][]byte
	for i := range v {
		var ok bool
		if v[i], b, ok = readBytes(b); !ok {
			return e, errBadRevisit
		}
	}
	if len(b) != 0 {
		return e, errBadRevisit
	}
	e.target, e.payload = string(v[0]), string(v[1])
	if len(v[2]) > 0 {
		e.request = v[2]
	}
	return e, nil
}

// logRevisit adds a revisit of url's version at t to the log, with its
// compressed capture. A revisit of the same version at the same nanosecond
// is kept under t+1ns (the next free one).
func logRevisit(tx *bolt.Tx, t time.Time, url string, version int, e *revisitEntry, capture []byte) error {
	b := tx.Bucket(bucketRevisits)
	k := timeKey(t, url, version)
	for b.Get(k) != nil {
		if !t.Before(maxTime) {
			return fmt.Errorf("no free revisit key at %s", t)
		}
		t = t.Add(time.Nanosecond)
		k = timeKey(t, url, version)
	}
	if err := b.Put(k, e.encode()); err != nil {
		return fmt.Errorf("write %s: %w", bucketRevisits, err)
	}
	if err := tx.Bucket(bucketRevisitCaptures).Put(k, capture); err != nil {
		return fmt.Errorf("write %s: %w", bucketRevisitCaptures, err)
	}
	return nil
}

// validatorsEncoding is the first byte of an encoded validators value.
// Encoding 1 had no fetch time; it is still read (as time 0).
const validatorsEncoding = 2

// encodeValidators returns the value of the validators bucket: the
// encoding byte (2), the version as a uvarint, the fetch time (UnixNano)
// as a varint, then URL, ETag and Last-Modified, each a uvarint length and
// its bytes.
func encodeValidators(v *Validators, fetched int64) []byte {
	b := make([]byte, 0, 1+5*binary.MaxVarintLen64+len(v.URL)+len(v.ETag)+len(v.LastModified))
	b = append(b, validatorsEncoding)
	b = binary.AppendUvarint(b, uint64(v.Version))
	b = binary.AppendVarint(b, fetched)
	for _, s := range []string{v.URL, v.ETag, v.LastModified} {
		b = appendString(b, s)
	}
	return b
}

var errBadValidators = errors.New("bad validators entry")

// decodeValidators reads what encodeValidators wrote, into copies, with
// the time of the fetch they came from.
func decodeValidators(b []byte) (Validators, int64, error) {
	var v Validators
	if len(b) == 0 || b[0] < 1 || b[0] > validatorsEncoding {
		return v, 0, errBadValidators
	}
	enc := b[0]
	n, l := binary.Uvarint(b[1:])
	if l <= 0 || n < 1 || n > maxVersion {
		return v, 0, errBadValidators
	}
	v.Version, b = int(n), b[1+l:]
	var fetched int64
	if enc >= 2 {
		if fetched, l = binary.Varint(b); l <= 0 {
			return v, 0, errBadValidators
		}
		b = b[l:]
	}
	for _, p := range []*string{&v.URL, &v.ETag, &v.LastModified} {
		s, rest, ok := readBytes(b)
		if !ok {
			return v, 0, errBadValidators
		}
		*p, b = string(s), rest
	}
	if len(b) != 0 || v.URL == "" {
		return v, 0, errBadValidators
	}
	return v, fetched, nil
}

// setValidators keeps the validators of s's fetch for its target URI,
// counted against version; a fetch without any deletes the target's, so
// that stale ones are never sent. Validators of a later fetch (an import of
// an older capture) stay.
func setValidators(tx *bolt.Tx, s *Snapshot, version int) error {
	b := tx.Bucket(bucketValidators)
	k := []byte(targetOr(s.TargetURI, s.URL))
	t := s.FetchedAt.UnixNano()
	if raw := b.Get(k); raw != nil {
		if _, fetched, err := decodeValidators(raw); err == nil && fetched > t {
			return nil
		}
	}
	var err error
	if s.ETag == "" && s.LastModified == "" {
		err = b.Delete(k)
	} else {
		err = b.Put(k, encodeValidators(&Validators{URL: s.URL, Version: version, ETag: s.ETag, LastModified: s.LastModified}, t))
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", bucketValidators, err)
	}
	return nil
}

// moveValidators is what a re-extraction does to validators: it fetched
// nothing, so it neither sets nor deletes any, but those of its target that
// belong to the version it replaces (from, the URL's latest) move to the
// new version to, where a 304 will count, as the next fetch with the same
// content would.
func moveValidators(tx *bolt.Tx, s *Snapshot, from, to int) error {
	b := tx.Bucket(bucketValidators)
	k := []byte(targetOr(s.TargetURI, s.URL))
	raw := b.Get(k)
	if raw == nil {
		return nil
	}
	v, fetched, err := decodeValidators(raw)
	if err != nil {
		return fmt.Errorf("validators of %s: %w", k, err)
	}
	if v.URL != s.URL || v.Version != from {
		return nil
	}
	v.Version = to
	if err := b.Put(k, encodeValidators(&v, fetched)); err != nil {
		return fmt.Errorf("write %s: %w", bucketValidators, err)
	}
	return nil
}

// Validators returns the validators stored for a target URI by the last
// fetch of it, or an error that wraps ErrNotFound.
func (db *DB) Validators(ctx context.Context, targetURI string) (Validators, error) {
	var v Validators
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketValidators)
		if b == nil || targetURI == "" {
			return ErrNotFound // a format-1 archive opened read-only has none
		}
		raw := b.Get([]byte(targetURI))
		if raw == nil {
			return ErrNotFound
		}
		var err error
		v, _, err = decodeValidators(raw)
		return err
	})
	if err != nil {
		return Validators{}, fmt.Errorf("validators of %s: %w", targetURI, err)
	}
	return v, nil
}

// HasFetch reports whether the archive holds a fetch of url (a version or
// a revisit of any of its versions) at exactly time at: what an import
// checks so that reading the same WARC twice counts nothing twice.
func (db *DB) HasFetch(ctx context.Context, url string, at time.Time) (bool, error) {
	var found bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append(appendTime(nil, at), url...)
		prefix = append(prefix, sep)
		for _, name := range [][]byte{bucketTime, bucketRevisits} {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			if k, _ := b.Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
				found = true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("has fetch %s: %w", url, err)
	}
	return found, nil
}
