package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Bucket names; see doc.go for what each holds.
var (
	bucketMeta     = []byte("meta")
	bucketLatest   = []byte("latest")
	bucketVersions = []byte("versions")
	bucketRecords  = []byte("records")
	bucketCaptures = []byte("captures")
	bucketTime     = []byte("by_time")
	bucketSiteTime = []byte("by_site_time")

	// Since format 2.
	bucketRequests        = []byte("requests")
	bucketRevisits        = []byte("revisits")
	bucketRevisitCaptures = []byte("revisit_captures")
	bucketValidators      = []byte("validators")

	// format1Buckets are the buckets of a format-1 archive; a read-only
	// open of one finds none of the others, and reads them as empty.
	format1Buckets = [][]byte{bucketMeta, bucketLatest, bucketVersions, bucketRecords, bucketCaptures, bucketTime, bucketSiteTime}
	allBuckets     = append(format1Buckets[:len(format1Buckets):len(format1Buckets)],
		bucketRequests, bucketRevisits, bucketRevisitCaptures, bucketValidators)
)

// Limits that keep every key well under bbolt's 32 KiB maximum.
const (
	maxURLLen  = 16 << 10
	maxSiteLen = 1 << 10
	maxVersion = math.MaxUint32
	sep        = 0x00 // ends every URL and site inside a key
	timeLen    = 8
	verLen     = 4
)

// The range of times a key can hold: those with an int64 UnixNano.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// urlPrefix is the start of every versions key of url: url|0x00.
func urlPrefix(url string) []byte {
	k := make([]byte, 0, len(url)+1+verLen)
	return append(append(k, url...), sep)
}

// versionKey is url|0x00|bigendian32(version), the key of the versions,
// records and captures buckets.
func versionKey(url string, version int) []byte {
	return binary.BigEndian.AppendUint32(urlPrefix(url), uint32(version))
}

// appendTime appends t as 8 bytes that sort as the times do: UnixNano with
// the sign bit flipped, big-endian. Times out of the int64 range are clamped,
// which only matters for Filter bounds: Put refuses them.
func appendTime(b []byte, t time.Time) []byte {
	var n int64
	switch {
	case t.Before(minTime):
		n = math.MinInt64
	case t.After(maxTime):
		n = math.MaxInt64
	default:
		n = t.UnixNano()
	}
	return binary.BigEndian.AppendUint64(b, uint64(n)^(1<<63))
}

// timeKey is bigendian(t)|url|0x00|bigendian32(version), the key of the
// by_time index and of the revisit log.
func timeKey(t time.Time, url string, version int) []byte {
	k := make([]byte, 0, timeLen+len(url)+1+verLen)
	k = appendTime(k, t)
	k = append(append(k, url...), sep)
	return binary.BigEndian.AppendUint32(k, uint32(version))
}

// siteTimeKey is site|0x00|timeKey, the key of the by_site_time index.
func siteTimeKey(site string, t time.Time, url string, version int) []byte {
	k := make([]byte, 0, len(site)+1+timeLen+len(url)+1+verLen)
	k = append(append(k, site...), sep)
	return append(k, timeKey(t, url, version)...)
}

// keyTime reads the time appendTime wrote at the start of b.
func keyTime(b []byte) time.Time {
	return unixNano(int64(binary.BigEndian.Uint64(b) ^ (1 << 63)))
}

// parseVersionKey splits a versions key into URL and version.
func parseVersionKey(k []byte) (url string, version int, err error) {
	n := len(k) - verLen - 1
	if n < 1 || k[n] != sep {
		return "", 0, fmt.Errorf("bad version key %q", k)
	}
	return string(k[:n]), int(binary.BigEndian.Uint32(k[n+1:])), nil
}

// meta is the value of the versions bucket: everything about a version but
// its URL and number, which are in the key.
type meta struct {
	site      string
	fetchedAt int64 // UnixNano
	firstSeen int64
	lastSeen  int64
	seen      int
	hash      string
	origin    Origin
	// Since encoding 2; empty or 0 in versions written by format 1.
	target  string // TargetURI, "" when it is the URL
	payload string // payload digest
	source  int    // reextract: the version whose capture this one uses
}

// The encodings of meta: 1 (format 1) is still read, 2 is written.
const (
	metaEncoding1 = 1
	metaEncoding  = 2
)

// encode returns the compact binary form of m: the encoding byte (2), three
// varint times, uvarint seen and source, then five uvarint-length-prefixed
// strings (site, content hash, origin, target URI, payload digest).
func (m *meta) encode() []byte {
	b := make([]byte, 0, 1+5*binary.MaxVarintLen64+5+len(m.site)+len(m.hash)+len(m.origin)+len(m.target)+len(m.payload))
	b = append(b, metaEncoding)
	b = binary.AppendVarint(b, m.fetchedAt)
	b = binary.AppendVarint(b, m.firstSeen)
	b = binary.AppendVarint(b, m.lastSeen)
	b = binary.AppendUvarint(b, uint64(m.seen))
	b = binary.AppendUvarint(b, uint64(m.source))
	for _, s := range []string{m.site, m.hash, string(m.origin), m.target, m.payload} {
		b = appendString(b, s)
	}
	return b
}

var errBadMeta = errors.New("bad version metadata")

// decodeMeta reads what encode wrote, or encoding 1: the same without
// source, target URI and payload digest. The strings are copies, so the
// result outlives the transaction.
func decodeMeta(b []byte) (meta, error) {
	var m meta
	if len(b) == 0 || (b[0] != metaEncoding && b[0] != metaEncoding1) {
		return m, errBadMeta
	}
	enc := b[0]
	b = b[1:]
	ints := []*int64{&m.fetchedAt, &m.firstSeen, &m.lastSeen}
	for _, p := range ints {
		v, n := binary.Varint(b)
		if n <= 0 {
			return m, errBadMeta
		}
		*p, b = v, b[n:]
	}
	counts := []*int{&m.seen}
	if enc == metaEncoding {
		counts = append(counts, &m.source)
	}
	for _, p := range counts {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > math.MaxUint32 {
			return m, errBadMeta
		}
		*p, b = int(v), b[n:]
	}
	if m.seen > math.MaxInt32 {
		return m, errBadMeta
	}
	strs := []*string{&m.site, &m.hash, (*string)(&m.origin)}
	if enc == metaEncoding {
		strs = append(strs, &m.target, &m.payload)
	}
	for _, p := range strs {
		v, rest, ok := readBytes(b)
		if !ok {
			return m, errBadMeta
		}
		*p, b = string(v), rest
	}
	if len(b) != 0 {
		return m, errBadMeta
	}
	return m, nil
}

// appendString appends s with its length as a uvarint before it.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// readBytes reads what appendString wrote: the bytes (part of b, not a
// copy) and what follows them.
func readBytes(b []byte) (v, rest []byte, ok bool) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, nil, false
	}
	return b[n : n+int(l)], b[n+int(l):], true
}

// version builds the exported form of m.
func (m *meta) version(url string, v int) Version {
	return Version{
		URL:         url,
		Site:        m.site,
		Version:     v,
		FetchedAt:   unixNano(m.fetchedAt),
		FirstSeen:   unixNano(m.firstSeen),
		LastSeen:    unixNano(m.lastSeen),
		Seen:        m.seen,
		ContentHash: m.hash,
		Origin:      m.origin,
	}
}

// targetOr returns the target URI a version or revisit was fetched at:
// target, or url when the two are the same (stored as "").
func targetOr(target, url string) string {
	if target == "" {
		return url
	}
	return target
}

func unixNano(n int64) time.Time { return time.Unix(0, n).UTC() }
