// Package charset turns a fetched HTML body into UTF-8, whatever it was
// declared in: the Content-Type header, a <meta charset> or
// <meta http-equiv> tag, a byte-order mark, or nothing (then UTF-8 when the
// bytes are valid UTF-8, else windows-1252 as browsers do).
package charset

import (
	"bytes"
	"unicode/utf8"

	xcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// Decode returns body as UTF-8 and the name of the encoding it was read in.
// A body that is already UTF-8 is returned as is, without a copy.
func Decode(body []byte, contentType string) ([]byte, string, error) {
	enc, name, _ := xcharset.DetermineEncoding(body, contentType)
	if enc == nil || enc == encoding.Nop || name == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(body) {
			// Keep what is readable; invalid bytes become U+FFFD.
			return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8", nil
		}
		return body, "utf-8", nil
	}
	if enc == unicode.UTF8 {
		return body, "utf-8", nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, name, err
	}
	return out, name, nil
}
