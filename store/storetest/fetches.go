package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/store"
)

// testReextract: a re-extraction from a stored capture stores no capture
// of its own; Capture, Request and Fetches give its Source's.
func testReextract(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	amp := urlA + "?amp=1"
	first := snap(urlA, "cairo", at(0), "sha256:aa")
	first.TargetURI, first.PayloadDigest, first.Request, first.ETag = amp, "sha1:P1", request(amp, at(0)), `"e1"`
	put(t, a, first)

	// As reextract does: the source's fetch time, target and validators,
	// no capture.
	reextract := func(hash string, source int) store.Snapshot {
		s := snap(urlA, "cairo", at(0), hash)
		s.Origin, s.Source, s.Capture = store.OriginReextract, source, nil
		s.TargetURI, s.PayloadDigest, s.ETag = amp, "sha1:P1", `"e1"`
		return s
	}
	outs := put(t, a, reextract("sha256:bb", 1), reextract("sha256:cc", 2)) // the second from the first
	if diff := cmp.Diff([]store.Outcome{{Version: 2, New: true, Seen: 1}, {Version: 3, New: true, Seen: 1}}, outs); diff != "" {
		t.Errorf("Put outcomes (-want +got):\n%s", diff)
	}
	for v := 1; v <= 3; v++ {
		if c, err := a.Capture(ctx, urlA, v); err != nil || !bytes.Equal(c, first.Capture) {
			t.Errorf("Capture(v%d) = %.40q, %v; want the capture of v1", v, c, err)
		}
		if r, err := a.Request(ctx, urlA, v); err != nil || !bytes.Equal(r, first.Request) {
			t.Errorf("Request(v%d) = %q, %v; want the request of v1", v, r, err)
		}
	}
	// The validators of the version replaced follow the content: a 304
	// counts against the latest version, as a fetch of the same page would.
	if v, err := a.Validators(ctx, amp); err != nil || v != (store.Validators{URL: urlA, Version: 3, ETag: `"e1"`}) {
		t.Errorf("Validators after reextract = %+v, %v; want version 3", v, err)
	}

	// A re-extraction that finds the latest content again changes nothing:
	// it fetched nothing.
	if out, err := a.Put(ctx, reextract("sha256:cc", 1)); err != nil || out != (store.Outcome{Version: 3, Seen: 1}) {
		t.Errorf("reextract with the latest hash = %+v, %v; want version 3 seen 1", out, err)
	}
	// A source that does not exist, or a source without the reextract origin.
	bad := []store.Snapshot{reextract("sha256:dd", 9), reextract("sha256:dd", -1), reextract("sha256:dd", 0)}
	bad[2].Source = 1
	bad[2].Origin = store.OriginCrawl
	for _, s := range bad {
		if out, err := a.Put(ctx, s); err == nil {
			t.Errorf("Put(origin %s, source %d) = %+v, want an error", s.Origin, s.Source, out)
		}
	}

	// A fetch with v3's content and v1's bytes, and a 304, refer to v1's response.
	again := snap(urlA, "cairo", at(10), "sha256:cc")
	again.PayloadDigest, again.TargetURI = "sha1:P1", amp
	put(t, a, again)
	if _, err := a.Revisit(ctx, store.Revisit{URL: urlA, Version: 3, FetchedAt: at(20), Kind: store.FetchNotModified,
		TargetURI: amp, Capture: []byte("HTTP/1.1 304 Not Modified\r\n\r\n")}); err != nil {
		t.Fatal(err)
	}

	h := history(t, a, urlA)
	if len(h) != 3 || h[1].Origin != store.OriginReextract || h[2].Seen != 3 || h[0].Seen != 1 {
		t.Fatalf("History = %+v; want 3 versions, v2 reextract, v3 seen 3, v1 seen 1", h)
	}
	var got []string
	for _, f := range fetchAll(t, a, store.Filter{}) {
		got = append(got, fmt.Sprintf("%s v%d source %d original v%d@%s %s, %s target %s capture %d request %d",
			f.Kind, f.Version, f.Source, f.Original.Version, f.Original.FetchedAt.Format("15:04"), f.OriginalTarget,
			f.PayloadDigest, f.TargetURI, len(f.Capture), len(f.Request)))
		if f.Kind == store.FetchVersion && f.Original.Version != 0 && !cmp.Equal(f.Original, h[0]) {
			t.Errorf("v%d: Original = %+v, want %+v", f.Version, f.Original, h[0])
		}
	}
	want := []string{
		fmt.Sprintf("version v1 source 0 original v0@00:00 , sha1:P1 target %s capture %d request %d", amp, len(first.Capture), len(first.Request)),
		fmt.Sprintf("version v2 source 1 original v1@12:00 %s, sha1:P1 target %s capture 0 request 0", amp, amp),
		fmt.Sprintf("version v3 source 1 original v1@12:00 %s, sha1:P1 target %s capture 0 request 0", amp, amp),
		fmt.Sprintf("identical v3 source 0 original v1@12:00 %s, sha1:P1 target %s capture %d request 0", amp, amp, len(headOf(again.Capture))),
		fmt.Sprintf("not-modified v3 source 0 original v1@12:00 %s, sha1:P1 target %s capture 29 request 0", amp, amp),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fetches (-want +got):\n%s", diff)
	}
}

// fetchesFixture fills a with versions and revisits of two URLs of two
// sites. In FetchedAt order:
//
//	0   A1  cairo  version
//	10  B1  alex   version
//	20  A1  revisit (identical)
//	30  A2  version          \ a tie: the version first, although
//	30  B1  revisit (different) / B's URL sorts first
//	40  A1  revisit (304) of a version that is no longer the latest
//	50  B1  revisit (304)    \ a tie of revisits: by URL
//	50  A2  revisit (304)    /
func fetchesFixture(t *testing.T, a store.Archive) (urlA, urlB string) {
	urlA, urlB = "https://cairo.example/news/1", "https://alex.example/story/1"
	s := func(url, site string, minute int, hash, digest string) store.Snapshot {
		s := snap(url, site, at(minute), hash)
		s.PayloadDigest = digest
		return s
	}
	put(t, a,
		s(urlA, "cairo", 0, "sha256:a1", "sha1:A1"),
		s(urlB, "alex", 10, "sha256:b1", "sha1:B1"),
		s(urlA, "cairo", 20, "sha256:a1", "sha1:A1"),
		s(urlB, "alex", 30, "sha256:b1", "sha1:B1b"),
		s(urlA, "cairo", 30, "sha256:a2", "sha1:A2"),
	)
	for _, r := range []struct {
		url       string
		v, minute int
	}{{urlA, 1, 40}, {urlA, 2, 50}, {urlB, 1, 50}} {
		_, err := a.Revisit(context.Background(), store.Revisit{URL: r.url, Version: r.v, FetchedAt: at(r.minute),
			Kind: store.FetchNotModified, Capture: []byte("HTTP/1.1 304 Not Modified\r\n\r\n")})
		if err != nil {
			t.Fatal(err)
		}
	}
	return urlA, urlB
}

func testFetches(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	urlA, urlB := fetchesFixture(t, a)
	short := map[string]string{urlA: "A", urlB: "B"}
	tests := []struct {
		name string
		f    store.Filter
		want []string // "A1@20 identical": URL A, version 1, minute 20
	}{
		{"all", store.Filter{}, []string{"A1@0 version", "B1@10 version", "A1@20 identical", "A2@30 version",
			"B1@30 different", "A1@40 not-modified", "B1@50 not-modified", "A2@50 not-modified"}},
		{"all versions is ignored", store.Filter{AllVersions: true}, []string{"A1@0 version", "B1@10 version",
			"A1@20 identical", "A2@30 version", "B1@30 different", "A1@40 not-modified", "B1@50 not-modified", "A2@50 not-modified"}},
		{"window: a revisit of a version before it", store.Filter{Since: at(30), Until: at(50)},
			[]string{"A2@30 version", "B1@30 different", "A1@40 not-modified"}},
		{"window of revisits only", store.Filter{Since: at(15), Until: at(25)}, []string{"A1@20 identical"}},
		{"until is exclusive", store.Filter{Until: at(10)}, []string{"A1@0 version"}},
		{"since only", store.Filter{Since: at(41)}, []string{"B1@50 not-modified", "A2@50 not-modified"}},
		{"site", store.Filter{Site: "cairo"}, []string{"A1@0 version", "A1@20 identical", "A2@30 version",
			"A1@40 not-modified", "A2@50 not-modified"}},
		{"site and window", store.Filter{Site: "alex", Since: at(30)}, []string{"B1@30 different", "B1@50 not-modified"}},
		{"site that prefixes another", store.Filter{Site: "cai"}, nil},
		{"empty window", store.Filter{Since: at(60)}, nil},
		{"since after until", store.Filter{Since: at(50), Until: at(20)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range fetchAll(t, a, tt.f) {
				got = append(got, fmt.Sprintf("%s%d@%d %s", short[f.URL], f.Version, int(f.FetchedAt.Sub(at(0)).Minutes()), f.Kind))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Fetches(%+v) (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

// testFetchesStop: an error from fn ends the walk and comes back as it is;
// Fetches honours its context.
func testFetchesStop(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	fetchesFixture(t, a)
	stop := errors.New("enough")
	calls := 0
	err := a.Fetches(context.Background(), store.Filter{}, func(store.Fetch) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("Fetches = %v after %d calls, want %v after 3", err, calls, stop)
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = a.Fetches(ctx, store.Filter{}, func(store.Fetch) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Fetches cancelled in fn = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}
