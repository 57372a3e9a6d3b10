package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The buckets of the revisit schedule (see doc.go). Like the frontier,
// they are not in allBuckets: a writable Open creates them, and an archive
// without them (older, read-only) has no plans.
var (
	bucketPlans        = []byte("revisit_plans")
	bucketPlanDue      = []byte("revisit_due")
	bucketRevisitStats = []byte("revisit_stats")
)

// MaxRevisits bounds the ages of a revisit schedule.
const MaxRevisits = 64

// MaxRevisitAge bounds each age: 100 years, far from int64 overflow when
// added to a time.
const MaxRevisitAge = 100 * 365 * 24 * time.Hour

// planEncoding is the first byte of a plan and of a revisit stat.
const planEncoding = 1

// plan is one article's revisit schedule: the ages are the site's, so that
// a changed site file applies to the plans already kept.
type plan struct {
	site, target string // target: the URL its last fetch requested ("" = the article's URL)
	first        int64  // UnixNano when the plan started: the article first seen, or rediscovered
	done         int64  // the age (ns) of the last revisit made; 0 = none yet
	due          int64  // UnixNano of the next revisit; 0 = the plan has ended
}

func (p *plan) encode() []byte {
	b := make([]byte, 1, 1+24+len(p.site)+len(p.target)+4)
	b[0] = planEncoding
	b = binary.BigEndian.AppendUint64(b, uint64(p.first))
	b = binary.BigEndian.AppendUint64(b, uint64(p.done))
	b = binary.BigEndian.AppendUint64(b, uint64(p.due))
	b = appendString(b, p.site)
	return appendString(b, p.target)
}

var errBadPlan = errors.New("bad revisit plan")

func decodePlan(v []byte) (plan, error) {
	if len(v) < 25 || v[0] != planEncoding {
		return plan{}, errBadPlan
	}
	p := plan{
		first: int64(binary.BigEndian.Uint64(v[1:])),
		done:  int64(binary.BigEndian.Uint64(v[9:])),
		due:   int64(binary.BigEndian.Uint64(v[17:])),
	}
	site, rest, ok := readBytes(v[25:])
	if !ok {
		return plan{}, errBadPlan
	}
	target, rest, ok := readBytes(rest)
	if !ok || len(rest) != 0 || p.done < 0 {
		return plan{}, errBadPlan
	}
	p.site, p.target = string(site), string(target)
	return p, nil
}

// dueKey is site|0x00|time(due)|url, the key of the revisit_due index.
func dueKey(site string, due int64, url string) []byte {
	k := make([]byte, 0, len(site)+1+timeLen+len(url))
	k = append(append(k, site...), sep)
	k = appendTime(k, time.Unix(0, due))
	return append(k, url...)
}

// statKey is site|0x00|bigendian64(age), the key of revisit_stats.
func statKey(site string, age time.Duration) []byte {
	k := make([]byte, 0, len(site)+1+8)
	k = append(append(k, site...), sep)
	return binary.BigEndian.AppendUint64(k, uint64(age))
}

// statCounts is a revisit_stats value.
type statCounts struct{ revisits, changed, notModified, failed int64 }

func (s statCounts) encode() []byte {
	b := []byte{planEncoding}
	for _, n := range []int64{s.revisits, s.changed, s.notModified, s.failed} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	return b
}

func decodeStat(v []byte) (statCounts, error) {
	if len(v) < 1 || v[0] != planEncoding {
		return statCounts{}, errors.New("bad revisit stat")
	}
	var ns [4]int64
	rest := v[1:]
	for i := range ns {
		n, l := binary.Uvarint(rest)
		if l <= 0 || n > 1<<62 {
			return statCounts{}, errors.New("bad revisit stat")
		}
		ns[i], rest = int64(n), rest[l:]
	}
	if len(rest) != 0 {
		return statCounts{}, errors.New("bad revisit stat")
	}
	return statCounts{ns[0], ns[1], ns[2], ns[3]}, nil
}

// validateAges checks a revisit schedule: positive ages, increasing.
func validateAges(ages []time.Duration) error {
	if len(ages) > MaxRevisits {
		return fmt.Errorf("%d revisit ages: at most %d", len(ages), MaxRevisits)
	}
	for i, a := range ages {
		if a <= 0 || a > MaxRevisitAge || (i > 0 && a <= ages[i-1]) {
			return fmt.Errorf("revisit ages %v: must be positive, increasing, at most 100 years", ages)
		}
	}
	return nil
}

// lastPassed is the largest age a with first+a <= at, or 0 when none.
func lastPassed(ages []time.Duration, first, at int64) int64 {
	var a int64
	for _, age := range ages {
		if first+int64(age) > at {
			break
		}
		a = int64(age)
	}
	return a
}

// nextDue is first plus the first age after done, or 0 when none is left.
func nextDue(ages []time.Duration, first, done int64) int64 {
	for _, age := range ages {
		if int64(age) > done {
			return first + int64(age)
		}
	}
	return 0
}

// planFetch is what a stored fetch tells the article's plan.
type planFetch struct {
	url, site, target string
	at                int64
	ages              []time.Duration
	changed           bool // it stored a new version
	notModified       bool // it was a 304
}

// updatePlan keeps the article's revisit plan in step with a fetch stored in
// tx, and returns the age of the revisit the fetch made, 0 when it was not
// one. The rules (see doc.go):
//   - an article with no plan gets one, starting when it was first seen;
//   - a fetch at or after the plan's due time is its revisit: it is counted
//     at the largest age passed (stages missed while newsarc was not running
//     are skipped, not made up), and the plan moves to the next age;
//   - an ended plan starts again from now when a fetch finds a new version
//     (the article was rediscovered).
func updatePlan(tx *bolt.Tx, f planFetch) (time.Duration, error) {
	pb := tx.Bucket(bucketPlans)
	if len(f.ages) == 0 || pb == nil {
		return 0, nil
	}
	raw := pb.Get([]byte(f.url))
	var (
		p, old plan
		age    int64
	)
	if raw == nil {
		p = plan{first: f.at}
		if m, err := metaOf(tx.Bucket(bucketVersions), f.url, 1); err == nil && m.firstSeen < f.at {
			p.first = m.firstSeen // an article kept before its site had revisits
		}
		p.done = lastPassed(f.ages, p.first, f.at)
	} else {
		var err error
		if p, err = decodePlan(raw); err != nil {
			return 0, fmt.Errorf("plan of %s: %w", f.url, err)
		}
		old = p
		// The due time, or the nominal one when RevisitsRetry put it off:
		// any fetch stored once the revisit is due is the revisit.
		due := p.due
		if n := nextDue(f.ages, p.first, p.done); n != 0 && n < due {
			due = n
		}
		switch {
		case p.due != 0 && f.at >= due:
			if a := lastPassed(f.ages, p.first, f.at); a > p.done {
				age, p.done = a, a
			}
		case p.due == 0 && f.changed:
			p.first, p.done = f.at, 0
		}
	}
	p.site, p.target = f.site, f.target
	p.due = nextDue(f.ages, p.first, p.done)
	if raw != nil && age == 0 && old.first == p.first && old.due > p.due && p.due != 0 {
		p.due = old.due // put off by RevisitsRetry, and not fetched since
	}
	if age > 0 {
		c := statCounts{revisits: 1}
		if f.changed {
			c.changed = 1
		}
		if f.notModified {
			c.notModified = 1
		}
		if err := addStat(tx, p.site, time.Duration(age), c); err != nil {
			return 0, err
		}
	}
	if err := putPlan(tx, f.url, raw, &old, &p); err != nil {
		return 0, err
	}
	return time.Duration(age), nil
}

// putPlan writes p (unless it is what raw holds) and moves its due entry.
// old is the plan raw decoded to, if any.
func putPlan(tx *bolt.Tx, url string, raw []byte, old, p *plan) error {
	enc := p.encode()
	if bytes.Equal(enc, raw) {
		return nil
	}
	db := tx.Bucket(bucketPlanDue)
	if raw != nil && old.due != 0 {
		if err := db.Delete(dueKey(old.site, old.due, url)); err != nil {
			return err
		}
	}
	if p.due != 0 {
		if err := db.Put(dueKey(p.site, p.due, url), nil); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketPlans).Put([]byte(url), enc)
}

// addStat adds c to the counts of site at age.
func addStat(tx *bolt.Tx, site string, age time.Duration, c statCounts) error {
	b := tx.Bucket(bucketRevisitStats)
	k := statKey(site, age)
	var cur statCounts
	if v := b.Get(k); v != nil {
		var err error
		if cur, err = decodeStat(v); err != nil {
			return fmt.Errorf("revisit stat %s %s: %w", site, AgeLabel(age), err)
		}
	}
	cur.revisits += c.revisits
	cur.changed += c.changed
	cur.notModified += c.notModified
	cur.failed += c.failed
	return b.Put(k, cur.encode())
}

// DueRevisit is an article whose revisit is due.
type DueRevisit struct {
	URL    string    // the article's URL (store key)
	Target string    // the URL to request: the one its last fetch requested
	Due    time.Time // when the revisit fell due
}

// DueRevisits returns up to limit articles of site whose revisit is due at
// now, the longest overdue first.
func (db *DB) DueRevisits(ctx context.Context, site string, now time.Time, limit int) ([]DueRevisit, error) {
	var out []DueRevisit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b, pb := tx.Bucket(bucketPlanDue), tx.Bucket(bucketPlans)
		if b == nil || pb == nil {
			return nil
		}
		prefix := sitePrefix(site)
		end := appendTime(append([]byte(nil), prefix...), now)
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
			if len(k) < len(prefix)+timeLen || bytes.Compare(k[:len(prefix)+timeLen], end) > 0 {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			url := string(k[len(prefix)+timeLen:])
			p, err := decodePlan(pb.Get([]byte(url)))
			if err != nil {
				return fmt.Errorf("plan of %s: %w", url, err)
			}
			out = append(out, DueRevisit{URL: url, Target: targetOr(p.target, url), Due: unixNano(p.due)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due revisits of %s: %w", site, err)
	}
	return out, nil
}

// RevisitsFailed closes the revisits of urls that are still due at at (no
// fetch of them was stored: the request failed, the page is gone or is no
// longer an article): each is counted as failed at the largest age passed
// and its plan moves on, so that a gone page is not requested every minute.
// It returns the failures by age.
func (db *DB) RevisitsFailed(ctx context.Context, urls []string, ages []time.Duration, at time.Time) (map[time.Duration]int, error) {
	return db.missed(ctx, "revisits failed", urls, ages, at, time.Time{}, 0)
}

// RevisitsRetry puts off to retryAt the revisits of urls still due at at
// that failed for a reason that may pass (no answer, a server error): they
// go behind the others due, so that they cannot hold them up. One whose
// revisit has been due for giveUp or longer is closed as RevisitsFailed
// does. It returns those failures by age.
func (db *DB) RevisitsRetry(ctx context.Context, urls []string, ages []time.Duration, at, retryAt time.Time, giveUp time.Duration) (map[time.Duration]int, error) {
	if !retryAt.After(at) || giveUp <= 0 {
		return nil, fmt.Errorf("revisits retry: retry at %s and give up after %s: want a later time and a positive duration", retryAt, giveUp)
	}
	return db.missed(ctx, "revisits retry", urls, ages, at, retryAt, giveUp)
}

// missed closes (retryAt zero) or puts off the revisits of urls still due
// at at; see RevisitsFailed and RevisitsRetry.
func (db *DB) missed(ctx context.Context, op string, urls []string, ages []time.Duration, at, retryAt time.Time, giveUp time.Duration) (map[time.Duration]int, error) {
	if err := validateAges(ages); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	failed := map[time.Duration]int{}
	err := db.update(ctx, func(tx *bolt.Tx) error {
		clear(failed) // Batch may run this again
		pb := tx.Bucket(bucketPlans)
		if pb == nil {
			return nil
		}
		t := at.UnixNano()
		for _, url := range urls {
			raw := pb.Get([]byte(url))
			if raw == nil {
				continue
			}
			p, err := decodePlan(raw)
			if err != nil {
				return fmt.Errorf("plan of %s: %w", url, err)
			}
			if p.due == 0 || p.due > t {
				continue // stored meanwhile, or not due
			}
			old := p
			if nominal := nextDue(ages, p.first, p.done); !retryAt.IsZero() && nominal != 0 && t-nominal < int64(giveUp) {
				p.due = retryAt.UnixNano() // try again later
			} else {
				if a := lastPassed(ages, p.first, t); a > p.done {
					p.done = a
					if err := addStat(tx, p.site, time.Duration(a), statCounts{failed: 1}); err != nil {
						return err
					}
					failed[time.Duration(a)]++
				}
				p.due = nextDue(ages, p.first, p.done)
			}
			if err := putPlan(tx, url, raw, &old, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return failed, nil
}

// RevisitStat is what the revisits of one site at one age found.
type RevisitStat struct {
	Site        string
	Age         time.Duration // the age bucket: one of the site's revisit ages
	Revisits    int64         // revisits stored: a new version, the same content, or a 304
	Changed     int64         // of which found a new version
	NotModified int64         // of which were answered 304
	Failed      int64         // revisits with nothing stored (not in Revisits)
}

// PlanCount counts one site's revisit plans.
type PlanCount struct {
	Site   string
	Active int64 // plans with a revisit to come
	Due    int64 // of which due now
	Ended  int64 // plans whose last age has passed
}

// RevisitReport is what newsarc stats shows.
type RevisitReport struct {
	Stats []RevisitStat // by site, then age
	Plans []PlanCount   // by site
}

// Revisits reports what the revisits found, per site and age, and how many
// plans each site has, counting as due those due at now.
func (db *DB) Revisits(ctx context.Context, now time.Time) (RevisitReport, error) {
	var r RevisitReport
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRevisitStats); b != nil {
			err := b.ForEach(func(k, v []byte) error {
				i := bytes.IndexByte(k, sep)
				if i < 0 || len(k) != i+9 {
					return fmt.Errorf("revisit stat: bad key %q", k)
				}
				c, err := decodeStat(v)
				if err != nil {
					return fmt.Errorf("revisit stat %q: %w", k, err)
				}
				r.Stats = append(r.Stats, RevisitStat{Site: string(k[:i]), Age: time.Duration(binary.BigEndian.Uint64(k[i+1:])),
					Revisits: c.revisits, Changed: c.changed, NotModified: c.notModified, Failed: c.failed})
				return ctx.Err()
			})
			if err != nil {
				return err
			}
		}
		pb := tx.Bucket(bucketPlans)
		if pb == nil {
			return nil
		}
		bySite := map[string]*PlanCount{}
		t := now.UnixNano()
		err := pb.ForEach(func(k, v []byte) error {
			p, err := decodePlan(v)
			if err != nil {
				return fmt.Errorf("plan of %s: %w", k, err)
			}
			c := bySite[p.site]
			if c == nil {
				c = &PlanCount{Site: p.site}
				bySite[p.site] = c
			}
			switch {
			case p.due == 0:
				c.Ended++
			case p.due <= t:
				c.Active++
				c.Due++
			default:
				c.Active++
			}
			return ctx.Err()
		})
		for _, c := range bySite {
			r.Plans = append(r.Plans, *c)
		}
		return err
	})
	if err != nil {
		return RevisitReport{}, fmt.Errorf("revisit report: %w", err)
	}
	sort.Slice(r.Plans, func(i, j int) bool { return r.Plans[i].Site < r.Plans[j].Site })
	return r, nil
}

// AgeLabel writes an age as the site files do: "15m", "6h", "3d", else as
// Go does ("90s", "1h30m0s").
func AgeLabel(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d > 0 && d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	case d > 0 && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d > 0 && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// update runs fn in a batched write transaction, with the call registered.
// fn may run more than once.
func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.readOnly {
		return bolterrors.ErrDatabaseReadOnly
	}
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	return db.bolt.Batch(fn)
}

// plans verifies the revisit buckets: every plan decodes and has exactly
// its due entry, every due entry belongs to a plan, every stat decodes.
func (c *checker) plans(ctx context.Context, tx *bolt.Tx) {
	pb, db, sb := tx.Bucket(bucketPlans), tx.Bucket(bucketPlanDue), tx.Bucket(bucketRevisitStats)
	if pb == nil || db == nil || sb == nil {
		return
	}
	active := 0
	cur := pb.Cursor()
	for k, v := cur.First(); k != nil && !c.full(); k, v = cur.Next() {
		if ctx.Err() != nil {
			c.add(ctx.Err())
			return
		}
		p, err := decodePlan(v)
		if err != nil {
			c.add(fmt.Errorf("revisit plan of %q: %w", k, err))
			continue
		}
		if p.due != 0 {
			active++
			if db.Get(dueKey(p.site, p.due, string(k))) == nil {
				c.add(fmt.Errorf("revisit plan of %q: no due entry", k))
			}
		}
	}
	if n := count(db); n != active && !c.full() {
		c.add(fmt.Errorf("bucket %s has %d entries, want %d (one per active plan)", bucketPlanDue, n, active))
	}
	cur = sb.Cursor()
	for k, v := cur.First(); k != nil && !c.full(); k, v = cur.Next() {
		if i := bytes.IndexByte(k, sep); i < 0 || len(k) != i+9 {
			c.add(fmt.Errorf("revisit stat: bad key %q", k))
			continue
		}
		if _, err := decodeStat(v); err != nil {
			c.add(fmt.Errorf("revisit stat %q: %w", k, err))
		}
	}
}
