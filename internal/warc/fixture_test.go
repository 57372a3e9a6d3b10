package warc_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/warc"
)

// arabicHTML is a UTF-8 page in Arabic.
const arabicHTML = `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خبر عاجل</title></head>` +
	`<body><article><h1>الحكومة تعلن عن خطة جديدة</h1><p>أعلنت الحكومة اليوم عن خطة اقتصادية جديدة.</p></article></body></html>`

// binaryBody has every byte value, CRLFs and a fake WARC line inside, to
// catch readers that scan bodies.
func binaryBody() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	for i := 0; i < 256; i++ {
		b.WriteByte(byte(i))
	}
	b.WriteString("\r\n\r\nWARC/1.1\r\nWARC-Type: response\r\n\r\n")
	for i := 255; i >= 0; i-- {
		b.WriteByte(byte(i))
	}
	return b.Bytes()
}

func httpResponse(status, contentType string, body []byte, extra ...string) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + status + "\r\n")
	if contentType != "" {
		b.WriteString("Content-Type: " + contentType + "\r\n")
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes()
}

func httpRequest(path, host string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: newsarc-test/1.0\r\nAccept: */*\r\n\r\n")
}

// headOf returns the head (blank line included) of an HTTP message.
func headOf(msg []byte) []byte {
	i := bytes.Index(msg, []byte("\r\n\r\n"))
	return msg[:i+4]
}

// fixture is a small archive written with Writer, with what was written.
type fixture struct {
	data    []byte
	written []warc.Written // in file order
	// want holds, per record in file order, what a reader must see.
	want []wantRecord
}

type wantRecord struct {
	typ, uri string
	date     time.Time
	body     []byte // the HTTP body (response) or block (metadata); nil to skip
	status   int
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// writeFixture writes warcinfo, four exchanges (an Arabic page, a binary
// body, a trailing-slash URL without request record, a redirect), an
// identical-payload revisit and a server-not-modified revisit (each with its
// request record) and two metadata records.
func writeFixture(t *testing.T, gz bool) fixture {
	t.Helper()
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, gz)
	var f fixture
	add := func(wr warc.Written, err error, want ...wantRecord) warc.Written {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		f.written = append(f.written, wr)
		f.want = append(f.want, append(want, wantRecord{})[0])
		return wr
	}

	d0 := mustTime(t, "2024-03-05T10:20:29.5Z")
	add(w.Info(d0, "test.warc.gz", [][2]string{{"software", "newsarc/test"}, {"format", "WARC File Format 1.1"},
		{"conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}, {"http-header-user-agent", "newsarc-test/1.0"}}))
	f.want[0] = wantRecord{typ: "warcinfo", date: d0}

	// 1. Arabic page, with request.
	d1 := mustTime(t, "2024-03-05T10:20:30.123456789Z")
	u1 := "https://www.example.com/ar/article-1?b=2&a=1"
	resp1 := httpResponse("200 OK", "text/html; charset=utf-8", []byte(arabicHTML), "Server: test")
	req, resp, err := w.Exchange(warc.Exchange{TargetURI: u1, Date: d1, Request: httpRequest("/ar/article-1?b=2&a=1", "www.example.com"),
		Response: resp1, PayloadDigest: warc.Digest([]byte(arabicHTML))})
	add(req, err, wantRecord{typ: "request", uri: u1, date: d1})
	first := add(resp, err, wantRecord{typ: "response", uri: u1, date: d1, body: []byte(arabicHTML), status: 200})

	// 2. Binary body.
	d2 := mustTime(t, "2024-03-05T10:20:31.000000001Z")
	u2 := "https://example.com/img/logo.png"
	req, resp, err = w.Exchange(warc.Exchange{TargetURI: u2, Date: d2, Request: httpRequest("/img/logo.png", "example.com"),
		Response: httpResponse("200 OK", "image/png", binaryBody())})
	add(req, err, wantRecord{typ: "request", uri: u2, date: d2})
	add(resp, err, wantRecord{typ: "response", uri: u2, date: d2, body: binaryBody(), status: 200})

	// 3. Trailing slash, whole-second date, no request record.
	d3 := mustTime(t, "2024-03-05T10:20:32Z")
	u3 := "https://example.com/section/"
	body3 := []byte("<html><body><a href=\"/ar/article-1\">x</a></body></html>")
	req, resp, err = w.Exchange(warc.Exchange{TargetURI: u3, Date: d3, Response: httpResponse("200 OK", "text/html", body3)})
	if req != (warc.Written{}) {
		t.Fatalf("Exchange without request wrote a request: %+v", req)
	}
	add(resp, err, wantRecord{typ: "response", uri: u3, date: d3, body: body3, status: 200})

	// 4. Redirect with an empty body.
	d4 := mustTime(t, "2024-03-05T10:20:33.25Z")
	u4 := "http://example.com/old"
	req, resp, err = w.Exchange(warc.Exchange{TargetURI: u4, Date: d4, Request: httpRequest("/old", "example.com"),
		Response: httpResponse("301 Moved Permanently", "", nil, "Location: https://example.com/section/")})
	add(req, err, wantRecord{typ: "request", uri: u4, date: d4})
	add(resp, err, wantRecord{typ: "response", uri: u4, date: d4, body: []byte{}, status: 301})

	// addRevisit writes a revisit with its request record and adds both:
	// Revisit returns the revisit's Written only, and the request ends where
	// the revisit starts.
	addRevisit := func(r warc.RevisitRecord, status int) {
		t.Helper()
		prev := f.written[len(f.written)-1]
		start := prev.Offset + prev.Length
		if !gz {
			start += 4
		}
		rev, err := w.Revisit(r)
		if err != nil {
			t.Fatal(err)
		}
		n := rev.Offset - start
		if !gz {
			n -= 4
		}
		add(warc.Written{ID: warc.RecordID("request", r.TargetURI, r.Date, r.PayloadDigest), Type: "request", Offset: start, Length: n}, nil,
			wantRecord{typ: "request", uri: r.TargetURI, date: r.Date})
		add(rev, nil, wantRecord{typ: "revisit", uri: r.TargetURI, date: r.Date, status: status})
	}

	// 5. Identical-payload revisit of the Arabic page, with its request.
	d5 := mustTime(t, "2024-03-06T08:00:00.987654321Z")
	resp5 := httpResponse("200 OK", "text/html; charset=utf-8", []byte(arabicHTML), "Server: test", "Date: Wed, 06 Mar 2024 08:00:00 GMT")
	addRevisit(warc.RevisitRecord{TargetURI: u1, Date: d5, Profile: warc.ProfileIdenticalPayloadDigest, Block: resp5,
		PayloadDigest: warc.Digest([]byte(arabicHTML)), RefersToTargetURI: u1, RefersToDate: d1, RefersTo: first.ID,
		Request: httpRequest("/ar/article-1?b=2&a=1", "www.example.com")}, 200)

	// 6. Server-not-modified revisit, with its conditional request and no
	// payload digest.
	d6 := mustTime(t, "2024-03-07T08:00:00.000001Z")
	addRevisit(warc.RevisitRecord{TargetURI: u1, Date: d6, Profile: warc.ProfileServerNotModified,
		Block: []byte("HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n"), RefersToTargetURI: u1, RefersToDate: d1, RefersTo: first.ID,
		Request: []byte("GET /ar/article-1?b=2&a=1 HTTP/1.1\r\nHost: www.example.com\r\nIf-None-Match: \"abc\"\r\n\r\n")}, 304)

	// 7. Metadata records about the first response.
	meta := []byte(`{"title":"الحكومة تعلن عن خطة جديدة","version":1}`)
	add(w.Metadata(warc.MetadataRecord{TargetURI: u1, Date: d1, ContentType: "application/json", Body: meta, RefersTo: first.ID}))
	f.want[len(f.want)-1] = wantRecord{typ: "metadata", uri: u1, date: d1, body: meta}
	meta2 := []byte(`{"title":"reextracted","version":2}`)
	d7 := mustTime(t, "2024-03-08T00:00:00.1Z")
	add(w.Metadata(warc.MetadataRecord{TargetURI: u1, Date: d7, ContentType: "application/json", Body: meta2, RefersTo: first.ID}))
	f.want[len(f.want)-1] = wantRecord{typ: "metadata", uri: u1, date: d7, body: meta2}

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.data = buf.Bytes()
	return f
}

// needTool returns the path of an external program, skipping the test when
// it is missing outside CI and failing it in CI (CI=true installs it).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatalf("%s not on PATH in CI (.ci/run installs it): %v", name, err)
	}
	t.Skipf("%s not on PATH", name)
	return ""
}
