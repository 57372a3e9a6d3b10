package discover

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/text/encoding/unicode"
)

// MaxBodyBytes is the largest document read, after gunzipping: the
// sitemap protocol's limit (50 MiB uncompressed).
const MaxBodyBytes = 50 << 20

// MaxEntries is the most entries read from one document, the sitemap
// protocol's limit per file.
const MaxEntries = 50_000

// ErrNotSitemap says that a body is not a sitemap at all (an HTML page, a
// feed), as opposed to a broken one.
var ErrNotSitemap = errors.New("not a sitemap")

// ErrNotFeed says that a body is not RSS, Atom or JSON Feed at all, as
// opposed to a broken feed.
var ErrNotFeed = errors.New("not a feed")

// Entry is one URL a document announces.
type Entry struct {
	URL      string
	Modified time.Time // the latest date known (see the package doc); zero when none; UTC
	Title    string    // news:title, or the feed item's title; "" when none
}

// unpack gunzips body when it is gzip'd, checks its size and takes off a
// byte-order mark; UTF-16 is transcoded to UTF-8 (recode is then true:
// the XML declaration no longer tells the encoding).
func unpack(body []byte) (out []byte, recode bool, err error) {
	if len(body) > MaxBodyBytes {
		return nil, false, fmt.Errorf("body of %d bytes: more than %d", len(body), MaxBodyBytes)
	}
	// Twice at most: a .gz that a server gzip'd again on the fly.
	for range 2 {
		if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
			break
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, false, fmt.Errorf("gunzip: %w", err)
		}
		body, err = io.ReadAll(io.LimitReader(zr, MaxBodyBytes+1))
		if err != nil {
			return nil, false, fmt.Errorf("gunzip: %w", err)
		}
		if len(body) > MaxBodyBytes {
			return nil, false, fmt.Errorf("gunzip: more than %d bytes", MaxBodyBytes)
		}
	}
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		body = body[3:]
	case bytes.HasPrefix(body, []byte("\xfe\xff")), bytes.HasPrefix(body, []byte("\xff\xfe")):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		body, err = dec.Bytes(body)
		if err != nil {
			return nil, false, fmt.Errorf("decode utf-16: %w", err)
		}
		return dropXMLDecl(bytes.TrimLeft(body, " \t\r\n")), true, nil
	}
	return bytes.TrimLeft(body, " \t\r\n"), false, nil
}

// dropXMLDecl removes a leading <?xml ...?>, whose encoding no longer
// holds once the body is transcoded.
func dropXMLDecl(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return b
	}
	if i := bytes.Index(b, []byte("?>")); i >= 0 {
		return bytes.TrimLeft(b[i+2:], " \t\r\n")
	}
	return b
}
