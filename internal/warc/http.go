package warc

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// HTTPResponse is the HTTP response in a response or revisit record.
type HTTPResponse struct {
	Proto  string      // "HTTP/1.1"
	Status int         // 200
	Header http.Header // every header as stored, Transfer-Encoding included
	// Body is the entity body: the bytes after the head, with chunked
	// transfer coding undone when Chunked is true. Content-Encoding (gzip
	// and the like) is left as is: see DecodedBody. Empty for revisits.
	Body    []byte
	Chunked bool // the stored message used chunked transfer coding
}

// ErrUnsupportedEncoding is returned by DecodedBody for a Content-Encoding
// it cannot undo (br, compress, ...).
var ErrUnsupportedEncoding = errors.New("unsupported content encoding")

// maxDecodedBody bounds what DecodedBody inflates, against decompression bombs.
const maxDecodedBody = 256 << 20

// DecodedBody returns h.Body with its Content-Encoding undone: gzip
// (x-gzip), deflate (zlib or raw), zstd and identity, applied in reverse
// order when several are listed. It returns ErrUnsupportedEncoding (wrapped)
// for others such as br, and an error when the body is larger than 256 MiB
// once decoded.
func DecodedBody(h *HTTPResponse) ([]byte, error) {
	if h == nil {
		return nil, errors.New("decode body: no HTTP response")
	}
	var codings []string
	for _, v := range h.Header.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	body := h.Body
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		body, err = decode(codings[i], body)
		if err != nil {
			return nil, fmt.Errorf("decode body (%s): %w", codings[i], err)
		}
	}
	return body, nil
}

func decode(coding string, b []byte) ([]byte, error) {
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
		if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
			defer zr.Close()
			r = zr
		} else {
			fr := flate.NewReader(bytes.NewReader(b))
			defer fr.Close()
			r = fr
		}
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, ErrUnsupportedEncoding
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecodedBody+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxDecodedBody {
		return nil, fmt.Errorf("decoded body larger than %d bytes", maxDecodedBody)
	}
	return out, nil
}

// headEnd returns the length of the HTTP head in b, blank line included, and
// whether a blank line (CRLF CRLF, or bare LFs) was found. Without one the
// whole of b is the head.
func headEnd(b []byte) (int, bool) {
	i := 0
	for i < len(b) && (b[i] == '\r' || b[i] == '\n') { // blank lines before the status line
		i++
	}
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return len(b), false
		}
		line := b[i : i+j]
		i += j + 1
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return i, true
		}
	}
	return len(b), false
}

// parseHTTPResponse parses an HTTP response stored in a record block. It is
// lenient: odd header lines and broken chunking become warnings. err is
// non-nil only when b is not an HTTP response at all.
func parseHTTPResponse(b []byte) (resp *HTTPResponse, warnings []error, err error) {
	n, complete := headEnd(b)
	head := b[:n]
	if !complete && len(bytes.TrimSpace(head)) > 0 {
		warnings = append(warnings, errors.New("http: head has no terminating blank line"))
	}
	lines := strings.Split(strings.TrimLeft(string(head), "\r\n"), "\n")
	status := strings.TrimRight(lines[0], "\r")
	proto, rest, _ := strings.Cut(status, " ")
	if !strings.HasPrefix(proto, "HTTP/") {
		return nil, nil, fmt.Errorf("not an HTTP response: status line %q", truncate(status, 60))
	}
	codeStr, _, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	code, cerr := strconv.Atoi(codeStr)
	if cerr != nil || code < 100 || code > 999 {
		return nil, nil, fmt.Errorf("bad HTTP status line %q", truncate(status, 60))
	}
	resp = &HTTPResponse{Proto: proto, Status: code, Header: http.Header{}}
	var last string
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			continue
		}
		if (l[0] == ' ' || l[0] == '\t') && last != "" { // obsolete line folding
			vs := resp.Header[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(l)
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			warnings = append(warnings, fmt.Errorf("http: malformed header line %q", truncate(l, 60)))
			continue
		}
		last = textproto.CanonicalMIMEHeaderKey(name)
		resp.Header[last] = append(resp.Header[last], strings.TrimSpace(value))
	}
	body := b[n:]
	if isChunked(resp.Header) && len(body) > 0 {
		dec, derr := dechunk(body)
		switch {
		case derr == nil:
			resp.Body, resp.Chunked = dec, true
		case len(dec) > 0:
			resp.Body, resp.Chunked = dec, true
			warnings = append(warnings, fmt.Errorf("http: chunked body: %w (kept %d decoded bytes)", derr, len(dec)))
		default:
			resp.Body = body
			warnings = append(warnings, fmt.Errorf("http: chunked body: %w (kept raw body)", derr))
		}
	} else {
		resp.Body = body
	}
	return resp, warnings, nil
}

func isChunked(h http.Header) bool {
	vs := h.Values("Transfer-Encoding")
	if len(vs) == 0 {
		return false
	}
	codings := strings.Split(vs[len(vs)-1], ",")
	return strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked")
}

// dechunk undoes chunked transfer coding, tolerating LF-only line ends, a
// missing CRLF after a chunk and a missing last chunk. On error it returns
// what it decoded so far.
func dechunk(b []byte) ([]byte, error) {
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return out, errors.New("truncated chunk size line")
		}
		line := strings.TrimSpace(string(b[:i]))
		b = b[i+1:]
		if line == "" && len(out) > 0 {
			continue // stray CRLF between chunks
		}
		sizeStr, _, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeStr), 16, 64)
		if err != nil || size < 0 {
			return out, fmt.Errorf("bad chunk size %q", truncate(line, 20))
		}
		if size == 0 {
			return out, nil // trailers, if any, are dropped
		}
		if size > int64(len(b)) {
			out = append(out, b...)
			return out, errors.New("truncated chunk")
		}
		out = append(out, b[:size]...)
		b = b[size:]
		switch {
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		}
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil // no last chunk: accept what was there
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
