package warc_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/newsarc/newsarc/internal/warc"
)

// quirkyWARC is WARC/1.0 as older or sloppier writers make it: LF-only line
// ends in the WARC and HTTP headers, no digests, a chunked body with LF-only
// chunk lines and a chunk extension, blank lines between records, a
// bracketed target URI, a folded HTTP header, an unknown record type.
func quirkyWARC() []byte {
	body := "4;ext=1\nabcd\n5\nefghi\n0\n\n"
	http := "HTTP/1.1 200\nContent-Type: text/plain\nX-Folded: a\n b\nTransfer-Encoding: chunked\n\n" + body
	var b bytes.Buffer
	fmt.Fprintf(&b, "WARC/1.0\nWARC-Type: response\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\n"+
		"WARC-Date: 2009-02-03T04:05:06Z\nWARC-Target-URI: <http://example.org/q>\nContent-Type: application/http; msgtype=response\n"+
		"Content-Length: %d\n\n%s\n\n\r\n\r\n", len(http), http)
	fmt.Fprintf(&b, "WARC/1.0\r\nWARC-Type: x-custom\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"+
		"WARC-Date: 2009-02-03T04:05:07Z\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n")
	return b.Bytes()
}

func TestReaderQuirks(t *testing.T) {
	recs := readAll(t, quirkyWARC())
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.Version != "WARC/1.0" || r.Type != "response" || r.TargetURI != "http://example.org/q" || r.ID != "urn:uuid:00000000-0000-0000-0000-000000000001" {
		t.Errorf("record: %s %s %q %q", r.Version, r.Type, r.TargetURI, r.ID)
	}
	if !r.Date.Equal(time.Date(2009, 2, 3, 4, 5, 6, 0, time.UTC)) {
		t.Errorf("date %s", r.Date)
	}
	if r.HTTP == nil || r.HTTP.Status != 200 || string(r.HTTP.Body) != "abcdefghi" || !r.HTTP.Chunked ||
		r.HTTP.Header.Get("X-Folded") != "a b" || r.HTTP.Proto != "HTTP/1.1" {
		t.Errorf("http %+v", r.HTTP)
	}
	for _, w := range r.Warnings {
		var de *warc.DigestError
		if errors.As(w, &de) {
			t.Errorf("digest warning without digests: %v", w)
		}
	}
	if e, ok := r.IndexEntry(); !ok || e.Mime != "text/plain" || e.Status != 200 || e.Offset != 0 {
		t.Errorf("index entry %+v %v", e, ok)
	}
	if recs[1].Type != "x-custom" || string(recs[1].Block) != "hello" || recs[1].HTTP != nil {
		t.Errorf("custom record %q %q", recs[1].Type, recs[1].Block)
	}
	if _, ok := recs[1].IndexEntry(); ok {
		t.Error("custom record indexed")
	}
	if want := int64(bytes.Index(quirkyWARC(), []byte("WARC/1.0\r\n"))); recs[1].Offset != want {
		t.Errorf("second record at %d, want %d", recs[1].Offset, want)
	}
}

func TestReaderDigestMismatch(t *testing.T) {
	f := writeFixture(t, false)
	data := bytes.Clone(f.data)
	// Change one byte of the Arabic page's body (record 2): both its block
	// and payload digests fail; the record is still returned.
	w := f.written[2]
	i := bytes.Index(data[w.Offset:], []byte("<title>")) + int(w.Offset) + 1
	data[i] = 'T'
	recs := readAll(t, data)
	var fields []string
	for _, warn := range recs[2].Warnings {
		var de *warc.DigestError
		if errors.As(warn, &de) {
			fields = append(fields, de.Field)
		}
	}
	if strings.Join(fields, ",") != "WARC-Block-Digest,WARC-Payload-Digest" {
		t.Errorf("digest warnings %v (all: %v)", fields, recs[2].Warnings)
	}
	for j, r := range recs {
		if j != 2 && len(r.Warnings) > 0 {
			t.Errorf("record %d: %v", j, r.Warnings)
		}
	}
}

// TestReaderResync damages records and checks that reading goes on after
// an error that names the offset.
func TestReaderResync(t *testing.T) {
	t.Run("garbage between plain records", func(t *testing.T) {
		f := writeFixture(t, false)
		cut := f.written[3].Offset
		data := append(append(bytes.Clone(f.data[:cut]), "this is not a record\r\n"...), f.data[cut:]...)
		recs := readAll(t, data)
		if len(recs) != len(f.written) {
			t.Fatalf("%d records, want %d", len(recs), len(f.written))
		}
		if len(recs[3].Warnings) != 1 || !strings.Contains(recs[3].Warnings[0].Error(), fmt.Sprintf("skipped 22 bytes at offset %d", cut)) {
			t.Errorf("warnings %v", recs[3].Warnings)
		}
	})
	t.Run("corrupt gzip member", func(t *testing.T) {
		f := writeFixture(t, true)
		data := bytes.Clone(f.data)
		bad := f.written[4]
		for i := bad.Offset + 20; i < bad.Offset+bad.Length-10; i += 7 {
			data[i] ^= 0x55
		}
		r, err := warc.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		var errs []error
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				errs = append(errs, err)
				if len(errs) > 10 {
					t.Fatal("no progress")
				}
				continue
			}
			ids = append(ids, rec.ID)
		}
		t.Logf("errors: %v", errs)
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), fmt.Sprintf("offset %d", bad.Offset)) {
			t.Fatalf("errors %v, want one naming offset %d", errs, bad.Offset)
		}
		var want []string
		for i, w := range f.written {
			if i != 4 {
				want = append(want, w.ID)
			}
		}
		if strings.Join(ids, " ") != strings.Join(want, " ") {
			t.Errorf("read %v\nwant %v", ids, want)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		f := writeFixture(t, true)
		last := f.written[len(f.written)-1]
		r, err := warc.NewReader(bytes.NewReader(f.data[:last.Offset+last.Length/2]))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				t.Fatal("io.EOF before an error for the truncated record")
			}
			if err != nil {
				if !strings.Contains(err.Error(), fmt.Sprintf("offset %d", last.Offset)) {
					t.Errorf("error %v does not name offset %d", err, last.Offset)
				}
				break
			}
			n++
		}
		if n != len(f.written)-1 {
			t.Errorf("%d records before the truncated one, want %d", n, len(f.written)-1)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("after the truncated record: %v, want io.EOF", err)
		}
	})
}

// TestReaderWholeFileGzip reads a WARC gzipped as one stream (gzip x.warc),
// which some tools produce: every record is read, offsets name the member.
func TestReaderWholeFileGzip(t *testing.T) {
	f := writeFixture(t, false)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(f.data)
	zw.Close()
	recs := readAll(t, b.Bytes())
	if len(recs) != len(f.written) {
		t.Fatalf("%d records, want %d", len(recs), len(f.written))
	}
	for i, r := range recs {
		if r.ID != f.written[i].ID || r.Offset != 0 || r.Length != 0 {
			t.Errorf("record %d: %s at %d+%d", i, r.ID, r.Offset, r.Length)
		}
	}
}

func TestNewReaderRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"html": []byte("<html></html>"),
		"zstd": {0x28, 0xb5, 0x2f, 0xfd, 0, 0},
	} {
		if _, err := warc.NewReader(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	r, err := warc.NewReader(bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("empty input: %v", err)
	}
	if _, err := warc.Open("testdata/does-not-exist.warc"); err == nil {
		t.Error("Open of a missing file: no error")
	}
}

// TestReaderIndexMatchesWriter: the CDXJ entries the Reader derives equal
// those the Writer returned.
func TestReaderIndexMatchesWriter(t *testing.T) {
	for _, gz := range []bool{true, false} {
		f := writeFixture(t, gz)
		var fromWriter, fromReader []warc.IndexEntry
		for _, w := range f.written {
			if w.Index != nil {
				fromWriter = append(fromWriter, *w.Index)
			}
		}
		for _, r := range readAll(t, f.data) {
			if e, ok := r.IndexEntry(); ok {
				fromReader = append(fromReader, e)
			}
		}
		if len(fromWriter) != len(fromReader) {
			t.Fatalf("gzip=%v: %d vs %d entries", gz, len(fromWriter), len(fromReader))
		}
		for i := range fromWriter {
			if warc.CDXJLine(fromWriter[i]) != warc.CDXJLine(fromReader[i]) || !fromWriter[i].Date.Equal(fromReader[i].Date) {
				t.Errorf("gzip=%v entry %d:\nwriter %s\nreader %s", gz, i, warc.CDXJLine(fromWriter[i]), warc.CDXJLine(fromReader[i]))
			}
		}
	}
}

func TestDecodedBody(t *testing.T) {
	plain := []byte(strings.Repeat("نص عربي and text ", 50))
	enc := func(f func(io.Writer) io.WriteCloser) []byte {
		var b bytes.Buffer
		w := f(&b)
		w.Write(plain)
		w.Close()
		return b.Bytes()
	}
	gz := enc(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })
	zl := enc(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) })
	raw := enc(func(w io.Writer) io.WriteCloser { fw, _ := flate.NewWriter(w, 5); return fw })
	zs := enc(func(w io.Writer) io.WriteCloser { zw, _ := zstd.NewWriter(w); return zw })
	tests := []struct {
		coding string
		body   []byte
	}{
		{"", plain},
		{"identity", plain},
		{"gzip", gz},
		{"x-gzip", gz},
		{"GZIP", gz},
		{"deflate", zl},
		{"deflate", raw},
		{"zstd", zs},
		{"gzip, identity", gz},
	}
	for _, tt := range tests {
		h := &warc.HTTPResponse{Header: map[string][]string{}, Body: tt.body}
		if tt.coding != "" {
			h.Header.Set("Content-Encoding", tt.coding)
		}
		got, err := warc.DecodedBody(h)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%q: %d bytes, %v", tt.coding, len(got), err)
		}
	}
	// Two codings, applied in order: gzip then zstd.
	var b bytes.Buffer
	zw, _ := zstd.NewWriter(&b)
	zw.Write(gz)
	zw.Close()
	h := &warc.HTTPResponse{Header: map[string][]string{"Content-Encoding": {"gzip", "zstd"}}, Body: b.Bytes()}
	if got, err := warc.DecodedBody(h); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("gzip, zstd: %v", err)
	}
	h = &warc.HTTPResponse{Header: map[string][]string{"Content-Encoding": {"br"}}, Body: []byte{1, 2}}
	if _, err := warc.DecodedBody(h); !errors.Is(err, warc.ErrUnsupportedEncoding) {
		t.Errorf("br: %v, want ErrUnsupportedEncoding", err)
	}
	h = &warc.HTTPResponse{Header: map[string][]string{"Content-Encoding": {"gzip"}}, Body: []byte("not gzip")}
	if _, err := warc.DecodedBody(h); err == nil {
		t.Error("bad gzip: no error")
	}
}

// TestReaderHTTPQuirks checks HTTP parsing of response blocks through the
// Reader: broken chunking and odd header lines are warnings, not errors.
func TestReaderHTTPQuirks(t *testing.T) {
	tests := []struct {
		name      string
		http      string
		status    int
		body      string
		chunked   bool
		warnMatch string
	}{
		{"truncated chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n10\r\nxyz", 200, "abcdexyz", true, "truncated chunk"},
		{"not really chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html>", 200, "<html>", false, "chunk size"},
		{"trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n", 200, "abc", true, ""},
		{"bad header line", "HTTP/1.0 404 Not Found\r\nno colon here\r\nContent-Type: text/html\r\n\r\nmissing", 404, "missing", false, "malformed header"},
		{"no blank line", "HTTP/1.1 204 No Content\r\nServer: x\r\n", 204, "", false, "no terminating blank line"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		fmt.Fprintf(&b, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000003>\r\n"+
			"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: http://example.org/\r\nContent-Type: application/http;msgtype=response\r\n"+
			"Content-Length: %d\r\n\r\n%s\r\n\r\n", len(tt.http), tt.http)
		recs := readAll(t, b.Bytes())
		r := recs[0]
		if r.HTTP == nil {
			t.Errorf("%s: no HTTP (%v)", tt.name, r.Warnings)
			continue
		}
		if r.HTTP.Status != tt.status || string(r.HTTP.Body) != tt.body || r.HTTP.Chunked != tt.chunked {
			t.Errorf("%s: %d %q chunked=%v", tt.name, r.HTTP.Status, r.HTTP.Body, r.HTTP.Chunked)
		}
		found := tt.warnMatch == ""
		for _, w := range r.Warnings {
			if tt.warnMatch != "" && strings.Contains(w.Error(), tt.warnMatch) {
				found = true
			}
		}
		if !found || (tt.warnMatch == "" && len(r.Warnings) > 0) {
			t.Errorf("%s: warnings %v, want one with %q", tt.name, r.Warnings, tt.warnMatch)
		}
	}
}

// TestReaderInjectedBytes injects bytes inside a gzip member, at many
// places: the member gives an error naming its offset and never a record,
// even when the damaged stream still decompresses to a record followed by
// garbage (which gzip only reports, as a CRC error, at the member's end),
// and every other record is read. Damage in the member's last bytes can
// make the decoder run on into the next members, which are then lost too
// (the input is read as a stream, never rewound).
func TestReaderInjectedBytes(t *testing.T) {
	f := writeFixture(t, true)
	bad := f.written[2] // the Arabic response
	var want []string
	for i, w := range f.written {
		if i != 2 {
			want = append(want, w.ID)
		}
	}
	// lostAfter reports whether ids is want without a few records right
	// after the damaged member.
	lostAfter := func(ids []string) bool {
		for k := 3; k <= 5; k++ {
			if slices.Equal(ids, append(slices.Clone(want[:2]), want[k:]...)) {
				return true
			}
		}
		return false
	}
	cases := 0
	for _, inj := range [][]byte{{0}, []byte("xx"), bytes.Repeat([]byte{0x55}, 7)} {
		for pos := bad.Offset + 10; pos < bad.Offset+bad.Length-8; pos += 4 {
			data := append(append(bytes.Clone(f.data[:pos]), inj...), f.data[pos:]...)
			r, err := warc.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			named := false
			for n := 0; ; n++ {
				if n > 100 {
					t.Fatalf("inject %x at +%d: no progress", inj, pos-bad.Offset)
				}
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					named = named || strings.Contains(err.Error(), fmt.Sprintf("offset %d:", bad.Offset))
					continue
				}
				if rec.Offset >= bad.Offset && rec.Offset < bad.Offset+bad.Length+int64(len(inj)) {
					t.Errorf("inject %x at +%d: record %s returned from the damaged member (warnings %v)", inj, pos-bad.Offset, rec.ID, rec.Warnings)
				}
				ids = append(ids, rec.ID)
			}
			r.Close()
			nearEnd := pos >= bad.Offset+bad.Length-30 && lostAfter(ids)
			if !named || (!slices.Equal(ids, want) && !nearEnd) {
				t.Errorf("inject %x at +%d: error naming offset %d: %v; read %v", inj, pos-bad.Offset, bad.Offset, named, ids)
			}
			cases++
		}
	}
	if cases < 400 {
		t.Errorf("only %d cases", cases)
	}
}

// gzipWhole gzips data as one stream, as `gzip x.warc` does.
func gzipWhole(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// TestReaderWholeFileGzipCorrupt: a WARC gzipped as one stream with a
// damaged end gives no record at all (none can be trusted before the CRC is
// checked at the end), an error naming offset 0, then io.EOF.
func TestReaderWholeFileGzipCorrupt(t *testing.T) {
	f := writeFixture(t, false)
	gz := gzipWhole(f.data)
	for _, at := range []int{len(gz) - 5, len(gz) - 30, len(gz) / 2} {
		data := bytes.Clone(gz)
		data[at] ^= 0x01
		r, err := warc.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := r.Next()
		if err == nil || !strings.Contains(err.Error(), "gzip member at offset 0:") && !strings.Contains(err.Error(), "record at offset 0:") {
			t.Errorf("byte %d flipped: record %v, error %v; want an error naming offset 0", at, rec != nil, err)
		}
		for n := 0; err != io.EOF; n++ {
			if n > 10 {
				t.Fatalf("byte %d flipped: no io.EOF", at)
			}
			if rec, err = r.Next(); rec != nil {
				t.Errorf("byte %d flipped: record %s returned", at, rec.ID)
			}
		}
		r.Close()
	}
}

// TestReaderWholeFileGzipSpill reads a WARC gzipped as one stream through
// a temporary file (a tiny in-memory limit), and checks that the file is
// gone once the member is read, and on Close in the middle of it.
func TestReaderWholeFileGzipSpill(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	temps := func() int {
		t.Helper()
		ents, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	f := writeFixture(t, false)
	data := gzipWhole(f.data)

	r, err := warc.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	warc.SetSpoolMem(r, 1000)
	var ids []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 && temps() != 1 {
			t.Errorf("after the first record: %d temporary files, want 1", temps())
		}
		if len(ids) > 0 && !bytes.Equal(rec.Block, readAll(t, f.data)[len(ids)].Block) {
			t.Errorf("record %d: block differs", len(ids))
		}
		ids = append(ids, rec.ID)
	}
	if len(ids) != len(f.written) || ids[len(ids)-1] != f.written[len(f.written)-1].ID {
		t.Errorf("read %d records, want %d", len(ids), len(f.written))
	}
	if n := temps(); n != 0 {
		t.Errorf("%d temporary files left at the end", n)
	}

	r, err = warc.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	warc.SetSpoolMem(r, 1000)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := temps(); n != 0 {
		t.Errorf("%d temporary files left after Close", n)
	}
}

// TestReaderDigests checks that block and payload digests that do not
// match are reported as *DigestError, and only those: a chunked response's
// payload digest may be over the dechunked body (the WARC spec) or the raw
// chunked body (wget).
func TestReaderDigests(t *testing.T) {
	sha256hex := func(b []byte) string { s := sha256.Sum256(b); return "sha256:" + hex.EncodeToString(s[:]) }
	chunkedBody := "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
	chunked := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody
	plain := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello, world"
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
	dns := "20240101000000\nexample.com. 300 IN A 192.0.2.1\n"
	const ok = "" // block digest: the right one
	tests := []struct {
		name, typ, ctype, block string
		blockDigest             string // ok: computed; "-": none
		payloadDigest           string
		maxBlock                int64
		want                    []string // fields of the *DigestError warnings, in order
	}{
		{"chunked, payload over dechunked body", "response", "application/http; msgtype=response", chunked, ok, warc.Digest([]byte("hello, world")), 0, nil},
		{"chunked, payload over raw body (wget)", "response", "application/http; msgtype=response", chunked, ok, warc.Digest([]byte(chunkedBody)), 0, nil},
		{"chunked, payload over neither", "response", "application/http; msgtype=response", chunked, ok, warc.Digest([]byte("hello")), 0, []string{"WARC-Payload-Digest"}},
		{"payload mismatch", "response", "application/http; msgtype=response", plain, ok, warc.Digest([]byte("hello")), 0, []string{"WARC-Payload-Digest"}},
		{"block mismatch", "response", "application/http; msgtype=response", plain, warc.Digest([]byte("x")), warc.Digest([]byte("hello, world")), 0, []string{"WARC-Block-Digest"}},
		{"both", "response", "application/http; msgtype=response", plain, warc.Digest([]byte("x")), warc.Digest([]byte("x")), 0, []string{"WARC-Block-Digest", "WARC-Payload-Digest"}},
		{"sha256 base16, lower-case base32", "response", "application/http; msgtype=response", plain, sha256hex([]byte(plain)), strings.ToLower(warc.Digest([]byte("hello, world"))), 0, nil},
		{"undecodable block digest", "response", "application/http; msgtype=response", plain, "sha1:not-base32!", warc.Digest([]byte("hello, world")), 0, []string{"WARC-Block-Digest"}},
		{"empty payload digest value", "response", "application/http; msgtype=response", plain, ok, "sha1:", 0, []string{"WARC-Payload-Digest"}},
		{"no digests", "response", "application/http; msgtype=response", plain, "-", "", 0, nil},
		{"revisit: payload digest is the original's", "revisit", "application/http; msgtype=response", head, ok, warc.Digest([]byte("original")), 0, nil},
		{"revisit block mismatch", "revisit", "application/http; msgtype=response", head, warc.Digest([]byte("x")), warc.Digest([]byte("original")), 0, []string{"WARC-Block-Digest"}},
		{"non-HTTP response: payload is the block", "response", "text/dns", dns, ok, warc.Digest([]byte(dns)), 0, nil},
		{"non-HTTP response mismatch", "response", "text/dns", dns, ok, warc.Digest([]byte("x")), 0, []string{"WARC-Payload-Digest"}},
		{"resource mismatch", "resource", "text/plain", "hello", ok, warc.Digest([]byte("x")), 0, []string{"WARC-Payload-Digest"}},
		{"truncated block mismatch", "response", "application/http; msgtype=response", plain + strings.Repeat("x", 70<<10), warc.Digest([]byte("x")), warc.Digest([]byte("x")), 1 << 10, []string{"WARC-Block-Digest"}},
		{"truncated block match", "response", "application/http; msgtype=response", plain + strings.Repeat("x", 70<<10), ok, warc.Digest([]byte("x")), 1 << 10, nil},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		fmt.Fprintf(&b, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000004>\r\n"+
			"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: http://example.org/\r\nContent-Type: %s\r\n", tt.typ, tt.ctype)
		switch tt.blockDigest {
		case ok:
			fmt.Fprintf(&b, "WARC-Block-Digest: %s\r\n", warc.Digest([]byte(tt.block)))
		case "-":
		default:
			fmt.Fprintf(&b, "WARC-Block-Digest: %s\r\n", tt.blockDigest)
		}
		if tt.payloadDigest != "" {
			fmt.Fprintf(&b, "WARC-Payload-Digest: %s\r\n", tt.payloadDigest)
		}
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s\r\n\r\n", len(tt.block), tt.block)
		r, err := warc.NewReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		r.MaxBlockSize = tt.maxBlock
		rec, err := r.Next()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, de := range rec.DigestErrors() {
			got = append(got, de.Field)
			if de.Field == "WARC-Payload-Digest" && de.Expected != tt.payloadDigest {
				t.Errorf("%s: Expected %q, want the header's %q", tt.name, de.Expected, tt.payloadDigest)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: digest errors %v, want %v (warnings %v)", tt.name, got, tt.want, rec.Warnings)
		}
		for _, w := range rec.Warnings {
			var de *warc.DigestError
			if !errors.As(w, &de) && strings.Contains(strings.ToLower(w.Error()), "digest") {
				t.Errorf("%s: digest trouble not as *DigestError: %v", tt.name, w)
			}
		}
		if tt.name == "chunked, payload over neither" {
			if des := rec.DigestErrors(); len(des) == 1 && des[0].Computed != warc.Digest([]byte("hello, world")) {
				t.Errorf("%s: Computed %s, want the dechunked body's", tt.name, des[0].Computed)
			}
		}
	}
}
