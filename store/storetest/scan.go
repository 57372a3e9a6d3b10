package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/store"
)

// scanFixture fills a with four articles of three sites (one of them the
// generic extractor's ""). In FetchedAt order:
//
//	A1 0  cairo   (A2 replaces it)
//	C1 10 alex    (C2 replaces it)
//	C2 20 alex
//	B1 30 cairo
//	D1 45 ""
//	A2 60 cairo   (seen again at 90)
func scanFixture(t *testing.T, a store.Archive) map[string]string {
	urls := map[string]string{
		"A": "https://cairo.example/news/1",
		"B": "https://cairo.example/news/2",
		"C": "https://alex.example/story/1",
		"D": "https://other.example/post",
	}
	put(t, a,
		snap(urls["A"], "cairo", at(0), "sha256:a1"),
		snap(urls["C"], "alex", at(10), "sha256:c1"),
		snap(urls["C"], "alex", at(20), "sha256:c2"),
		snap(urls["B"], "cairo", at(30), "sha256:b1"),
		snap(urls["D"], "", at(45), "sha256:d1"),
		snap(urls["A"], "cairo", at(60), "sha256:a2"),
		snap(urls["A"], "cairo", at(90), "sha256:a2"),
	)
	return urls
}

func testScan(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	urls := scanFixture(t, a)
	cairoTime := time.FixedZone("EEST", 3*60*60)
	tests := []struct {
		name string
		f    store.Filter
		want []string // "A2": URL A, version 2, in the order fn sees them
	}{
		{"latest of all", store.Filter{}, []string{"C2", "B1", "D1", "A2"}},
		{"all versions", store.Filter{AllVersions: true}, []string{"A1", "C1", "C2", "B1", "D1", "A2"}},
		{"site, latest", store.Filter{Site: "cairo"}, []string{"B1", "A2"}},
		{"site, all versions", store.Filter{Site: "cairo", AllVersions: true}, []string{"A1", "B1", "A2"}},
		{"other site", store.Filter{Site: "alex"}, []string{"C2"}},
		{"unknown site", store.Filter{Site: "nowhere"}, nil},
		{"site that prefixes another", store.Filter{Site: "cai"}, nil},
		{"since is inclusive, until exclusive", store.Filter{Since: at(20), Until: at(60)}, []string{"C2", "B1", "D1"}},
		{"a range holding only replaced versions", store.Filter{Since: at(0), Until: at(15)}, nil},
		{"the same range, all versions", store.Filter{Since: at(0), Until: at(15), AllVersions: true}, []string{"A1", "C1"}},
		{"since only", store.Filter{Since: at(50)}, []string{"A2"}},
		{"until only, all versions", store.Filter{Until: at(30), AllVersions: true}, []string{"A1", "C1", "C2"}},
		{"range on FetchedAt, not LastSeen", store.Filter{Since: at(61)}, nil},
		{"site and range", store.Filter{Site: "cairo", Since: at(10), Until: at(60)}, []string{"B1"}},
		{"site and range, all versions", store.Filter{Site: "cairo", Since: at(0), Until: at(31), AllVersions: true}, []string{"A1", "B1"}},
		{"bounds in another zone", store.Filter{Since: at(20).In(cairoTime), Until: at(30).In(cairoTime)}, []string{"C2"}},
		{"since after until", store.Filter{Since: at(60), Until: at(20)}, nil},
		{"bounds far out", store.Filter{Since: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)},
			[]string{"C2", "B1", "D1", "A2"}},
	}
	short := map[string]string{}
	for k, u := range urls {
		short[u] = k
	}
	history := map[string]map[int]store.Version{}
	for k, u := range urls {
		vs, err := a.History(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		history[k] = map[int]store.Version{}
		for _, v := range vs {
			history[k][v.Version] = v
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range scanAll(t, a, tt.f) {
				k := short[s.V.URL]
				got = append(got, fmt.Sprintf("%s%d", k, s.V.Version))
				// Scan gives what History gives, and the version's own record.
				if diff := cmp.Diff(history[k][s.V.Version], s.V); diff != "" {
					t.Errorf("%s%d: Version differs from History's (-history +scan):\n%s", k, s.V.Version, diff)
				}
				if want := string(record(s.V.URL, s.V.ContentHash, s.V.FetchedAt)); s.Record != want {
					t.Errorf("%s%d: record %s, want %s", k, s.V.Version, s.Record, want)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%+v) (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

// testScanStop: an error from fn ends the scan and comes back as it is.
func testScanStop(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	scanFixture(t, a)
	stop := errors.New("enough")
	calls := 0
	err := a.Scan(context.Background(), store.Filter{AllVersions: true}, func(store.Version, []byte) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("Scan = %v after %d calls, want %v after 2", err, calls, stop)
	}
}

// testScanCancel: Scan honours its context, before and during the scan.
func testScanCancel(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	scanFixture(t, a)

	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := a.Scan(ctx, store.Filter{AllVersions: true}, func(store.Version, []byte) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Scan cancelled in fn = %v after %d calls, want context.Canceled after 1", err, calls)
	}

	calls = 0
	err = a.Scan(ctx, store.Filter{}, func(store.Version, []byte) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("Scan with a cancelled context = %v after %d calls, want context.Canceled after 0", err, calls)
	}
}
