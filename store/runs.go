package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// lastRunKey is the meta key of a site's last good run: "run:" site.
func lastRunKey(site string) []byte { return append([]byte("run:"), site...) }

// SetLastRun records when the last good run of site (a scheduled crawl that
// ended without error) started, so that the next one, also after a
// restart, can read sitemaps and feeds for what is newer.
func (db *DB) SetLastRun(ctx context.Context, site string, start time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := db.enter(); err != nil {
		return fmt.Errorf("set last run of %s: %w", site, err)
	}
	defer db.leave()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(lastRunKey(site), binary.AppendVarint(nil, start.UnixNano()))
	})
	if err != nil {
		return fmt.Errorf("set last run of %s: %w", site, err)
	}
	return nil
}

// LastRun returns what SetLastRun recorded for site; the zero time when
// nothing was.
func (db *DB) LastRun(ctx context.Context, site string) (time.Time, error) {
	var t time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(lastRunKey(site))
		if raw == nil {
			return nil
		}
		n, l := binary.Varint(raw)
		if l <= 0 || l != len(raw) {
			return fmt.Errorf("bad entry %q", raw)
		}
		t = unixNano(n)
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("last run of %s: %w", site, err)
	}
	return t, nil
}
