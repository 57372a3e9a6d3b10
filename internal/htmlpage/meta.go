package htmlpage

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// metaScanLen bounds the scan for a <meta> charset declaration: browsers
// stop at 1,024 bytes, which many pages pass with styles and meta tags
// before theirs.
const metaScanLen = 64 << 10

// metaDecl is an encoding declared by a <meta> of the head.
type metaDecl struct {
	label string // as written
	name  string // the encoding it stands for
	rule  string // "meta charset (byte N)" or "meta http-equiv (byte N)"
}

// metaCharset finds the first <meta charset> or <meta http-equiv=
// Content-Type content="...; charset=..."> with a usable label, before
// </head>, <body> or metaScanLen bytes. Script, style and comments are
// skipped as the tokenizer skips them; a label naming UTF-16 is ignored,
// as browsers ignore it, and x-user-defined means windows-1252, as it does
// for them.
func metaCharset(body []byte) (metaDecl, bool) {
	if len(body) > metaScanLen {
		body = body[:metaScanLen]
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	offset := 0
	for {
		tt := z.Next()
		start := offset
		offset += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return metaDecl{}, false
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				return metaDecl{}, false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return metaDecl{}, false
			case "meta":
				if d, ok := metaOf(z, hasAttr, start); ok {
					return d, true
				}
			}
		}
	}
}

// metaOf reads the declaration of the <meta> tag z is on, which starts at
// byte offset.
func metaOf(z *html.Tokenizer, hasAttr bool, offset int) (metaDecl, bool) {
	var charset, httpEquiv, content string
	var hasCharset, hasContent bool
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "charset":
			if !hasCharset {
				charset, hasCharset = string(v), true
			}
		case "http-equiv":
			httpEquiv = string(v)
		case "content":
			if !hasContent {
				content, hasContent = string(v), true
			}
		}
	}
	d := metaDecl{label: strings.TrimSpace(charset), rule: fmt.Sprintf("meta charset (byte %d)", offset)}
	if !hasCharset {
		if !strings.EqualFold(strings.TrimSpace(httpEquiv), "content-type") || !hasContent {
			return metaDecl{}, false
		}
		d.label, d.rule = charsetParam(content), fmt.Sprintf("meta http-equiv (byte %d)", offset)
	}
	name, ok := resolve(d.label)
	if !ok || isUTF16(name) {
		return metaDecl{}, false
	}
	if name == "x-user-defined" {
		name = "windows-1252"
	}
	d.name = name
	return d, true
}
