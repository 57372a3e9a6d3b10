package htmlpage

import (
	"bytes"
	"mime"
	"strings"

	"golang.org/x/text/encoding/unicode"
)

// How much of a body the sniffer reads: binary is judged on the first 512
// bytes, as http.DetectContentType does; an early tag is looked for in the
// first 1,024.
const (
	binaryLen = 512
	sniffLen  = 1024
)

// IsHTML reports whether a response with this Content-Type header and body
// is an HTML page: the declared media type decides, and a body declared as
// nothing (or application/octet-stream) is sniffed. See the package doc.
func IsHTML(contentType string, body []byte) bool {
	switch mt := mediaType(contentType); mt {
	case "text/html", "application/xhtml+xml":
		return true
	case "", "application/octet-stream", "application/unknown", "unknown/unknown", "*/*":
		return sniffHTML(body)
	default:
		return false
	}
}

// mediaType is the lower-case media type of a Content-Type header ("" for
// none), read leniently when the header does not parse.
func mediaType(contentType string) string {
	if strings.TrimSpace(contentType) == "" {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// sniffHTML tells an undeclared body that is an HTML page.
func sniffHTML(body []byte) bool {
	if len(body) > 2*sniffLen {
		body = body[:2*sniffLen]
	}
	if bytes.HasPrefix(body, bomUTF16LE) || bytes.HasPrefix(body, bomUTF16BE) {
		// Sniff the text it encodes; an odd byte cut at the end is dropped.
		text, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(body[:len(body)&^1])
		if err != nil {
			return false
		}
		body = text
	}
	body = bytes.TrimPrefix(body, bomUTF8)
	if binary(body) {
		return false
	}
	if len(body) > sniffLen {
		body = body[:sniffLen]
	}
	return startsLikeHTML(body) || hasEarlyTag(body)
}

// magic are the leading bytes of common non-text formats.
var magic = []string{
	"%PDF-", "\x89PNG", "GIF87a", "GIF89a", "\xff\xd8\xff", "PK\x03\x04", "\x1f\x8b",
	"RIFF", "OggS", "ID3", "\x00\x00\x01\x00", "wOFF", "wOF2", "\x1aE\xdf\xa3",
	"II*\x00", "MM\x00*", "\x28\xb5\x2f\xfd", "7z\xbc\xaf", "Rar!",
}

// binary sniffs the first 512 bytes: a known magic number, or a control
// byte that text never has (NUL, and the C0 controls but tab, newlines,
// form feed and escape).
func binary(body []byte) bool {
	if len(body) > binaryLen {
		body = body[:binaryLen]
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

// htmlElements are the tags an HTML document (or a saved fragment of one)
// may start with; a feed (<rss>, <feed>) or a sitemap (<urlset>) starts
// with none of them.
var htmlElements = map[string]bool{
	"html": true, "head": true, "body": true, "title": true, "meta": true, "link": true,
	"base": true, "script": true, "style": true, "noscript": true, "template": true,
	"div": true, "p": true, "span": true, "a": true, "b": true, "i": true, "u": true,
	"em": true, "strong": true, "font": true, "center": true, "br": true, "hr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"article": true, "section": true, "main": true, "header": true, "footer": true,
	"nav": true, "aside": true, "figure": true, "figcaption": true, "picture": true,
	"img": true, "iframe": true, "table": true, "tr": true, "td": true, "ul": true,
	"ol": true, "li": true, "dl": true, "form": true, "pre": true, "blockquote": true,
	"frameset": true, "time": true,
}

// startsLikeHTML reports a body that, past white space, comments and an
// XML declaration, opens with <!DOCTYPE html> or an HTML element's tag.
func startsLikeHTML(b []byte) bool {
	for {
		b = bytes.TrimLeft(b, " \t\r\n\f")
		switch {
		case hasPrefixFold(b, "<!--"):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				return false
			}
			b = b[4+end+3:]
		case hasPrefixFold(b, "<?xml"):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				return false
			}
			b = b[end+2:]
		case hasPrefixFold(b, "<!doctype"):
			return hasPrefixFold(bytes.TrimLeft(b[len("<!doctype"):], " \t\r\n\f"), "html")
		default:
			name, ok := tagName(b)
			return ok && htmlElements[name]
		}
	}
}

// hasEarlyTag reports an <html>, <head>, <body>, <p> or <div> tag
// anywhere in b: a saved page may start with a line of text.
func hasEarlyTag(b []byte) bool {
	for i := bytes.IndexByte(b, '<'); i >= 0; {
		switch name, _ := tagName(b[i:]); name {
		case "html", "head", "body", "p", "div":
			return true
		}
		next := bytes.IndexByte(b[i+1:], '<')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// tagName is the lower-case name of the start tag b begins with; ok only
// when the name ends in white space, ">" or "/".
func tagName(b []byte) (name string, ok bool) {
	if len(b) < 2 || b[0] != '<' {
		return "", false
	}
	i := 1
	for i < len(b) && (isASCIILetter(b[i]) || (i > 1 && b[i] >= '0' && b[i] <= '9')) {
		i++
	}
	if i == 1 || i == len(b) {
		return "", false
	}
	switch b[i] {
	case ' ', '\t', '\r', '\n', '\f', '>', '/':
		return strings.ToLower(string(b[1:i])), true
	}
	return "", false
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
