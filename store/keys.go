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

	allBuckets = [][]byte{bucketMeta, bucketLatest, bucketVersions, bucketRecords, bucketCaptures, bucketTime, bucketSiteTime}
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
// by_time index.
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
}

// metaEncoding is the first byte of an encoded meta.
const metaEncoding = 1

// encode returns the compact binary form of m: the encoding byte, three
// varint times, a uvarint count, then three uvarint-length-prefixed strings
// (site, content hash, origin).
func (m *meta) encode() []byte {
	b := make([]byte, 0, 1+4*binary.MaxVarintLen64+3+len(m.site)+len(m.hash)+len(m.origin))
	b = append(b, metaEncoding)
	b = binary.AppendVarint(b, m.fetchedAt)
	b = binary.AppendVarint(b, m.firstSeen)
	b = binary.AppendVarint(b, m.lastSeen)
	b = binary.AppendUvarint(b, uint64(m.seen))
	for _, s := range []string{m.site, m.hash, string(m.origin)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

var errBadMeta = errors.New("bad version metadata")

// decodeMeta reads what encode wrote. The strings are copies, so the result
// outlives the transaction.
func decodeMeta(b []byte) (meta, error) {
	var m meta
	if len(b) == 0 || b[0] != metaEncoding {
		return m, errBadMeta
	}
	b = b[1:]
	ints := []*int64{&m.fetchedAt, &m.firstSeen, &m.lastSeen}
	for _, p := range ints {
		v, n := binary.Varint(b)
		if n <= 0 {
			return m, errBadMeta
		}
		*p, b = v, b[n:]
	}
	seen, n := binary.Uvarint(b)
	if n <= 0 || seen > math.MaxInt32 {
		return m, errBadMeta
	}
	m.seen, b = int(seen), b[n:]
	var strs [3]string
	for i := range strs {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return m, errBadMeta
		}
		strs[i], b = string(b[n:n+int(l)]), b[n+int(l):]
	}
	if len(b) != 0 {
		return m, errBadMeta
	}
	m.site, m.hash, m.origin = strs[0], strs[1], Origin(strs[2])
	return m, nil
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

func unixNano(n int64) time.Time { return time.Unix(0, n).UTC() }
