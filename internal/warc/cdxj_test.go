package warc_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/warc"
)

func TestCDXJLine(t *testing.T) {
	d := time.Date(2024, 3, 5, 10, 20, 30, 123456789, time.FixedZone("x", 3600))
	tests := []struct {
		e    warc.IndexEntry
		want string
	}{
		{warc.IndexEntry{URL: "https://www.example.com/a/?b=2&a=1", Date: d, Mime: "text/html", Status: 200, Digest: "sha1:T3JUO7FIO5DRPSH5OSQDDQFYDVYGFJBZ", Length: 603, Offset: 724, Filename: "x.warc.gz"},
			`com,example)/a?a=1&b=2 20240305092030 {"url":"https://www.example.com/a/?b=2&a=1","mime":"text/html","status":"200","digest":"T3JUO7FIO5DRPSH5OSQDDQFYDVYGFJBZ","length":"603","offset":"724","filename":"x.warc.gz"}`},
		// No mime, status or digest: those fields are left out, as warcio does.
		{warc.IndexEntry{URL: "http://example.com/q?x=\"<>\"", Date: d, Length: 1, Offset: 0, Filename: "a b.warc"},
			`com,example)/q?x="<>" 20240305092030 {"url":"http://example.com/q?x=\"<>\"","length":"1","offset":"0","filename":"a b.warc"}`},
		{warc.IndexEntry{URL: "https://example.com/مقال", Date: d, Mime: "warc/revisit", Status: 304, Length: 9, Offset: 10},
			`com,example)/%d9%85%d9%82%d8%a7%d9%84 20240305092030 {"url":"https://example.com/مقال","mime":"warc/revisit","status":"304","length":"9","offset":"10"}`},
	}
	for _, tt := range tests {
		if got := warc.CDXJLine(tt.e); got != tt.want {
			t.Errorf("CDXJLine:\n got %s\nwant %s", got, tt.want)
		}
	}
}

func TestWriteCDXJSorts(t *testing.T) {
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	entries := []warc.IndexEntry{
		{URL: "https://example.com/b", Date: d.Add(time.Hour), Offset: 3},
		{URL: "https://example.com/b", Date: d, Offset: 2},
		{URL: "https://example.com/", Date: d, Offset: 1, Filename: "other.warc.gz"},
		{URL: "https://a.example.org/", Date: d, Offset: 0},
	}
	var buf bytes.Buffer
	if err := warc.WriteCDXJ(&buf, entries, "x.warc.gz"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	var keys []string
	for _, l := range lines {
		f := strings.SplitN(l, " ", 3)
		keys = append(keys, f[0]+" "+f[1]+" "+map[bool]string{true: "x", false: "other"}[strings.Contains(f[2], `"x.warc.gz"`)])
	}
	want := []string{"com,example)/ 20240101000000 other", "com,example)/b 20240101000000 x", "com,example)/b 20240101010000 x", "org,example,a)/ 20240101000000 x"}
	if strings.Join(keys, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", keys, want)
	}
}

// TestChunkedExchange writes a response stored with chunked coding: the
// payload digest is over the dechunked body (the WARC payload), and the
// Reader accepts it.
func TestChunkedExchange(t *testing.T) {
	d := time.Date(2024, 1, 1, 0, 0, 0, 5, time.UTC)
	resp := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, true)
	_, wr, err := w.Exchange(warc.Exchange{TargetURI: "http://example.com/c", Date: d, Response: resp, PayloadDigest: warc.Digest([]byte("abcde"))})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, buf.Bytes())
	r := recs[0]
	if r.ID != wr.ID || r.PayloadDigest != warc.Digest([]byte("abcde")) || string(r.HTTP.Body) != "abcde" || !r.HTTP.Chunked || len(r.Warnings) > 0 || !bytes.Equal(r.Block, resp) {
		t.Errorf("record %+v", r)
	}
}

// TestLargeRecord writes and reads a body larger than gowarc's 1 MiB memory
// buffer, which spills to a temporary file, and checks none is left behind.
func TestLargeRecord(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	body := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB
	resp := append([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"), body...)
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, true)
	if _, _, err := w.Exchange(warc.Exchange{TargetURI: "http://example.com/big", Date: time.Unix(1, 2), Response: resp}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	recs := readAll(t, buf.Bytes())
	if !bytes.Equal(recs[0].HTTP.Body, body) || len(recs[0].Warnings) > 0 {
		t.Errorf("body %d bytes, warnings %v", len(recs[0].HTTP.Body), recs[0].Warnings)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatal(err)
	}
}

// TestMaxBlockSize reads a large record with a block limit: the head is
// kept and parsed, the body is not.
func TestMaxBlockSize(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 200<<10)
	resp := append([]byte("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\n"), body...)
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, false)
	if _, _, err := w.Exchange(warc.Exchange{TargetURI: "http://example.com/v.mp4", Date: time.Unix(1, 0), Response: resp}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Metadata(warc.MetadataRecord{TargetURI: "http://example.com/v.mp4", Date: time.Unix(1, 0), ContentType: "application/json", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := warc.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	r.MaxBlockSize = 100 << 10
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !rec.BlockTruncated || len(rec.Block) != 64<<10 || rec.HTTP == nil || rec.HTTP.Status != 200 || len(rec.HTTP.Body) != 0 ||
		len(rec.Warnings) != 1 || !errors.Is(rec.Warnings[0], warc.ErrBlockTooLarge) {
		t.Errorf("truncated=%v block %d, http %v, warnings %v", rec.BlockTruncated, len(rec.Block), rec.HTTP != nil, rec.Warnings)
	}
	if e, ok := rec.IndexEntry(); !ok || e.Mime != "video/mp4" || e.Length == 0 {
		t.Errorf("index entry %+v", e)
	}
	if rec, err = r.Next(); err != nil || rec.Type != "metadata" || string(rec.Block) != "{}" {
		t.Errorf("next record: %v %v", rec, err)
	}
}

// TestWriterRejectsBadTargetURI: gowarc blanks a field it cannot validate;
// Writer refuses instead of writing an empty WARC-Target-URI.
func TestWriterRejectsBadTargetURI(t *testing.T) {
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, false)
	_, err := w.Metadata(warc.MetadataRecord{TargetURI: "http://exa mple.com/", Date: time.Unix(1, 0), ContentType: "application/json", Body: []byte("{}")})
	if err == nil {
		t.Fatalf("no error; wrote %q", buf.String())
	}
}
