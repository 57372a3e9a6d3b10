// Package storetest is the conformance suite for store.Archive: every
// backend runs it from its own tests, as litestream runs one suite over all
// its replica clients.
//
//	func TestArchive(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Archive { ... })
//	}
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

// Run runs the suite. open must return a new, empty archive for the test it
// is given and arrange its closing with t.Cleanup; the suite may close it
// first, so a second Close must be harmless.
func Run(t *testing.T, open func(t *testing.T) store.Archive) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) store.Archive)
	}{
		{"Put", testPut},
		{"PutInvalid", testPutInvalid},
		{"PutCancelled", testPutCancelled},
		{"History", testHistory},
		{"RecordCapture", testRecordCapture},
		{"NotFound", testNotFound},
		{"Scan", testScan},
		{"ScanStop", testScanStop},
		{"ScanCancel", testScanCancel},
		{"ConcurrentPuts", testConcurrentPuts},
		{"RevisitKinds", testRevisitKinds},
		{"Revisit", testRevisit},
		{"RevisitInvalid", testRevisitInvalid},
		{"RevisitSameTime", testRevisitSameTime},
		{"Validators", testValidators},
		{"HasFetch", testHasFetch},
		{"Request", testRequest},
		{"Reextract", testReextract},
		{"Fetches", testFetches},
		{"FetchesStop", testFetchesStop},
		{"RevisitPlans", testRevisitPlans},
		{"RevisitsFailed", testRevisitsFailed},
		{"RevisitsRetry", testRevisitsRetry},
		{"RevisitPutOff", testRevisitPutOff},
		{"Close", testClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// t0 is the suite's epoch; at(n) is n minutes after it.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

// snap builds a snapshot whose record and capture name its URL and hash, so
// that a test can tell which fetch they came from.
func snap(url, site string, t time.Time, hash string) store.Snapshot {
	return store.Snapshot{
		URL:         url,
		Site:        site,
		FetchedAt:   t,
		ContentHash: hash,
		Record:      record(url, hash, t),
		Capture:     capture(url, hash, t),
	}
}

func record(url, hash string, t time.Time) []byte {
	return fmt.Appendf(nil, `{"url":%q,"content_hash":%q,"fetched_at":%q,"headline":"خبر عاجل"}`, url, hash, t.Format(time.RFC3339Nano))
}

func capture(url, hash string, t time.Time) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nDate: %s\r\n\r\n<html dir=rtl><h1>%s</h1><p>%s</p></html>",
		t.Format(time.RFC1123), hash, url)
}

// put puts each snapshot and fails the test on an error.
func put(t *testing.T, a store.Archive, snaps ...store.Snapshot) []store.Outcome {
	t.Helper()
	outs := make([]store.Outcome, 0, len(snaps))
	for _, s := range snaps {
		out, err := a.Put(context.Background(), s)
		if err != nil {
			t.Fatalf("Put(%s, %s, %s): %v", s.URL, s.ContentHash, s.FetchedAt, err)
		}
		outs = append(outs, out)
	}
	return outs
}

// scanned is what Scan passed to fn, with the record copied.
type scanned struct {
	V      store.Version
	Record string
}

func scanAll(t *testing.T, a store.Archive, f store.Filter) []scanned {
	t.Helper()
	var got []scanned
	err := a.Scan(context.Background(), f, func(v store.Version, rec []byte) error {
		got = append(got, scanned{v, string(rec)})
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%+v): %v", f, err)
	}
	return got
}

// fetched is what Fetches passed to fn, with the bytes copied as strings.
type fetched struct {
	Kind                     store.FetchKind
	URL, Site                string
	Version                  int
	FetchedAt                time.Time
	TargetURI, PayloadDigest string
	Origin                   store.Origin
	Source                   int
	Request, Capture, Record string
	Original                 store.Version
	OriginalTarget           string
}

func fetchAll(t *testing.T, a store.Archive, f store.Filter) []fetched {
	t.Helper()
	var got []fetched
	err := a.Fetches(context.Background(), f, func(fe store.Fetch) error {
		got = append(got, fetched{
			Kind: fe.Kind, URL: fe.URL, Site: fe.Site, Version: fe.Version, FetchedAt: fe.FetchedAt,
			TargetURI: fe.TargetURI, PayloadDigest: fe.PayloadDigest, Origin: fe.Origin, Source: fe.Source,
			Request: string(fe.Request), Capture: string(fe.Capture), Record: string(fe.Record),
			Original: fe.Original, OriginalTarget: fe.OriginalTarget,
		})
		return nil
	})
	if err != nil {
		t.Fatalf("Fetches(%+v): %v", f, err)
	}
	return got
}

// history returns url's versions and fails the test on an error.
func history(t *testing.T, a store.Archive, url string) []store.Version {
	t.Helper()
	h, err := a.History(context.Background(), url)
	if err != nil {
		t.Fatalf("History(%s): %v", url, err)
	}
	return h
}

// request is the request head of a fetch of url at t.
func request(url string, t time.Time) []byte {
	return fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: news.example\r\nX-At: %s\r\n\r\n", url, t.Format(time.RFC3339Nano))
}

// headOf is the capture up to and including its blank line.
func headOf(capture []byte) string {
	i := bytes.Index(capture, []byte("\r\n\r\n"))
	if i < 0 {
		panic("capture without a head")
	}
	return string(capture[:i+4])
}
