package extract

import (
	"bytes"
	"fmt"

	"golang.org/x/net/html"

	"github.com/newsarc/newsarc/internal/htmlpage"
)

// parse checks that the body is an HTML page, decodes it to UTF-8 and
// parses it. Whether it is a page and how it is decoded are decided by
// internal/htmlpage, as they are for the crawler; the decoding is
// returned for Explain.
func parse(in Input) (*html.Node, htmlpage.Decoded, error) {
	if !htmlpage.IsHTML(in.ContentType, in.Body) {
		return nil, htmlpage.Decoded{}, ErrNotHTML
	}
	dec, err := htmlpage.Decode(in.Body, in.ContentType)
	if err != nil {
		return nil, dec, fmt.Errorf("decode %s: %w", in.URL, err)
	}
	doc, err := html.Parse(bytes.NewReader(dec.Text))
	if err != nil {
		return nil, dec, fmt.Errorf("parse %s: %w", in.URL, err)
	}
	return doc, dec, nil
}
