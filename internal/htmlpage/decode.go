package htmlpage

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// Decoded is a body read as UTF-8.
type Decoded struct {
	Text     []byte // the body in UTF-8, without its BOM; the body itself when it was valid UTF-8
	Encoding string // WHATWG name of the encoding it was read in: "utf-8", "windows-1256"...
	Rule     string // the rule that chose it: "bom", "http charset", "meta charset (byte 3120)"...
}

var (
	bomUTF8    = []byte("\xef\xbb\xbf")
	bomUTF16LE = []byte("\xff\xfe")
	bomUTF16BE = []byte("\xfe\xff")
)

// Decode reads body, fetched with this Content-Type header ("" for none),
// as UTF-8, in the encoding the first rule of the package doc that applies
// chooses. Invalid bytes become U+FFFD.
func Decode(body []byte, contentType string) (Decoded, error) {
	name, rule, valid := choose(body, contentType)
	if name == "utf-8" && valid && !cutRune(body) {
		return Decoded{Text: body, Encoding: name, Rule: rule}, nil // checked once, in choose
	}
	text, err := decodeAs(body, name)
	if err != nil {
		return Decoded{}, fmt.Errorf("decode as %s: %w", name, err)
	}
	return Decoded{Text: text, Encoding: name, Rule: rule}, nil
}

// cutRune reports a body whose last character was cut short (a
// truncated fetch); utf8State counts such a body as valid UTF-8.
func cutRune(b []byte) bool {
	for k := len(b) - 1; k >= 0 && k >= len(b)-utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			return !utf8.FullRune(b[k:])
		}
	}
	return false
}

// choose is the encoding's name and the rule that chose it; valid tells
// that body (which then has no byte-order mark) is valid UTF-8 as it is.
func choose(body []byte, contentType string) (name, rule string, valid bool) {
	switch {
	case bytes.HasPrefix(body, bomUTF8):
		return "utf-8", "bom", false
	case bytes.HasPrefix(body, bomUTF16LE):
		return "utf-16le", "bom", false
	case bytes.HasPrefix(body, bomUTF16BE):
		return "utf-16be", "bom", false
	}
	valid, multibyte := utf8State(body)
	name, rule = chooseDeclared(body, contentType, valid, multibyte)
	return name, rule, valid
}

// chooseDeclared applies the rules after the byte-order mark.
func chooseDeclared(body []byte, contentType string, valid, multibyte bool) (name, rule string) {
	// contradicted: the bytes are UTF-8 and could hardly be anything else.
	contradicted := func(name string) bool { return name != "utf-8" && valid && multibyte }

	if label := charsetParam(contentType); label != "" {
		if name, ok := resolve(label); ok && !(isUTF16(name) && !hasNUL(body)) {
			if contradicted(name) {
				return "utf-8", "declared " + label + " in http charset, bytes are UTF-8"
			}
			return name, "http charset"
		}
	}
	if m, ok := metaCharset(body); ok {
		if contradicted(m.name) {
			return "utf-8", "declared " + m.label + " in " + m.rule + ", bytes are UTF-8"
		}
		return m.name, m.rule
	}
	if valid {
		return "utf-8", "valid utf-8"
	}
	if name, confidence, ok := detect(body); ok {
		return name, fmt.Sprintf("detector: %s (confidence %d)", name, confidence)
	}
	return "windows-1252", "default windows-1252"
}

// decodeAs converts body from the named encoding to UTF-8.
func decodeAs(body []byte, name string) ([]byte, error) {
	switch name {
	case "utf-8":
		body = bytes.TrimPrefix(body, bomUTF8)
		if utf8.Valid(body) {
			return body, nil
		}
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), nil
	case "utf-16le":
		body = bytes.TrimPrefix(body, bomUTF16LE)
	case "utf-16be":
		body = bytes.TrimPrefix(body, bomUTF16BE)
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Bytes(body)
}

// resolve is the WHATWG name of the encoding a label stands for; ok is
// false for an unknown label and for the "replacement" encoding (which
// would read a whole page as one U+FFFD).
func resolve(label string) (name string, ok bool) {
	enc, err := htmlindex.Get(strings.TrimSpace(label))
	if err != nil || enc == encoding.Replacement {
		return "", false
	}
	name, err = htmlindex.Name(enc)
	return name, err == nil
}

func isUTF16(name string) bool { return name == "utf-16le" || name == "utf-16be" }

// hasNUL reports a NUL byte among the first bytes, as any UTF-16 HTML has.
func hasNUL(body []byte) bool {
	if len(body) > sniffLen {
		body = body[:sniffLen]
	}
	return bytes.IndexByte(body, 0) >= 0
}

// utf8State tells whether b is valid UTF-8 and whether it has any
// multi-byte sequence. A sequence cut at the very end (a body cut at a
// size limit) is allowed when there is another multi-byte sequence before
// it: alone it is no evidence of UTF-8.
func utf8State(b []byte) (valid, multibyte bool) {
	cut := false
	if !utf8.Valid(b) {
		k := len(b) - 1
		for k > 0 && k > len(b)-utf8.UTFMax && !utf8.RuneStart(b[k]) {
			k--
		}
		if !utf8.RuneStart(b[k]) || utf8.FullRune(b[k:]) || !utf8.Valid(b[:k]) {
			return false, false
		}
		b, cut = b[:k], true
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true, true
		}
	}
	return !cut, false
}

// charsetParam is the encoding label of a Content-Type value, read as the
// WHATWG algorithm for a <meta> content attribute reads it (leniently:
// "text/html;charset=utf-8", "charset='utf-8'", "charset = latin1"); ""
// when there is none.
func charsetParam(s string) string {
	const space = " \t\n\f\r"
	for {
		i := indexFold(s, "charset")
		if i < 0 {
			return ""
		}
		s = strings.TrimLeft(s[i+len("charset"):], space)
		if !strings.HasPrefix(s, "=") {
			continue
		}
		s = strings.TrimLeft(s[1:], space)
		if s == "" {
			return ""
		}
		if q := s[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return ""
			}
			return s[1 : 1+end]
		}
		if end := strings.IndexAny(s, space+";"); end >= 0 {
			s = s[:end]
		}
		return s
	}
}

// indexFold is the index of the first ASCII-case-insensitive match of the
// lower-case ASCII word in s, or -1.
func indexFold(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if hasPrefixFold(s[i:], word) {
			return i
		}
	}
	return -1
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word,
// ASCII letters compared without case.
func hasPrefixFold[T string | []byte](s T, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
