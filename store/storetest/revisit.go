package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/store"
)

// testRevisitKinds: a Put with the latest version's hash is logged as
// identical when its payload digest is the version's (head kept), as
// different otherwise (whole capture kept); Revisit logs 304s and imported
// revisit records with their head.
func testRevisitKinds(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	amp := urlA + "?amp=1"
	first := snap(urlA, "cairo", at(0), "sha256:aa")
	first.TargetURI, first.PayloadDigest, first.Request = amp, "sha1:P1", request(amp, at(0))

	same := snap(urlA, "cairo", at(10), "sha256:aa") // same body bytes
	same.PayloadDigest, same.Request = "sha1:P1", request(urlA, at(10))
	same.TargetURI = urlA // the URL itself: reported as the URL

	other := snap(urlA, "cairo", at(20), "sha256:aa") // the sidebar changed
	other.PayloadDigest, other.Origin = "sha1:P2", store.OriginImport

	unknown := snap(urlA, "cairo", at(25), "sha256:aa") // no digest: cannot be identical
	unknown.TargetURI = amp

	outs := put(t, a, first, same, other, unknown)
	want := []store.Outcome{{Version: 1, New: true, Seen: 1}, {Version: 1, Seen: 2}, {Version: 1, Seen: 3}, {Version: 1, Seen: 4}}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Errorf("Put outcomes (-want +got):\n%s", diff)
	}

	notModified := store.Revisit{URL: urlA, Version: 1, FetchedAt: at(30), Kind: store.FetchNotModified, TargetURI: amp,
		Request: request(amp, at(30)), Capture: []byte("HTTP/1.1 304 Not Modified\r\nEtag: \"x\"\r\n\r\n")}
	imported := store.Revisit{URL: urlA, Version: 1, FetchedAt: at(40), Kind: store.FetchIdentical,
		Capture: capture(urlA, "sha256:aa", at(40)), Origin: store.OriginImport} // a whole response: only its head is kept
	for i, r := range []store.Revisit{notModified, imported} {
		out, err := a.Revisit(ctx, r)
		if want := (store.Outcome{Version: 1, Seen: 5 + i}); err != nil || out != want {
			t.Errorf("Revisit(%s at %s) = %+v, %v; want %+v", r.Kind, r.FetchedAt, out, err, want)
		}
	}

	v1 := store.Version{URL: urlA, Site: "cairo", Version: 1, FetchedAt: at(0), FirstSeen: at(0), LastSeen: at(40), Seen: 6,
		ContentHash: "sha256:aa", Origin: store.OriginCrawl}
	if diff := cmp.Diff([]store.Version{v1}, history(t, a, urlA)); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
	rec := string(record(urlA, "sha256:aa", at(0))) // the version's, for every fetch
	revisit := func(kind store.FetchKind, minute int, target, digest string, origin store.Origin, req, capt string) fetched {
		return fetched{Kind: kind, URL: urlA, Site: "cairo", Version: 1, FetchedAt: at(minute), TargetURI: target,
			PayloadDigest: digest, Origin: origin, Request: req, Capture: capt, Record: rec, Original: v1, OriginalTarget: amp}
	}
	wantFetches := []fetched{
		{Kind: store.FetchVersion, URL: urlA, Site: "cairo", Version: 1, FetchedAt: at(0), TargetURI: amp,
			PayloadDigest: "sha1:P1", Origin: store.OriginCrawl, Request: string(first.Request),
			Capture: string(first.Capture), Record: rec},
		revisit(store.FetchIdentical, 10, urlA, "sha1:P1", store.OriginCrawl, string(same.Request), headOf(same.Capture)),
		revisit(store.FetchDifferent, 20, urlA, "sha1:P2", store.OriginImport, "", string(other.Capture)),
		revisit(store.FetchDifferent, 25, amp, "", store.OriginCrawl, "", string(unknown.Capture)),
		revisit(store.FetchNotModified, 30, amp, "sha1:P1", store.OriginCrawl, string(notModified.Request), string(notModified.Capture)),
		revisit(store.FetchIdentical, 40, urlA, "sha1:P1", store.OriginImport, "", headOf(imported.Capture)),
	}
	if diff := cmp.Diff(wantFetches, fetchAll(t, a, store.Filter{})); diff != "" {
		t.Errorf("Fetches (-want +got):\n%s", diff)
	}
}

// testRevisit: Revisit counts against the version it names, latest or
// not, and refuses a version that does not exist.
func testRevisit(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	put(t, a, snap(urlA, "cairo", at(10), "sha256:aa"), snap(urlA, "cairo", at(20), "sha256:bb"))
	head := []byte("HTTP/1.1 304 Not Modified\r\n\r\n")
	rv := func(v, minute int) store.Revisit {
		return store.Revisit{URL: urlA, Version: v, FetchedAt: at(minute), Kind: store.FetchNotModified, Capture: head}
	}
	for _, tt := range []struct {
		r    store.Revisit
		want store.Outcome
	}{
		{rv(1, 30), store.Outcome{Version: 1, Seen: 2}}, // not the latest
		{rv(1, 5), store.Outcome{Version: 1, Seen: 3}},  // earlier than its fetch: first seen moves
		{rv(2, 40), store.Outcome{Version: 2, Seen: 2}},
	} {
		out, err := a.Revisit(ctx, tt.r)
		if err != nil || out != tt.want {
			t.Errorf("Revisit(v%d at %s) = %+v, %v; want %+v", tt.r.Version, tt.r.FetchedAt, out, err, tt.want)
		}
	}
	before := history(t, a, urlA)
	want := []store.Version{
		{URL: urlA, Site: "cairo", Version: 1, FetchedAt: at(10), FirstSeen: at(5), LastSeen: at(30), Seen: 3,
			ContentHash: "sha256:aa", Origin: store.OriginCrawl},
		{URL: urlA, Site: "cairo", Version: 2, FetchedAt: at(20), FirstSeen: at(20), LastSeen: at(40), Seen: 2,
			ContentHash: "sha256:bb", Origin: store.OriginCrawl},
	}
	if diff := cmp.Diff(want, before); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
	fetches := fetchAll(t, a, store.Filter{})
	if len(fetches) != 5 {
		t.Errorf("Fetches gives %d fetches, want 5", len(fetches))
	}

	missing := []store.Revisit{rv(3, 50), rv(0, 50), rv(-1, 50), {URL: urlB, Version: 1, FetchedAt: at(50), Kind: store.FetchNotModified}}
	for _, r := range missing {
		if out, err := a.Revisit(ctx, r); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Revisit(%s v%d) = %+v, %v; want ErrNotFound", r.URL, r.Version, out, err)
		}
	}
	if diff := cmp.Diff(before, history(t, a, urlA)); diff != "" {
		t.Errorf("History after refused Revisits (-before +after):\n%s", diff)
	}
	if got := fetchAll(t, a, store.Filter{}); len(got) != len(fetches) {
		t.Errorf("after refused Revisits, Fetches gives %d fetches, want %d", len(got), len(fetches))
	}
}

// testRevisitInvalid: what Revisit cannot log is refused.
func testRevisitInvalid(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	put(t, a, snap(urlA, "cairo", at(0), "sha256:aa"))
	tests := []struct {
		name string
		edit func(r *store.Revisit)
	}{
		{"empty url", func(r *store.Revisit) { r.URL = "" }},
		{"zero fetch time", func(r *store.Revisit) { r.FetchedAt = time.Time{} }},
		{"kind different", func(r *store.Revisit) { r.Kind = store.FetchDifferent }},
		{"kind version", func(r *store.Revisit) { r.Kind = store.FetchVersion }},
		{"no kind", func(r *store.Revisit) { r.Kind = "" }},
		{"origin reextract", func(r *store.Revisit) { r.Origin = store.OriginReextract }},
	}
	for _, tt := range tests {
		r := store.Revisit{URL: urlA, Version: 1, FetchedAt: at(10), Kind: store.FetchNotModified, Capture: []byte("HTTP/1.1 304 Not Modified\r\n\r\n")}
		tt.edit(&r)
		if out, err := a.Revisit(context.Background(), r); err == nil {
			t.Errorf("%s: Revisit = %+v, want an error", tt.name, out)
		}
	}
	if h := history(t, a, urlA); h[0].Seen != 1 {
		t.Errorf("after refused Revisits, Seen = %d, want 1", h[0].Seen)
	}
	if got := fetchAll(t, a, store.Filter{}); len(got) != 1 {
		t.Errorf("after refused Revisits, Fetches gives %d fetches, want 1", len(got))
	}
}

// testRevisitSameTime: revisits of one version at the same instant are all
// kept, each a nanosecond after the one before.
func testRevisitSameTime(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	first := snap(urlA, "cairo", at(0), "sha256:aa")
	first.PayloadDigest = "sha1:P1"
	again := snap(urlA, "cairo", at(5), "sha256:aa")
	again.PayloadDigest = "sha1:P1"
	put(t, a, first, again)
	for range 2 {
		r := store.Revisit{URL: urlA, Version: 1, FetchedAt: at(5), Kind: store.FetchNotModified, Capture: []byte("HTTP/1.1 304 Not Modified\r\n\r\n")}
		if _, err := a.Revisit(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, f := range fetchAll(t, a, store.Filter{Since: at(5)}) {
		got = append(got, string(f.Kind)+" +"+f.FetchedAt.Sub(at(5)).String())
	}
	want := []string{"identical +0s", "not-modified +1ns", "not-modified +2ns"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("revisits at one instant (-want +got):\n%s", diff)
	}
	if h := history(t, a, urlA); h[0].Seen != 4 || !h[0].LastSeen.Equal(at(5)) {
		t.Errorf("Seen %d, LastSeen %s; want 4, %s", h[0].Seen, h[0].LastSeen, at(5))
	}
}

// testValidators: kept per target URI by the last fetch of it, with the
// version it was counted against; a fetch without any deletes them; a 304
// leaves them.
func testValidators(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	mobile := "https://m.news.example/news/1"
	get := func(target string) (store.Validators, error) { return a.Validators(ctx, target) }
	if v, err := get(urlA); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Validators of an empty archive = %+v, %v; want ErrNotFound", v, err)
	}
	fetch := func(target string, minute int, hash, etag, lastMod string) store.Snapshot {
		s := snap(urlA, "cairo", at(minute), hash)
		s.TargetURI, s.ETag, s.LastModified = target, etag, lastMod
		return s
	}
	steps := []struct {
		name   string
		do     func()
		target string
		want   *store.Validators // nil: ErrNotFound
	}{
		{"new version", func() { put(t, a, fetch("", 0, "sha256:aa", `"e1"`, "lm1")) },
			urlA, &store.Validators{URL: urlA, Version: 1, ETag: `"e1"`, LastModified: "lm1"}},
		{"seen again, new etag, no last-modified", func() { put(t, a, fetch(urlA, 10, "sha256:aa", `"e2"`, "")) },
			urlA, &store.Validators{URL: urlA, Version: 1, ETag: `"e2"`}},
		{"other target, new version", func() { put(t, a, fetch(mobile, 20, "sha256:bb", "", "lm3")) },
			mobile, &store.Validators{URL: urlA, Version: 2, LastModified: "lm3"}},
		{"the first target keeps its own", func() {},
			urlA, &store.Validators{URL: urlA, Version: 1, ETag: `"e2"`}},
		{"a 304 leaves them", func() {
			r := store.Revisit{URL: urlA, Version: 2, FetchedAt: at(30), Kind: store.FetchNotModified, TargetURI: mobile}
			if _, err := a.Revisit(ctx, r); err != nil {
				t.Fatal(err)
			}
		}, mobile, &store.Validators{URL: urlA, Version: 2, LastModified: "lm3"}},
		{"a fetch without validators deletes them", func() { put(t, a, fetch(urlA, 40, "sha256:bb", "", "")) },
			urlA, nil},
		{"of its own target only", func() {},
			mobile, &store.Validators{URL: urlA, Version: 2, LastModified: "lm3"}},
		{"set again", func() { put(t, a, fetch(urlA, 50, "sha256:cc", `"e5"`, "")) },
			urlA, &store.Validators{URL: urlA, Version: 3, ETag: `"e5"`}},
		{"an older fetch (an imported capture) does not replace them", func() { put(t, a, fetch(urlA, 45, "sha256:cc", `"old"`, "")) },
			urlA, &store.Validators{URL: urlA, Version: 3, ETag: `"e5"`}},
		{"nor delete them", func() { put(t, a, fetch(urlA, 46, "sha256:cc", "", "")) },
			urlA, &store.Validators{URL: urlA, Version: 3, ETag: `"e5"`}},
	}
	for _, st := range steps {
		st.do()
		got, err := get(st.target)
		switch {
		case st.want == nil && !errors.Is(err, store.ErrNotFound):
			t.Errorf("%s: Validators(%s) = %+v, %v; want ErrNotFound", st.name, st.target, got, err)
		case st.want != nil && (err != nil || got != *st.want):
			t.Errorf("%s: Validators(%s) = %+v, %v; want %+v", st.name, st.target, got, err, *st.want)
		}
	}
	if v, err := get(""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Validators(\"\") = %+v, %v; want ErrNotFound", v, err)
	}
}

// testRequest: the request head of a version's fetch, when there was one.
func testRequest(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	with := snap(urlA, "cairo", at(0), "sha256:aa")
	with.Request = request(urlA, at(0))
	put(t, a, with, snap(urlA, "cairo", at(10), "sha256:bb"))

	got, err := a.Request(ctx, urlA, 1)
	if err != nil || string(got) != string(with.Request) {
		t.Errorf("Request(v1) = %q, %v; want %q", got, err, with.Request)
	}
	for i := range got {
		got[i] = 'x' // a copy
	}
	if again, _ := a.Request(ctx, urlA, 1); string(again) != string(with.Request) {
		t.Errorf("Request after changing a returned one = %q", again)
	}
	if got, err := a.Request(ctx, urlA, 2); got != nil || err != nil {
		t.Errorf("Request of a version stored without one = %q, %v; want nil, nil", got, err)
	}
	for _, v := range []int{0, 3} {
		if got, err := a.Request(ctx, urlA, v); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Request(v%d) = %q, %v; want ErrNotFound", v, got, err)
		}
	}
	if got, err := a.Request(ctx, urlB, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Request of an unknown url = %q, %v; want ErrNotFound", got, err)
	}
}

// testHasFetch: every kept fetch is found at its exact time, and nothing
// else.
func testHasFetch(t *testing.T, open func(t *testing.T) store.Archive) {
	a := open(t)
	ctx := context.Background()
	put(t, a, snap(urlA, "cairo", at(0), "sha256:aa"))
	put(t, a, snap(urlA, "cairo", at(10), "sha256:aa")) // a revisit
	if _, err := a.Revisit(ctx, store.Revisit{URL: urlA, Version: 1, FetchedAt: at(20), Kind: store.FetchNotModified}); err != nil {
		t.Fatal(err)
	}
	put(t, a, snap(urlB, "cairo", at(30), "sha256:bb"))
	for _, c := range []struct {
		url  string
		at   time.Time
		want bool
	}{
		{urlA, at(0), true}, {urlA, at(10), true}, {urlA, at(20), true}, {urlB, at(30), true},
		{urlA, at(30), false}, {urlB, at(0), false}, {urlA, at(0).Add(time.Nanosecond), false},
		{urlA + "x", at(0), false}, {"https://news.example/news/", at(0), false},
	} {
		got, err := a.HasFetch(ctx, c.url, c.at)
		if err != nil || got != c.want {
			t.Errorf("HasFetch(%s, %s) = %v, %v; want %v", c.url, c.at.Format(time.RFC3339Nano), got, err, c.want)
		}
	}
}
