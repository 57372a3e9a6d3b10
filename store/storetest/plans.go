package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

var planAges = []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour}

// planned is snapshot with the revisit ages set.
func planned(url string, at time.Time, hash string) store.Snapshot {
	s := snap(url, "cairo", at, hash)
	s.Revisits = planAges
	return s
}

// put1 puts one snapshot and returns its outcome.
func put1(t *testing.T, db store.Archive, s store.Snapshot) store.Outcome {
	t.Helper()
	return put(t, db, s)[0]
}

func due(t *testing.T, db store.Archive, site string, now time.Time) []string {
	t.Helper()
	ds, err := db.DueRevisits(context.Background(), site, now, 100)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, d := range ds {
		urls = append(urls, d.URL)
	}
	return urls
}

func report(t *testing.T, db store.Archive, now time.Time) store.RevisitReport {
	t.Helper()
	r, err := db.Revisits(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testRevisitPlans(t *testing.T, open func(t *testing.T) store.Archive) {
	ctx := context.Background()
	db := open(t)
	const a = "https://news.example/news/1"

	// First seen: a plan, due 15 minutes later; nothing counted.
	if out := put1(t, db, planned(a, t0, "sha256:aa")); !out.New || out.Revisit != 0 {
		t.Fatalf("first put: %+v", out)
	}
	if got := due(t, db, "cairo", t0.Add(15*time.Minute-time.Nanosecond)); got != nil {
		t.Errorf("due before 15m: %q", got)
	}
	ds, err := db.DueRevisits(ctx, "cairo", t0.Add(15*time.Minute), 100)
	if err != nil || len(ds) != 1 || ds[0] != (store.DueRevisit{URL: a, Target: a, Due: t0.Add(15 * time.Minute)}) {
		t.Fatalf("due at 15m: %+v, %v", ds, err)
	}
	if got := due(t, db, "other", t0.Add(time.Hour)); got != nil {
		t.Errorf("another site's due revisits: %q", got)
	}

	// A fetch before the plan's due time is not a revisit.
	if out := put1(t, db, planned(a, t0.Add(10*time.Minute), "sha256:aa")); out.Revisit != 0 {
		t.Errorf("fetch at 10m counted as revisit %s", out.Revisit)
	}
	// The revisit at 16m: same content.
	if out := put1(t, db, planned(a, t0.Add(16*time.Minute), "sha256:aa")); out.New || out.Revisit != 15*time.Minute {
		t.Errorf("revisit at 16m: %+v", out)
	}
	if got := due(t, db, "cairo", t0.Add(59*time.Minute)); got != nil {
		t.Errorf("due at 59m after the 15m revisit: %q", got)
	}
	// The 1h revisit answered 304.
	out, err := db.Revisit(ctx, store.Revisit{URL: a, Version: 1, FetchedAt: t0.Add(61 * time.Minute), Kind: store.FetchNotModified,
		Capture: []byte("HTTP/1.1 304 Not Modified\r\n\r\n"), Revisits: planAges})
	if err != nil || out.Revisit != time.Hour {
		t.Fatalf("304 at 61m: %+v, %v", out, err)
	}
	// newsarc was down for two days: the next fetch counts once, at the
	// largest age passed (6h), and finds an edit. The plan has ended.
	if out := put1(t, db, planned(a, t0.Add(48*time.Hour), "sha256:bb")); !out.New || out.Version != 2 || out.Revisit != 6*time.Hour {
		t.Errorf("late revisit: %+v", out)
	}
	if got := due(t, db, "cairo", t0.Add(100*24*time.Hour)); got != nil {
		t.Errorf("due after the plan ended: %q", got)
	}
	// Unchanged after the end: nothing. An edit found by a crawl after the
	// end restarts the plan from then.
	put1(t, db, planned(a, t0.Add(49*time.Hour), "sha256:bb"))
	if got := due(t, db, "cairo", t0.Add(100*24*time.Hour)); got != nil {
		t.Errorf("due after an unchanged fetch of an ended plan: %q", got)
	}
	re := t0.Add(50 * time.Hour)
	if out := put1(t, db, planned(a, re, "sha256:cc")); out.Revisit != 0 || out.Version != 3 {
		t.Errorf("rediscovery: %+v", out)
	}
	if got := due(t, db, "cairo", re.Add(15*time.Minute)); !reflect.DeepEqual(got, []string{a}) {
		t.Errorf("due 15m after rediscovery: %q", got)
	}

	want := []store.RevisitStat{
		{Site: "cairo", Age: 15 * time.Minute, Revisits: 1},
		{Site: "cairo", Age: time.Hour, Revisits: 1, NotModified: 1},
		{Site: "cairo", Age: 6 * time.Hour, Revisits: 1, Changed: 1},
	}
	r := report(t, db, re)
	if !reflect.DeepEqual(r.Stats, want) {
		t.Errorf("stats:\n got %+v\nwant %+v", r.Stats, want)
	}
	if want := []store.PlanCount{{Site: "cairo", Active: 1}}; !reflect.DeepEqual(r.Plans, want) {
		t.Errorf("plans: %+v, want %+v", r.Plans, want)
	}
}

func testRevisitsFailed(t *testing.T, open func(t *testing.T) store.Archive) {
	ctx := context.Background()
	db := open(t)
	const a, b = "https://news.example/news/1", "https://news.example/news/2"
	put1(t, db, planned(a, t0, "sha256:aa"))
	put1(t, db, planned(b, t0, "sha256:bb"))
	at := t0.Add(20 * time.Minute)
	// b's revisit is stored; a's fetch failed.
	put1(t, db, planned(b, at, "sha256:bb"))
	failed, err := db.RevisitsFailed(ctx, []string{a, b}, planAges, at.Add(time.Second))
	if err != nil || !reflect.DeepEqual(failed, map[time.Duration]int{15 * time.Minute: 1}) {
		t.Fatalf("RevisitsFailed = %v, %v; want one at 15m", failed, err)
	}
	// Done once: a second call counts nothing.
	if failed, err := db.RevisitsFailed(ctx, []string{a, b}, planAges, at.Add(2*time.Second)); err != nil || len(failed) != 0 {
		t.Errorf("second RevisitsFailed = %v, %v", failed, err)
	}
	if got := due(t, db, "cairo", t0.Add(time.Hour)); !reflect.DeepEqual(got, []string{a, b}) {
		t.Errorf("due at 1h: %q; want both", got)
	}
	want := []store.RevisitStat{{Site: "cairo", Age: 15 * time.Minute, Revisits: 1, Failed: 1}}
	if r := report(t, db, at); !reflect.DeepEqual(r.Stats, want) {
		t.Errorf("stats %+v, want %+v", r.Stats, want)
	}
}

func testRevisitsRetry(t *testing.T, open func(t *testing.T) store.Archive) {
	ctx := context.Background()
	db := open(t)
	const a, b = "https://news.example/news/1", "https://news.example/news/2"
	put1(t, db, planned(a, t0, "sha256:aa"))
	put1(t, db, planned(b, t0.Add(time.Minute), "sha256:bb"))
	// a's revisit failed for a passing reason at 20m: put off to 30m,
	// behind b, not counted.
	failed, err := db.RevisitsRetry(ctx, []string{a}, planAges, t0.Add(20*time.Minute), t0.Add(30*time.Minute), time.Hour)
	if err != nil || len(failed) != 0 {
		t.Fatalf("RevisitsRetry = %v, %v; want nothing failed", failed, err)
	}
	if got := due(t, db, "cairo", t0.Add(25*time.Minute)); !reflect.DeepEqual(got, []string{b}) {
		t.Errorf("due at 25m: %q; want b only", got)
	}
	if got := due(t, db, "cairo", t0.Add(30*time.Minute)); !reflect.DeepEqual(got, []string{b, a}) {
		t.Errorf("due at 30m: %q; want b, then a", got)
	}
	// Still failing an hour after it fell due (15m): counted as failed at
	// the largest age passed, and the plan moves on.
	failed, err = db.RevisitsRetry(ctx, []string{a}, planAges, t0.Add(80*time.Minute), t0.Add(90*time.Minute), time.Hour)
	if err != nil || !reflect.DeepEqual(failed, map[time.Duration]int{time.Hour: 1}) {
		t.Fatalf("RevisitsRetry after an hour = %v, %v; want one failure at 1h", failed, err)
	}
	if got := due(t, db, "cairo", t0.Add(6*time.Hour-time.Second)); !reflect.DeepEqual(got, []string{b}) {
		t.Errorf("due before 6h: %q; want b only", got)
	}
	if _, err := db.RevisitsRetry(ctx, []string{a}, planAges, t0, t0, time.Hour); err == nil {
		t.Error("RevisitsRetry with retryAt not after at: no error")
	}
}

// testRevisitPutOff: a crawl fetch stored while a put-off revisit is due
// (though before its retry) is that revisit.
func testRevisitPutOff(t *testing.T, open func(t *testing.T) store.Archive) {
	ctx := context.Background()
	db := open(t)
	const a = "https://news.example/news/1"
	put1(t, db, planned(a, t0, "sha256:aa"))
	if _, err := db.RevisitsRetry(ctx, []string{a}, planAges, t0.Add(20*time.Minute), t0.Add(30*time.Minute), time.Hour); err != nil {
		t.Fatal(err)
	}
	if out := put1(t, db, planned(a, t0.Add(22*time.Minute), "sha256:aa")); out.Revisit != 15*time.Minute {
		t.Errorf("crawl fetch at 22m: revisit %s, want the 15m one", out.Revisit)
	}
	if got := due(t, db, "cairo", t0.Add(59*time.Minute)); got != nil {
		t.Errorf("due before 1h: %q", got)
	}
}
