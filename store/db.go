package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// formatVersion is the archive format this code writes and the newest it
// reads. Bump it when the key layout or an encoding changes incompatibly.
// Format 2 added the requests, revisits, revisit_captures and validators
// buckets and metadata encoding 2; a writable Open upgrades a format-1 file
// in place.
const formatVersion = 2

var keyFormat = []byte("format")

// Options tune Open. The zero value (or nil) gives the defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process before it returns ErrLocked; 0 means 1s.
	Timeout time.Duration
	// ReadOnly opens the archive with a shared lock, for export and history:
	// several readers may hold it at once, but no writer.
	ReadOnly bool
	// NoSync skips fsync after each commit: for tests and benchmarks only,
	// as a power cut can then corrupt the file.
	NoSync bool
	// BatchDelay is how long a batch of Puts (and Revisits) waits for more
	// before it commits; 0 means DefaultBatchDelay. Many writers in flight
	// (a crawl's pipeline) gain from a longer one: fewer, larger commits.
	BatchDelay time.Duration
}

const defaultTimeout = time.Second

// DefaultBatchDelay is how long a batch of Puts waits for more before it
// commits (bbolt's default). Few writers in flight get about 100 commits/s
// each of them; many writers get large batches and few fsyncs. At 1ms, a
// crawl made one commit per one or two pages and spent its CPU in fsync:
// bench/ measured 0.6 of bare colly's pages/s at 1ms and 0.8 at 10ms (with
// 64 writers; see pipeline.BatchDelay for the crawl's).
const DefaultBatchDelay = 10 * time.Millisecond

// DB is an archive in one bbolt file. Its methods are safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	enc      *zstd.Encoder
	dec      *zstd.Decoder

	mu     sync.Mutex
	closed bool
	active sync.WaitGroup // calls in flight, waited for by Close
}

// Open opens the archive at path, creating it unless opts.ReadOnly. A nil
// opts means the defaults. When another process holds the archive, Open gives
// up after opts.Timeout with an error that wraps ErrLocked.
func Open(path string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	bdb, err := bolt.Open(path, 0o644, &bolt.Options{
		Timeout:      o.Timeout,
		ReadOnly:     o.ReadOnly,
		NoSync:       o.NoSync,
		FreelistType: bolt.FreelistMapType,
		// The freelist is rebuilt from the pages on open instead of being
		// written at every commit (as etcd does): fewer pages per commit.
		NoFreelistSync: true,
		// A writer that outgrows the memory map waits for every read
		// transaction to end (an export streaming to a slow client, say):
		// map 1 GiB up front (address space, not memory) so that this is
		// rare.
		InitialMmapSize: initialMmap(o.ReadOnly),
	})
	if err != nil {
		return nil, openError(path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: o.ReadOnly}
	bdb.MaxBatchDelay = DefaultBatchDelay
	if o.BatchDelay > 0 {
		bdb.MaxBatchDelay = o.BatchDelay
	}
	if o.ReadOnly {
		err = bdb.View(func(tx *bolt.Tx) error { _, err := checkFormat(tx); return err })
	} else {
		err = bdb.Update(initBuckets)
	}
	if err == nil {
		err = db.initCodec()
	}
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return db, nil
}

// openError turns an error of bolt.Open into one that names the path once
// and wraps ErrLocked on a lock timeout.
func openError(path string, err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("open archive %s: %w", path, ErrLocked)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err // "open PATH: permission denied" would name the path twice
	}
	return fmt.Errorf("open archive %s: %w", path, err)
}

// checkFormat returns the archive format of tx, 0 for a fresh file (no
// buckets at all), and refuses a foreign bbolt file or a format newer than
// this code.
func checkFormat(tx *bolt.Tx) (format int, err error) {
	mb := tx.Bucket(bucketMeta)
	if mb == nil {
		var foreign []byte
		_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			foreign = name
			return errors.New("stop")
		})
		if foreign != nil {
			return 0, fmt.Errorf("not a newsarc archive (bucket %q but no %q)", foreign, bucketMeta)
		}
		return 0, nil
	}
	raw := mb.Get(keyFormat)
	n, err := strconv.Atoi(string(raw))
	switch {
	case err != nil || n < 1:
		return 0, fmt.Errorf("unreadable archive format %q", raw)
	case n > formatVersion:
		return 0, fmt.Errorf("archive format %d is newer than this newsarc reads (%d): use a newer newsarc", n, formatVersion)
	}
	return n, nil
}

// initBuckets creates the buckets and the format key of a new archive, and
// upgrades an older format: it creates the buckets the older format did not
// have and sets the format, in the one transaction. Nothing is rewritten:
// this code reads what older formats wrote.
func initBuckets(tx *bolt.Tx) error {
	format, err := checkFormat(tx)
	if err != nil {
		return err
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	for _, name := range [][]byte{bucketFrontier, bucketPlans, bucketPlanDue, bucketRevisitStats} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if format < formatVersion {
		return tx.Bucket(bucketMeta).Put(keyFormat, []byte(strconv.Itoa(formatVersion)))
	}
	return nil
}

// initCodec creates the zstd encoder and decoder shared by all calls:
// EncodeAll and DecodeAll are safe for concurrent use.
func (db *DB) initCodec() error {
	var err error
	if !db.readOnly {
		db.enc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithZeroFrames(true))
		if err != nil {
			return fmt.Errorf("zstd encoder: %w", err)
		}
	}
	db.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxCapture))
	if err != nil {
		if db.enc != nil {
			_ = db.enc.Close()
		}
		return fmt.Errorf("zstd decoder: %w", err)
	}
	return nil
}

// maxCapture bounds a decompressed capture, against a damaged frame that
// claims a huge size.
const maxCapture = 1 << 30

// enter registers a call in flight; it fails once Close has begun.
func (db *DB) enter() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return errClosed
	}
	db.active.Add(1)
	return nil
}

func (db *DB) leave() { db.active.Done() }

// Close waits for the calls in flight (a Put returns once its batch has
// committed), then closes the file. Calls made after Close fail. Closing
// twice is harmless.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	db.mu.Unlock()
	db.active.Wait()

	err := db.bolt.Close()
	if db.enc != nil {
		_ = db.enc.Close()
	}
	db.dec.Close()
	if err != nil {
		return fmt.Errorf("close archive %s: %w", db.path, err)
	}
	return nil
}

// initialMmap is the memory map a writable archive starts with.
func initialMmap(readOnly bool) int {
	if readOnly {
		return 0
	}
	return 1 << 30
}
