// Package store is newsarc's archive: every version of every article, with
// the raw HTTP capture it came from.
//
// It moves bytes and knows nothing of HTML. The caller hands Put a Snapshot
// (URL, site, fetch time, content hash, encoded record, raw capture, and the
// request head, target URI, payload digest and validators of the fetch) and
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
//     FetchedAt), and the fetch goes into the revisit log (Outcome.New is
//     false). Its kind is FetchIdentical when its PayloadDigest is set and
//     equals the version's: only the capture's head (up to and including
//     the first blank line) is kept, the body being the version's. Else it
//     is FetchDifferent (same content, other bytes, or no digest to tell):
//     the whole capture is kept. The version keeps the FetchedAt, site,
//     origin, record and capture of its first fetch.
//   - different, or no version yet: a new version latest+1 is stored with
//     FetchedAt = FirstSeen = LastSeen = the snapshot's FetchedAt, Seen = 1,
//     the record as given, the capture compressed with zstd and the request
//     head, target URI and payload digest.
//
// Only the latest version is compared: content that comes back to an older
// version's hash (an edit undone) is a new version. Versions are numbered in
// the order the Puts commit, which is the crawl order, not necessarily
// FetchedAt order for imports of old captures.
//
// Revisit counts a fetch that did not need comparing against the version it
// names, latest or not: a 304 (FetchNotModified, the 304 response kept) or
// an imported WARC revisit record (FetchIdentical, its head kept). It logs
// the fetch as Put does and errs with ErrNotFound for an unknown version.
//
// A re-extraction (OriginReextract) fetched nothing. With a Source, its new
// version stores no capture or request: Capture and Request give the
// Source's, and the Source must exist and have a capture (a Source that is
// itself a re-extraction is replaced by its own Source, so a stored Source
// always has one). Its target URI is the Source's unless given, its payload
// digest the Source's (of the very bytes) unless that has none. A
// re-extraction whose hash equals the latest version's changes
// nothing (Outcome.New false, Seen as it was).
//
// Validators (ETag, Last-Modified) are kept per target URI, for the next
// conditional request of it, with the URL and version the fetch was counted
// against, where a 304 will be counted. Every Put of a fetch sets them when
// the snapshot has either, and deletes the target's when it has neither, so
// that stale validators are never sent; but a fetch older than the one the
// target's validators came from (an imported old capture) leaves them. A
// re-extraction neither sets nor
// deletes any: those of its target that pointed at the version it replaced
// move to the new version (where the next fetch of the same bytes would be
// counted). Revisit leaves them.
//
// Concurrent Puts and Revisits go through bbolt's Batch, which groups them
// into one transaction and one fsync: a batch commits when it holds 1000
// calls or Options.BatchDelay (10ms by default; crawls use 25ms) after its
// first (bbolt's MaxBatchSize and MaxBatchDelay). Each returns once its
// batch has committed.
//
// # Key layout
//
// All in top-level buckets. A URL or site in a key is always followed by a
// 0x00 byte (Put refuses URLs and site names that contain one), a version is
// 4 bytes big-endian and a time is its UnixNano as 8 bytes big-endian with the
// sign bit flipped (Put refuses fetch times outside 1678-2262), so that keys
// sort by URL, then version, or by time:
//
//	meta              "format" -> decimal format version (now 2)
//	latest            url -> version (4 bytes): the URL's latest version
//	versions          url 0x00 version -> metadata (below)
//	records           url 0x00 version -> the record as given to Put
//	captures          url 0x00 version -> the capture, one zstd frame; none for
//	                  a re-extraction with a Source
//	requests          url 0x00 version -> the request head as sent; none when
//	                  the snapshot had none, or for a re-extraction with a Source
//	by_time           time url 0x00 version -> empty
//	by_site_time      site 0x00 time url 0x00 version -> empty
//	revisits          time url 0x00 version -> revisit entry (below)
//	revisit_captures  time url 0x00 version -> the revisit's head, or its whole
//	                  capture for FetchDifferent, one zstd frame
//	validators        target URI -> validators entry (below)
//	frontier          site 0x00 url -> frontier entry (below): the URLs of
//	                  each site's unfinished run
//	revisit_plans     url -> plan (below): the article's revisit schedule
//	revisit_due       site 0x00 time(due) url -> empty: active plans by due time
//	revisit_stats     site 0x00 bigendian64(age ns) -> revisit counts (below)
//
// The time in the version indexes is the version's FetchedAt, which never
// changes; in the revisit log, the revisit's. Two revisits of one version at
// the same nanosecond cannot share a key: the second is logged 1ns later
// (the next free nanosecond).
//
// Metadata is compact binary: an encoding byte (2), FetchedAt, FirstSeen and
// LastSeen as varint UnixNano, Seen and Source as uvarints, then site,
// content hash, origin, target URI ("" when it is the URL) and payload
// digest, each a uvarint length and its bytes. Encoding 1 (format 1) has no
// Source, target URI or payload digest, and is still read.
//
// A revisit entry is an encoding byte (1), the kind (1 identical,
// 2 different, 3 not-modified) and the origin (1 crawl, 2 import) as a byte
// each, then target URI ("" when it is the URL), payload digest (of
// FetchDifferent only: the other kinds have the version's) and request head,
// each a uvarint length and its bytes. A validators entry is an encoding
// byte (2), the version as a uvarint, the fetch time as a varint UnixNano,
// then URL, ETag and Last-Modified, each a uvarint length and its bytes
// (encoding 1, without the time, is still read).
//
// A frontier entry is an encoding byte (1), the state (0 queued, 1 done)
// and the caller's flags as a byte each, then the depth as a uvarint. The
// store gives URL, depth and flags no meaning: the crawler's frontier
// (queued and done pages of a run, so that a killed run can be resumed)
// is kept here by newsarc run. FrontierApply makes changes, in order, in
// one transaction: queue URLs not there yet (a done one stays done), mark
// one done (one not there is left out: its run was finished); newsarc run's
// frontier writes behind through it. FrontierFinish deletes a site's
// entries, FrontierLoad and FrontierSites read them. The writes go through
// Batch like Put, and return once committed. The bucket is created by a
// writable Open; a file without it (written before it existed, opened
// read-only) has no unfinished run, and older newsarc versions ignore it,
// so it needed no new format.
//
// # Revisit plans
//
// A plan is an encoding byte (1), then as big-endian 64-bit integers the
// time the plan started (UnixNano: the article first seen, or rediscovered),
// the age of the last revisit made (ns; 0 none) and the next due time
// (UnixNano; 0: the plan has ended), then site and target URI (the URL to
// request; "" when it is the article's URL), each a uvarint length and its
// bytes. The ages are not stored: they are the site's, given with each
// fetch (Snapshot.Revisits), so that a changed site file applies to the
// plans already kept. Put and Revisit update the plan in their own
// transaction: a fetch at or after the due time is the revisit, counted at
// the largest age passed; ages missed are skipped. A new version found after
// the plan ended starts it again. RevisitsFailed counts, and moves on, the
// plans still due after a revisit pass. Revisit counts are an encoding byte
// (1) and four uvarints: revisits stored, of which found a new version, of
// which answered 304, and failed. Check verifies that every active plan has
// its due entry and nothing else is there. Like the frontier, the buckets
// are created by a writable Open and need no new format.
//
// HasFetch(url, t) seeks time|url|0x00 in by_time and in revisits: whether
// a fetch of url at exactly t is kept, so that an import can skip what it
// already holds.
//
// History(url) is a range scan of versions from url 0x00. Scan walks
// by_site_time from site 0x00 Since when Filter.Site is set, by_time from
// Since otherwise, and stops at Until; for latest versions only, it skips
// entries whose version is not the one latest holds for their URL. Either
// way it reads only the index range the filter covers, in one read
// transaction, one entry at a time. Fetches walks the same index range and
// the revisits range from Since to Until together, a step of whichever
// cursor holds the earlier time (the version index on a tie); with a site,
// it reads the metadata of each revisit's version to keep those of the site.
//
// # Formats
//
// Format 2 added the requests, revisits, revisit_captures and validators
// buckets and metadata encoding 2. A writable Open of a format-1 file
// upgrades it in one transaction: it creates the four buckets and sets the
// format to 2; nothing is rewritten, and the versions of format 1 read as
// having no request, target URI (the URL) or payload digest. A read-only
// Open reads a format-1 file as it is, the missing buckets as empty. Open
// refuses a file whose format is newer than this code, and a bbolt file that
// is not an archive.
//
// # Locking and crashes
//
// One process at a time may write: a second Open waits Options.Timeout (1s)
// for the file lock, then fails with ErrLocked. ReadOnly opens share the lock
// with other readers, but not with a writer.
//
// A committed transaction is on disk (unless Options.NoSync), and a
// transaction is all or nothing. A kill (SIGKILL, power cut) therefore loses
// only the Puts and Revisits whose batch had not committed: the pages of
// the last batch delay or so (plus the commit under way), none of
// which had returned to its caller. Every version that is in the file has
// its metadata, record, capture (or a Source with one) and index entries,
// and every revisit its log entry and its capture: DB.Check verifies this.
// A version's Seen is 1 plus the revisits logged against it (plus, in a
// file upgraded from format 1, the fetches format 1 counted without
// logging them): the crash test verifies this.
package store
