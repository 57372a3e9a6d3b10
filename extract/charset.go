package extract

import (
	"bytes"
	"fmt"
	"mime"
	"strings"

	"golang.org/x/net/html"

	"github.com/newsarc/newsarc/internal/charset"
)

// parse checks that the body is HTML, decodes it to UTF-8 with
// internal/charset (Content-Type, <meta charset>, BOM, else UTF-8 or
// windows-1252) and parses it.
func parse(in Input) (*html.Node, error) {
	if !looksHTML(in.ContentType, in.Body) {
		return nil, ErrNotHTML
	}
	text, _, err := charset.Decode(in.Body, in.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", in.URL, err)
	}
	doc, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", in.URL, err)
	}
	return doc, nil
}

// looksHTML accepts a body declared as HTML; else, when it is declared as
// nothing, some text/* or application/octet-stream, a body that does not
// sniff as binary (a magic number or control bytes in its first 512
// bytes); else a body that starts like an HTML document.
func looksHTML(contentType string, body []byte) bool {
	declared := ""
	if contentType != "" {
		if mt, _, err := mime.ParseMediaType(contentType); err == nil {
			declared = mt
		} else {
			declared = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
		}
	}
	switch {
	case declared == "text/html" || declared == "application/xhtml+xml":
		return true
	case declared == "" || strings.HasPrefix(declared, "text/") || declared == "application/octet-stream":
		return !binary(body)
	}
	return startsLikeHTML(body)
}

// magic are the leading bytes of common non-text formats.
var magic = []string{
	"%PDF-", "\x89PNG", "GIF87a", "GIF89a", "\xff\xd8\xff", "PK\x03\x04", "\x1f\x8b",
	"RIFF", "OggS", "ID3", "\x00\x00\x01\x00", "wOFF", "wOF2", "\x1aE\xdf\xa3",
}

// binary sniffs the first 512 bytes: a known magic number, or a control
// byte that text never has. UTF-16 (with its BOM) is text.
func binary(body []byte) bool {
	if len(body) > 512 {
		body = body[:512]
	}
	if bytes.HasPrefix(body, []byte("\xfe\xff")) || bytes.HasPrefix(body, []byte("\xff\xfe")) {
		return false
	}
	for _, m := range magic {
		if bytes.HasPrefix(body, []byte(m)) {
			return true
		}
	}
	for _, c := range body {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) {
			return true
		}
	}
	return false
}

// startsLikeHTML reports a body whose first tag opens an HTML document.
func startsLikeHTML(body []byte) bool {
	if len(body) > 512 {
		body = body[:512]
	}
	b := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n\f"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<!--"} {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}
