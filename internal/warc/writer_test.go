package warc_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"

	"github.com/newsarc/newsarc/internal/warc"
)

func readAll(t *testing.T, data []byte) []*warc.Record {
	t.Helper()
	r, err := warc.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*warc.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

func TestWriterRoundTrip(t *testing.T) {
	for _, gz := range []bool{true, false} {
		t.Run(map[bool]string{true: "gzip", false: "plain"}[gz], func(t *testing.T) {
			f := writeFixture(t, gz)
			if gz && !bytes.HasPrefix(f.data, []byte{0x1f, 0x8b}) {
				t.Fatal("gzip output does not start with gzip magic")
			}
			// Records are contiguous and cover the whole output.
			var end int64
			for i, w := range f.written {
				if w.Offset != end {
					t.Errorf("record %d (%s) at offset %d, want %d", i, w.Type, w.Offset, end)
				}
				end = w.Offset + w.Length
				if !gz {
					end += 4 // CRLF CRLF, not counted in Length
				}
			}
			if end != int64(len(f.data)) {
				t.Errorf("records end at %d, output is %d bytes", end, len(f.data))
			}

			recs := readAll(t, f.data)
			if len(recs) != len(f.written) {
				t.Fatalf("read %d records, wrote %d", len(recs), len(f.written))
			}
			byID := map[string]*warc.Record{}
			for i, rec := range recs {
				w, want := f.written[i], f.want[i]
				byID[rec.ID] = rec
				if rec.Version != "WARC/1.1" {
					t.Errorf("record %d: version %q", i, rec.Version)
				}
				if rec.Type != want.typ || rec.Type != w.Type {
					t.Errorf("record %d: type %q, written %q, want %q", i, rec.Type, w.Type, want.typ)
				}
				if rec.ID != w.ID {
					t.Errorf("record %d: id %q, written %q", i, rec.ID, w.ID)
				}
				if rec.Offset != w.Offset || rec.Length != w.Length {
					t.Errorf("record %d: at %d+%d, written at %d+%d", i, rec.Offset, rec.Length, w.Offset, w.Length)
				}
				if rec.TargetURI != want.uri {
					t.Errorf("record %d: target %q, want %q", i, rec.TargetURI, want.uri)
				}
				if !rec.Date.Equal(want.date) {
					t.Errorf("record %d: date %s, want %s (nanoseconds must survive)", i, rec.Date.Format(time.RFC3339Nano), want.date.Format(time.RFC3339Nano))
				}
				if len(rec.Warnings) > 0 {
					t.Errorf("record %d (%s): warnings %v", i, rec.Type, rec.Warnings)
				}
				switch rec.Type {
				case "response":
					if rec.HTTP == nil {
						t.Fatalf("record %d: no HTTP response", i)
					}
					if rec.HTTP.Status != want.status || !bytes.Equal(rec.HTTP.Body, want.body) {
						t.Errorf("record %d: status %d body %q, want %d %q", i, rec.HTTP.Status, rec.HTTP.Body, want.status, want.body)
					}
					if rec.PayloadDigest != warc.Digest(want.body) {
						t.Errorf("record %d: payload digest %s, want %s", i, rec.PayloadDigest, warc.Digest(want.body))
					}
					if rec.BlockDigest != warc.Digest(rec.Block) {
						t.Errorf("record %d: block digest %s, want %s", i, rec.BlockDigest, warc.Digest(rec.Block))
					}
					if got := warc.RecordID("response", rec.TargetURI, rec.Date, rec.PayloadDigest); got != rec.ID {
						t.Errorf("record %d: id %s, RecordID gives %s", i, rec.ID, got)
					}
				case "revisit":
					if rec.HTTP == nil || rec.HTTP.Status != want.status || len(rec.HTTP.Body) != 0 {
						t.Errorf("record %d: revisit HTTP %+v, want status %d and no body", i, rec.HTTP, want.status)
					}
					if rec.RefersTo != f.written[2].ID || rec.RefersToTargetURI != want.uri || !rec.RefersToDate.Equal(f.want[2].date) {
						t.Errorf("record %d: refers to %q %q %s", i, rec.RefersTo, rec.RefersToTargetURI, rec.RefersToDate)
					}
					if rec.Header[0][0] != "WARC-Type" {
						t.Errorf("record %d: first header %q", i, rec.Header[0][0])
					}
					for _, h := range rec.Header {
						if h[0] == "WARC-Truncated" {
							t.Errorf("record %d: WARC-Truncated written", i)
						}
					}
				case "metadata":
					if !bytes.Equal(rec.Block, want.body) || rec.ContentType != "application/json" || rec.RefersTo != f.written[2].ID {
						t.Errorf("record %d: metadata %q %q refers to %q", i, rec.Block, rec.ContentType, rec.RefersTo)
					}
				}
			}
			// A request and its response or revisit name each other, the
			// request comes first, and its id follows RecordID's rule.
			pairs := map[string]int{}
			for i, rec := range recs {
				if rec.Type != "request" {
					continue
				}
				if len(rec.ConcurrentTo) != 1 {
					t.Fatalf("request %s: Concurrent-To %v", rec.ID, rec.ConcurrentTo)
				}
				other := byID[rec.ConcurrentTo[0]]
				if other == nil || (other.Type != "response" && other.Type != "revisit") || len(other.ConcurrentTo) != 1 || other.ConcurrentTo[0] != rec.ID {
					t.Errorf("request %s: Concurrent-To %v does not name a response or revisit naming it back", rec.ID, rec.ConcurrentTo)
					continue
				}
				if i+1 >= len(recs) || recs[i+1] != other {
					t.Errorf("request %s: its %s does not follow it", rec.ID, other.Type)
				}
				if !other.Date.Equal(rec.Date) || other.TargetURI != rec.TargetURI {
					t.Errorf("request %s: %s %s, its %s %s %s", rec.ID, rec.TargetURI, rec.Date, other.Type, other.TargetURI, other.Date)
				}
				if want := warc.RecordID("request", rec.TargetURI, rec.Date, other.PayloadDigest); rec.ID != want {
					t.Errorf("request %s: id, want %s", rec.ID, want)
				}
				if rec.ContentType != "application/http; msgtype=request" || rec.BlockDigest != warc.Digest(rec.Block) {
					t.Errorf("request %s: content type %q, block digest %s", rec.ID, rec.ContentType, rec.BlockDigest)
				}
				pairs[other.Type]++
			}
			if pairs["response"] != 3 || pairs["revisit"] != 2 {
				t.Errorf("request pairs %v, want 3 responses and 2 revisits", pairs)
			}
			// The identical-payload revisit has the original's payload
			// digest; the server-not-modified one has none.
			var revisits []*warc.Record
			for _, rec := range recs {
				if rec.Type == "revisit" {
					revisits = append(revisits, rec)
				}
			}
			if len(revisits) != 2 || revisits[0].PayloadDigest != recs[2].PayloadDigest || warc.ProfileOf(revisits[0].Profile) != warc.ProfileIdenticalPayloadDigest ||
				revisits[1].PayloadDigest != "" || warc.ProfileOf(revisits[1].Profile) != warc.ProfileServerNotModified {
				t.Fatalf("revisits: %d", len(revisits))
			}
			if !bytes.Contains(byID[revisits[1].ConcurrentTo[0]].Block, []byte("If-None-Match: \"abc\"")) {
				t.Errorf("server-not-modified revisit's request: %q", byID[revisits[1].ConcurrentTo[0]].Block)
			}
		})
	}
}

// TestGowarcStrictReader reads the fixture with gowarc's strict reader, which
// fails on any spec violation and checks block and payload digests.
func TestGowarcStrictReader(t *testing.T) {
	for _, gz := range []bool{true, false} {
		f := writeFixture(t, gz)
		path := filepath.Join(t.TempDir(), "x.warc")
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("gzip=%v record %d: %v", gz, n, err)
			}
			if len(rec.Validation) > 0 {
				t.Errorf("gzip=%v record %d: %v", gz, n, rec.Validation)
			}
			size := f.written[n].Length
			if !gz {
				size += 4 // gowarc counts the CRLF CRLF terminator, CDX indexes do not
			}
			if rec.Offset != f.written[n].Offset || rec.Size != size {
				t.Errorf("gzip=%v record %d: gowarc sees %d+%d, written %d+%d", gz, n, rec.Offset, rec.Size, f.written[n].Offset, f.written[n].Length)
			}
			d, err := rec.WarcRecord.Date()
			if err != nil || !d.Equal(f.want[n].date) {
				t.Errorf("gzip=%v record %d: gowarc date %s %v, want %s", gz, n, d, err, f.want[n].date)
			}
			rec.Close()
			n++
		}
		r.Close()
		if n != len(f.written) {
			t.Errorf("gzip=%v: gowarc read %d records, want %d", gz, n, len(f.written))
		}
	}
}

// TestDeterministic writes the fixture twice: every record but warcinfo has
// the same id and the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := writeFixture(t, true), writeFixture(t, true)
	for i := range a.written {
		wa, wb := a.written[i], b.written[i]
		if wa.Type == "warcinfo" {
			if wa.ID == wb.ID {
				t.Errorf("warcinfo ids equal: %s", wa.ID)
			}
			continue
		}
		if wa.ID != wb.ID {
			t.Errorf("record %d: ids %s and %s", i, wa.ID, wb.ID)
		}
		if !bytes.Equal(a.data[wa.Offset:wa.Offset+wa.Length], b.data[wb.Offset:wb.Offset+wb.Length]) {
			t.Errorf("record %d (%s): bytes differ", i, wa.Type)
		}
	}
	if !strings.HasPrefix(a.written[1].ID, "urn:uuid:") {
		t.Errorf("id %q", a.written[1].ID)
	}
}

func TestRecordID(t *testing.T) {
	d := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	id := warc.RecordID("response", "https://example.com/", d, "sha1:AAAA")
	if !strings.HasPrefix(id, "urn:uuid:") || len(id) != len("urn:uuid:")+36 || id[len("urn:uuid:")+14] != '5' {
		t.Errorf("RecordID = %q, want a version 5 urn:uuid", id)
	}
	// The same instant in another zone gives the same id; anything else differs.
	if got := warc.RecordID("response", "https://example.com/", d.In(time.FixedZone("x", 3600)), "sha1:AAAA"); got != id {
		t.Errorf("zone changes id: %s vs %s", got, id)
	}
	for _, other := range []string{
		warc.RecordID("revisit", "https://example.com/", d, "sha1:AAAA"),
		warc.RecordID("response", "https://example.com/x", d, "sha1:AAAA"),
		warc.RecordID("response", "https://example.com/", d.Add(1), "sha1:AAAA"),
		warc.RecordID("response", "https://example.com/", d, "sha1:AAAB"),
	} {
		if other == id {
			t.Errorf("RecordID collides: %s", other)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	d := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	tests := []struct {
		name string
		call func(w *warc.Writer) error
	}{
		{"digest mismatch", func(w *warc.Writer) error {
			_, _, err := w.Exchange(warc.Exchange{TargetURI: "http://e.com/", Date: d, Response: ok, PayloadDigest: warc.Digest([]byte("ho"))})
			return err
		}},
		{"no head end", func(w *warc.Writer) error {
			_, _, err := w.Exchange(warc.Exchange{TargetURI: "http://e.com/", Date: d, Response: []byte("HTTP/1.1 200 OK\r\n")})
			return err
		}},
		{"not http", func(w *warc.Writer) error {
			_, _, err := w.Exchange(warc.Exchange{TargetURI: "http://e.com/", Date: d, Response: []byte("<html>\r\n\r\n")})
			return err
		}},
		{"zero date", func(w *warc.Writer) error {
			_, _, err := w.Exchange(warc.Exchange{TargetURI: "http://e.com/", Response: ok})
			return err
		}},
		{"revisit without digest", func(w *warc.Writer) error {
			_, err := w.Revisit(warc.RevisitRecord{TargetURI: "http://e.com/", Date: d, Profile: warc.ProfileIdenticalPayloadDigest, Block: ok})
			return err
		}},
		{"revisit bad profile", func(w *warc.Writer) error {
			_, err := w.Revisit(warc.RevisitRecord{TargetURI: "http://e.com/", Date: d, Profile: "x", Block: ok})
			return err
		}},
		{"revisit with request, bad refers-to URI", func(w *warc.Writer) error {
			// The request record is fine, the revisit is not: neither is written.
			_, err := w.Revisit(warc.RevisitRecord{TargetURI: "http://e.com/", Date: d, Profile: warc.ProfileServerNotModified,
				Block: []byte("HTTP/1.1 304 Not Modified\r\n\r\n"), RefersToTargetURI: "http://e .com/ x",
				Request: []byte("GET / HTTP/1.1\r\nHost: e.com\r\n\r\n")})
			return err
		}},
		{"metadata without type", func(w *warc.Writer) error {
			_, err := w.Metadata(warc.MetadataRecord{TargetURI: "http://e.com/", Date: d, Body: []byte("{}")})
			return err
		}},
		{"warcinfo newline", func(w *warc.Writer) error {
			_, err := w.Info(d, "x.warc", [][2]string{{"software", "a\r\nb"}})
			return err
		}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w := warc.NewWriter(&buf, false)
		if err := tt.call(w); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
		if err := w.Close(); err != nil || buf.Len() != 0 {
			t.Errorf("%s: close %v, %d bytes written", tt.name, err, buf.Len())
		}
	}
	// An identical-payload revisit block loses any body; a failing
	// underlying writer makes every later call fail.
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, false)
	wr, err := w.Revisit(warc.RevisitRecord{TargetURI: "http://e.com/", Date: d, Profile: warc.ProfileIdenticalPayloadDigest, Block: ok, PayloadDigest: warc.Digest([]byte("hi"))})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	recs := readAll(t, buf.Bytes())
	if string(recs[0].Block) != "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" || wr.Index == nil || wr.Index.Mime != "warc/revisit" {
		t.Errorf("revisit block %q, index %+v", recs[0].Block, wr.Index)
	}
	fw := warc.NewWriter(failWriter{}, true)
	for i := 0; i < 30; i++ { // enough to overflow the 64 KiB buffer
		if _, _, err = fw.Exchange(warc.Exchange{TargetURI: "http://e.com/", Date: d.Add(time.Duration(i)), Response: append(ok[:len(ok):len(ok)], bytes.Repeat([]byte{'x'}, 4000)...)}); err != nil {
			break
		}
	}
	if err == nil {
		if err = fw.Close(); err == nil {
			t.Fatal("failing writer: no error")
		}
	}
	if _, err2 := fw.Metadata(warc.MetadataRecord{TargetURI: "http://e.com/", Date: d, ContentType: "application/json"}); !errors.Is(err2, errBroken) {
		t.Errorf("after failure: %v, want %v", err2, errBroken)
	}
}

var errBroken = errors.New("broken pipe")

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errBroken }
