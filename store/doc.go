// Package store is newsarc's archive: every version of every article, with
// the raw HTTP capture it came from.
//
// It moves bytes and knows nothing of HTML. The caller hands Put a Snapshot
// (URL, site, fetch time, content hash, encoded record, raw capture) and
// decides what counts as content by how it computes the hash. Archive is the
// interface the rest of newsarc uses; DB, a single bbolt file, implements it,
// and package storetest holds the conformance suite every implementation
// runs.
//
// # Dedup rule
//
// Put compares the snapshot's ContentHash with the hash of the URL's latest
// version, in the same bbolt transaction as the write, so a kill cannot split
// the check from the write:
//
//   - equal: the snapshot is counted against that version: Seen+1,
//     LastSeen = max(LastSeen, FetchedAt) and FirstSeen = min(FirstSeen,
//     FetchedAt). Nothing else is stored; the version keeps the FetchedAt,
//     site, origin, record and capture of its first fetch (Outcome.New is
//     false).
//   - different, or no version yet: a new version latest+1 is stored with
//     FetchedAt = FirstSeen = LastSeen = the snapshot's FetchedAt, Seen = 1,
//     the record as given and the capture compressed with zstd.
//
// Only the latest version is compared: content that comes back to an older
// version's hash (an edit undone) is a new version. Versions are numbered in
// the order the Puts commit, which is the crawl order, not necessarily
// FetchedAt order for imports of old captures.
//
// Concurrent Puts go through bbolt's Batch, which groups them into one
// transaction and one fsync: a batch commits when it holds 1000 Puts or 10ms
// after its first (bbolt's MaxBatchSize and MaxBatchDelay). Put returns once
// its batch has committed.
//
// # Key layout
//
// All in top-level buckets. A URL or site in a key is always followed by a
// 0x00 byte (Put refuses URLs and site names that contain one), a version is
// 4 bytes big-endian and a time is its UnixNano as 8 bytes big-endian with the
// sign bit flipped (Put refuses fetch times outside 1678-2262), so that keys
// sort by URL, then version, or by time:
//
//	meta          "format" -> decimal format version (now 1)
//	latest        url -> version (4 bytes): the URL's latest version
//	versions      url 0x00 version -> metadata (below)
//	records       url 0x00 version -> the record as given to Put
//	captures      url 0x00 version -> the capture, one zstd frame
//	by_time       time url 0x00 version -> empty
//	by_site_time  site 0x00 time url 0x00 version -> empty
//
// The time in the indexes is the version's FetchedAt, which never changes.
// Metadata is compact binary: an encoding byte (1), FetchedAt, FirstSeen and
// LastSeen as varint UnixNano, Seen as a uvarint, then site, content hash and
// origin, each a uvarint length and its bytes.
//
// History(url) is a range scan of versions from url 0x00. Scan walks
// by_site_time from site 0x00 Since when Filter.Site is set, by_time from
// Since otherwise, and stops at Until; for latest versions only, it skips
// entries whose version is not the one latest holds for their URL. Either
// way it reads only the index range the filter covers, in one read
// transaction, one entry at a time.
//
// Open refuses a file whose format is newer than this code, and a bbolt file
// that is not an archive.
//
// # Locking and crashes
//
// One process at a time may write: a second Open waits Options.Timeout (1s)
// for the file lock, then fails with ErrLocked. ReadOnly opens share the lock
// with other readers, but not with a writer.
//
// A committed transaction is on disk (unless Options.NoSync), and a
// transaction is all or nothing. A kill (SIGKILL, power cut) therefore loses
// only the Puts whose batch had not committed: the pages of the last
// 10ms or so (MaxBatchDelay, plus the commit under way), none of which
// had returned to its caller. Every
// version that is in the file has its metadata, record, capture and index
// entries. DB.Check verifies this.
package store
