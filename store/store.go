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

	TargetURI     string // URL actually fetched (after redirects); "" means URL
	Request       []byte // raw HTTP request head as sent; may be nil (e.g. imports without a request record)
	PayloadDigest string // "sha1:..." of the response body; computed by the caller
	// ETag and LastModified are the response's validators, kept per
	// TargetURI (see Validators). A fetch without either deletes those of
	// its target.
	ETag, LastModified string
	// Source is, for OriginReextract, the version whose capture was
	// re-extracted: its capture (and request) is not stored again. 0 stores
	// the snapshot's own capture.
	Source int
	// Revisits are the site's revisit ages: when the article is fetched
	// again after first seen (see "Revisit plans" in doc.go). Not empty,
	// the fetch keeps the article's plan: it starts one, or is the due
	// revisit, or restarts an ended one. Empty (imports, re-extractions,
	// sites without revisits) leaves plans alone.
	Revisits []time.Duration
}

// FetchKind says what a fetch did to the archive.
type FetchKind string

// The kinds of fetch Fetches visits.
const (
	FetchVersion     FetchKind = "version"      // the fetch that created a version
	FetchIdentical   FetchKind = "identical"    // revisit, same payload digest as the version: response head kept
	FetchDifferent   FetchKind = "different"    // revisit, same content but other bytes: full capture kept
	FetchNotModified FetchKind = "not-modified" // revisit answered 304: the 304 head kept
)

// Revisit is a re-fetch that found a known version unchanged, given to
// Archive.Revisit: a 304, or a revisit record of an imported WARC.
type Revisit struct {
	URL       string          // canonical URL (store key)
	Version   int             // the version found unchanged (need not be the latest)
	FetchedAt time.Time       // when the re-fetch happened
	Kind      FetchKind       // FetchNotModified or FetchIdentical
	TargetURI string          // URL actually fetched; "" means URL
	Request   []byte          // raw HTTP request head as sent; may be nil
	Capture   []byte          // the response head (for a 304, the whole 304 response)
	Origin    Origin          // "" means OriginCrawl; OriginImport for a WARC's revisit record
	Revisits  []time.Duration // as in Snapshot
}

// Validators are what a conditional request for a target URI needs: the
// ETag and Last-Modified of its last fetch, and the version a 304 counts
// against.
type Validators struct {
	URL                string // canonical URL of the article
	Version            int    // the version the validators belong to
	ETag, LastModified string
}

// Fetch is one fetch as Fetches visits it: the fetch that created a version,
// or a revisit of one. Its byte slices are valid only during the call.
type Fetch struct {
	Kind          FetchKind
	URL, Site     string // the version's URL and site
	Version       int    // the version created, or the one a revisit was counted against
	FetchedAt     time.Time
	TargetURI     string // the URL fetched; never "": falls back to URL
	PayloadDigest string // of this fetch's body (versions, FetchDifferent); of the version for the other revisits
	Origin        Origin // of the version, or of the revisit (OriginCrawl, or OriginImport)
	Source        int    // reextract versions: the version whose capture they re-used
	Request       []byte // may be nil; nil for reextract versions with a Source
	// Capture is decompressed: the full capture (versions, FetchDifferent)
	// or the response head (FetchIdentical, FetchNotModified); nil for
	// reextract versions with a Source.
	Capture []byte
	Record  []byte // the version's record (for every kind)
	// Original is, for revisits and reextract versions with a Source, the version whose
	// response they refer to (a revisit of a reextract version refers to
	// its Source): its FetchedAt is the time of that response's fetch.
	// Zero for other versions.
	Original       Version
	OriginalTarget string // Original's TargetURI (for WARC-Refers-To-Target-URI)
}

// Outcome is what Put did with a snapshot.
type Outcome struct {
	Version int  // the version the snapshot was counted against
	New     bool // true: a new version was stored; false: seen again unchanged
	Seen    int  // how many snapshots that version has now
	// Revisit is, when the fetch was the article's due revisit, the age
	// bucket it was counted in (one of Snapshot.Revisits); 0 otherwise.
	Revisit time.Duration
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

// Filter selects the versions Scan visits, and the fetches Fetches visits.
type Filter struct {
	Site         string    // "" = every site; for Fetches, the site of the version fetched
	Since, Until time.Time // on the version's (Fetches: the fetch's) FetchedAt: Since <= t < Until; zero = open
	AllVersions  bool      // false: only each URL's latest version (and it must fall in the range); Fetches ignores it
}

// Archive is what the rest of newsarc needs of an archive. DB (bbolt) is the
// embedded implementation; a shared backend can be added beside it later, and
// must pass the conformance suite in package storetest.
type Archive interface {
	// Put counts s against the URL's latest version when its content hash
	// is the same (logging it as a revisit), and stores it as a new version
	// otherwise.
	Put(ctx context.Context, s Snapshot) (Outcome, error)
	// Revisit counts r against (r.URL, r.Version) and logs it, or returns
	// an error that wraps ErrNotFound when there is no such version.
	Revisit(ctx context.Context, r Revisit) (Outcome, error)
	// Validators returns those stored for a target URI, or ErrNotFound.
	Validators(ctx context.Context, targetURI string) (Validators, error)
	// HasFetch reports whether a fetch of url at exactly time at is kept.
	HasFetch(ctx context.Context, url string, at time.Time) (bool, error)
	// History returns every version of url, oldest first, or ErrNotFound.
	History(ctx context.Context, url string) ([]Version, error)
	// Scan calls fn for each version f selects, in FetchedAt order. record
	// is valid only during fn, and fn must not modify it. An error from fn
	// stops the scan and is returned.
	Scan(ctx context.Context, f Filter, fn func(v Version, record []byte) error) error
	// Record returns a copy of a version's record, or ErrNotFound.
	Record(ctx context.Context, url string, version int) ([]byte, error)
	// Capture returns a version's capture, decompressed, or ErrNotFound.
	// A reextract version's is that of its Source.
	Capture(ctx context.Context, url string, version int) ([]byte, error)
	// Request returns a copy of a version's request head (a reextract
	// version's: its Source's), nil when none was stored, or ErrNotFound.
	Request(ctx context.Context, url string, version int) ([]byte, error)
	// Fetches calls fn for every fetch whose FetchedAt is in f's window:
	// the fetches that created versions and the revisits, in FetchedAt
	// order (ties: versions first, then by URL), in one read transaction.
	// The Fetch's byte slices are valid only during fn, and fn must not
	// modify them. An error from fn stops the walk and is returned.
	Fetches(ctx context.Context, f Filter, fn func(Fetch) error) error
	// DueRevisits returns up to limit articles of site whose revisit plan
	// is due at now, the longest overdue first.
	DueRevisits(ctx context.Context, site string, now time.Time, limit int) ([]DueRevisit, error)
	// RevisitsFailed counts as failed the revisits of urls still due at
	// at, and moves their plans on; it returns the failures by age.
	RevisitsFailed(ctx context.Context, urls []string, ages []time.Duration, at time.Time) (map[time.Duration]int, error)
	// RevisitsRetry puts off to retryAt the revisits of urls still due at
	// at, or counts as failed those due for giveUp or longer.
	RevisitsRetry(ctx context.Context, urls []string, ages []time.Duration, at, retryAt time.Time, giveUp time.Duration) (map[time.Duration]int, error)
	// Revisits reports what revisits found, by site and age, and counts
	// the plans of each site.
	Revisits(ctx context.Context, now time.Time) (RevisitReport, error)
	// Close waits for the calls in flight and releases the archive.
	Close() error
}

var _ Archive = (*DB)(nil)

var (
	// ErrLocked is returned (wrapped with the path) by Open when another
	// process holds the archive and the lock did not come free within
	// Options.Timeout.
	ErrLocked = errors.New("archive is in use by another newsarc process")

	// ErrNotFound is returned (wrapped) by History, Record, Capture,
	// Request and Revisit when the URL or the version is not in the
	// archive, and by Validators when a target URI has none.
	ErrNotFound = errors.New("not found")
)

// errClosed is returned by every method called after Close.
var errClosed = errors.New("archive is closed")
