package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/export"
	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/store"
)

// TestExportRecords checks that /api/v1/export gives the bytes
// export.Records gives for the same filter, and that the filters select
// what they should.
func TestExportRecords(t *testing.T) {
	db := fill(t)
	srv := serve(t, db, server.Options{})
	day := func(d int) time.Time { return t0.Truncate(24*time.Hour).AddDate(0, 0, d) }
	tests := []struct {
		query     string
		format    string
		filter    store.Filter
		wantCount int // records
	}{
		{"", "jsonl", store.Filter{}, 3},
		{"format=jsonl&all_versions=true", "jsonl", store.Filter{AllVersions: true}, 4},
		{"format=csv", "csv", store.Filter{}, 3},
		{"format=csv&all_versions=1&site=cairo", "csv", store.Filter{Site: "cairo", AllVersions: true}, 3},
		{"site=giza", "jsonl", store.Filter{Site: "giza"}, 1},
		{"site=nowhere", "jsonl", store.Filter{Site: "nowhere"}, 0},
		{"since=2026-03-02", "jsonl", store.Filter{Since: day(1)}, 2},
		{"until=2026-03-01", "jsonl", store.Filter{Until: day(1)}, 1},
		{"until=2026-03-01&all_versions=true", "jsonl", store.Filter{Until: day(1), AllVersions: true}, 2},
		{"since=2026-03-01T10:30:00Z&until=2026-03-02T10:00:00Z&all_versions=true", "jsonl",
			store.Filter{Since: t0.Add(30 * time.Minute), Until: t0.Add(24 * time.Hour), AllVersions: true}, 1},
		{"format=csv&since=2026-03-01T13:30:00%2B02:00&all_versions=false", "csv", store.Filter{Since: t0.Add(90 * time.Minute)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var want bytes.Buffer
			if err := export.Records(context.Background(), db, tt.filter, tt.format, &want); err != nil {
				t.Fatal(err)
			}
			code, h, got := get(t, srv, "/api/v1/export?"+tt.query, "")
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, got)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("body differs from export.Records:\ngot:\n%s\nwant:\n%s", got, want.Bytes())
			}
			var n int
			switch tt.format {
			case "csv":
				rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				n = len(rows) - 1
				if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
					t.Errorf("Content-Type %q", ct)
				}
			default:
				n = bytes.Count(got, []byte("\n"))
				if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/jsonl") {
					t.Errorf("Content-Type %q", ct)
				}
			}
			if n != tt.wantCount {
				t.Errorf("%d records, want %d:\n%s", n, tt.wantCount, got)
			}
		})
	}
}

// warcinfoVolatile are the warcinfo header lines that differ from one
// export to the next: its random record ID and the time of the export.
var warcinfoVolatile = regexp.MustCompile(`(?m)^(WARC-Record-ID|WARC-Date): [^\r\n]*\r\n`)

// stripWarcinfo blanks the first WARC-Record-ID and WARC-Date lines of an
// uncompressed WARC: those of its warcinfo record.
func stripWarcinfo(b []byte) string {
	n := 0
	return warcinfoVolatile.ReplaceAllStringFunc(string(b), func(s string) string {
		if n++; n <= 2 {
			return strings.SplitN(s, ":", 2)[0] + ": -\r\n"
		}
		return s
	})
}

// splitGzipWARC returns the first gzip member (the warcinfo record)
// decompressed, and the bytes of the other members as they are.
func splitGzipWARC(t *testing.T, b []byte) (string, []byte) {
	t.Helper()
	br := bytes.NewReader(b) // an io.ByteReader: gzip reads no further than the member
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	first, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return stripWarcinfo(first), b[len(b)-br.Len():]
}

// TestExportWARC checks /api/v1/export?format=warc against export.WARC:
// the same bytes but for the warcinfo record's ID and date.
func TestExportWARC(t *testing.T) {
	db := fill(t)
	sites := testSites(t)
	cfg := config.Default()
	srv := serve(t, db, server.Options{Config: cfg, Sites: func() []*config.Site { return sites }})
	tests := []struct {
		query    string
		filename string
		filter   store.Filter
		wantCT   string
		wantResp int // response records
	}{
		{"format=warc", "newsarc.warc.gz", store.Filter{}, "application/gzip", 4},
		{"format=warc&filename=cairo.warc", "cairo.warc", store.Filter{}, "application/warc", 4},
		{"format=warc&filename=x.warc.gz&site=giza", "x.warc.gz", store.Filter{Site: "giza"}, "application/gzip", 1},
		{"format=warc&filename=y.warc&since=2026-03-02&all_versions=true", "y.warc",
			store.Filter{Since: t0.Truncate(24*time.Hour).AddDate(0, 0, 1), AllVersions: true}, "application/warc", 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			gz := !strings.HasSuffix(tt.filename, ".warc")
			e := &export.WARC{Software: software, Config: cfg, Sites: sites, Filter: tt.filter, Filename: tt.filename, Gzip: gz}
			var want bytes.Buffer
			if _, err := e.Write(context.Background(), db, &want); err != nil {
				t.Fatal(err)
			}
			code, h, got := get(t, srv, "/api/v1/export?"+tt.query, "")
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, got)
			}
			if ct := h.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantCT)
			}
			if cd := h.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+tt.filename+`"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			var plain string
			if gz {
				gotInfo, gotRest := splitGzipWARC(t, got)
				wantInfo, wantRest := splitGzipWARC(t, want.Bytes())
				if gotInfo != wantInfo {
					t.Errorf("warcinfo differs:\ngot:\n%s\nwant:\n%s", gotInfo, wantInfo)
				}
				if !bytes.Equal(gotRest, wantRest) {
					t.Errorf("records after warcinfo differ (%d bytes, want %d)", len(gotRest), len(wantRest))
				}
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				plain = string(b)
			} else {
				if g, w := stripWarcinfo(got), stripWarcinfo(want.Bytes()); g != w {
					t.Errorf("WARC differs from export.WARC:\ngot:\n%s\nwant:\n%s", g, w)
				}
				plain = string(got)
			}
			if !strings.Contains(plain, "WARC-Filename: "+tt.filename+"\r\n") {
				t.Errorf("warcinfo does not name %s", tt.filename)
			}
			if !strings.Contains(plain, "software: "+software+"\r\n") || !strings.Contains(plain, "newsarc-site: cairo file=cairo.yaml") {
				t.Errorf("warcinfo lacks the software or the sites:\n%.600s", plain)
			}
			if n := strings.Count(plain, "WARC-Type: response\r\n"); n != tt.wantResp {
				t.Errorf("%d response records, want %d", n, tt.wantResp)
			}
		})
	}
}

func TestExportBadRequest(t *testing.T) {
	srv := serve(t, fill(t), server.Options{})
	tests := []struct{ query, want string }{
		{"format=xml", `format: "xml" is not jsonl, csv or warc`},
		{"format=cdxj", "cdxj is not served"},
		{"since=yesterday", `since: "yesterday" is neither RFC 3339`},
		{"until=2026-13-01", `until: "2026-13-01" is neither`},
		{"since=2026-03-01T12:00:00+02:00", "since: "}, // an unescaped + is a space
		{"all_versions=maybe", `all_versions: "maybe" is not true or false`},
		{"all-versions=true", `unknown parameter "all-versions"`},
		{"site=a&site=b", `parameter "site" given 2 times`},
		{"filename=x.warc", "filename goes with format=warc"},
		{"format=warc&filename=../x.warc", "is not a plain file name"},
		{"format=warc&filename=a%0D%0Ab.warc", "is not a plain file name"},
		{"a=%zz", "bad query string"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, h, body := get(t, srv, "/api/v1/export?"+tt.query, "")
			if code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", code, body)
			}
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("message %q does not say %q", body, tt.want)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// failingArchive serves n large records from Scan (and n fetches from
// Fetches) and then fails.
type failingArchive struct {
	store.Archive
	n int
}

var errDisk = errors.New("disk on fire")

func (f failingArchive) Scan(ctx context.Context, _ store.Filter, fn func(store.Version, []byte) error) error {
	rec := snap(urlA, "cairo", t0, "sha256:aa", strings.Repeat("كلمة ", 500)).Record
	for i := range f.n {
		if err := fn(store.Version{URL: urlA, Site: "cairo", Version: i + 1, FetchedAt: t0, FirstSeen: t0, LastSeen: t0, Seen: 1}, rec); err != nil {
			return err
		}
	}
	return errDisk
}

func (f failingArchive) Fetches(ctx context.Context, _ store.Filter, fn func(store.Fetch) error) error {
	return f.Scan(ctx, store.Filter{}, func(store.Version, []byte) error { return nil })
}

// TestExportFailsBeforeStreaming: an error before the first byte is a 500
// with its message, and logged.
func TestExportFailsBeforeStreaming(t *testing.T) {
	for _, q := range []string{"format=jsonl", "format=csv", "format=warc"} {
		t.Run(q, func(t *testing.T) {
			var logs logBuffer
			srv := serve(t, failingArchive{Archive: fill(t)}, server.Options{Logger: logs.logger()})
			code, h, body := get(t, srv, "/api/v1/export?"+q, "")
			// For WARC, the warcinfo record is written before the walk
			// fails, but it is still in the export's buffer: nothing was
			// sent yet.
			if code != http.StatusInternalServerError || !strings.Contains(string(body), "disk on fire") {
				t.Fatalf("status %d %q, want 500 saying disk on fire", code, body)
			}
			if h.Get("Trailer") != "" {
				t.Errorf("an error response announces a trailer: %q", h.Get("Trailer"))
			}
			if !strings.Contains(logs.String(), "export failed") {
				t.Errorf("not logged:\n%s", logs.String())
			}
		})
	}
}

// TestExportAbortsMidStream: an error after bytes were sent cuts the
// transfer, so that the client's read fails instead of ending cleanly.
func TestExportAbortsMidStream(t *testing.T) {
	var logs logBuffer
	srv := serve(t, failingArchive{Archive: fill(t), n: 100}, server.Options{Logger: logs.logger()})
	resp, err := http.Get(srv.URL + "/api/v1/export?format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Fatalf("read %d bytes and no error: a cut export looked complete", n)
	}
	if n == 0 {
		t.Errorf("nothing was streamed before the error")
	}
	if resp.Trailer.Get("Newsarc-Export") != "" {
		t.Errorf("a cut export carries the completion trailer")
	}
	// The log line is written when the handler ends, which may be after
	// the client saw the cut.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "disk on fire") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if l := logs.String(); !strings.Contains(l, "export failed") || !strings.Contains(l, "disk on fire") || !strings.Contains(l, "aborted=true") {
		t.Errorf("the failure and the aborted request are not logged:\n%s", l)
	}
}

// TestExportTrailer: a complete export says so in its trailer.
func TestExportTrailer(t *testing.T) {
	srv := serve(t, fill(t), server.Options{})
	for _, q := range []string{"format=jsonl", "site=nowhere"} {
		resp, err := http.Get(srv.URL + "/api/v1/export?" + q)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got := resp.Trailer.Get("Newsarc-Export"); got != "complete" {
			t.Errorf("%s: trailer Newsarc-Export = %q, want complete", q, got)
		}
	}
}
