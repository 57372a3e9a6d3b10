package store

import (
	"context"
	"errors"
	"time"
)

// Origin says how a snapshot reached the archive.
type Origin string

// The origins a snapshot can have.
const (
	OriginCrawl     Origin = "crawl"     // fetched by a crawl
	OriginImport    Origin = "import"    // read from an outside capture (e.g. a WARC file)
	OriginReextract Origin = "reextract" // a stored capture run through the extractor again
)

// Snapshot is one fetch of an article, as the caller hands it to Put.
type Snapshot struct {
	URL         string    // canonical URL, the article's identity
	Site        string    // site name, "" for the generic extractor
	FetchedAt   time.Time // when the page was fetched
	ContentHash string    // "sha256:..." computed by the caller; the dedup key
	Record      []byte    // the encoded record (JSON), stored as given
	Capture     []byte    // raw HTTP capture (status line, headers, body); stored zstd-compressed
	Origin      Origin    // "" means OriginCrawl
}

// Outcome is what Put did with a snapshot.
type Outcome struct {
	Version int  // the version the snapshot was counted against
	New     bool // true: a new version was stored; false: seen again unchanged
	Seen    int  // how many snapshots that version has now
}

// Version describes one stored version of an article.
type Version struct {
	URL, Site           string
	Version             int       // 1 for the first, +1 for each content change
	FetchedAt           time.Time // of the fetch whose record and capture are stored
	FirstSeen, LastSeen time.Time // earliest and latest fetch with this content
	Seen                int       // snapshots counted against this version
	ContentHash         string
	Origin              Origin // of the fetch whose record and capture are stored
}

// Filter selects the versions Scan visits.
type Filter struct {
	Site         string    // "" = every site
	Since, Until time.Time // on the version's FetchedAt: Since <= t < Until; zero = open
	AllVersions  bool      // false: only each URL's latest version (and it must fall in the range)
}

// Archive is what the rest of newsarc needs of an archive. DB (bbolt) is the
// embedded implementation; a shared backend can be added beside it later, and
// must pass the conformance suite in package storetest.
type Archive interface {
	// Put counts s against the URL's latest version when its content hash
	// is the same, and stores it as a new version otherwise.
	Put(ctx context.Context, s Snapshot) (Outcome, error)
	// History returns every version of url, oldest first, or ErrNotFound.
	History(ctx context.Context, url string) ([]Version, error)
	// Scan calls fn for each version f selects, in FetchedAt order. record
	// is valid only during fn, and fn must not modify it. An error from fn
	// stops the scan and is returned.
	Scan(ctx context.Context, f Filter, fn func(v Version, record []byte) error) error
	// Record returns a copy of a version's record, or ErrNotFound.
	Record(ctx context.Context, url string, version int) ([]byte, error)
	// Capture returns a version's capture, decompressed, or ErrNotFound.
	Capture(ctx context.Context, url string, version int) ([]byte, error)
	// Close waits for the calls in flight and releases the archive.
	Close() error
}

var _ Archive = (*DB)(nil)

var (
	// ErrLocked is returned (wrapped with the path) by Open when another
	// process holds the archive and the lock did not come free within
	// Options.Timeout.
	ErrLocked = errors.New("archive is in use by another newsarc process")

	// ErrNotFound is returned (wrapped) by History, Record and Capture when
	// the URL or the version is not in the archive.
	ErrNotFound = errors.New("not found")
)

// errClosed is returned by every method called after Close.
var errClosed = errors.New("archive is closed")
