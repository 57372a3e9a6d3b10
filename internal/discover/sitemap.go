package discover

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html/charset"
)

// Sitemap is what one sitemap file lists.
type Sitemap struct {
	// Entries are the <url> elements of a urlset (or the lines of a text
	// sitemap), in document order, each with a loc.
	Entries []Entry
	// Sitemaps are the <sitemap> elements of a sitemapindex: the child
	// sitemaps' URLs, with Modified from their lastmod.
	Sitemaps []Entry
	// Truncated: the file lists more than MaxEntries; the rest was not read.
	Truncated bool
}

// ParseSitemap reads an XML sitemap (urlset or sitemapindex) or a text
// sitemap. A body that is neither gives an error wrapping ErrNotSitemap;
// a broken one, an error that says what failed and where.
func ParseSitemap(body []byte) (Sitemap, error) {
	b, recode, err := unpack(body)
	if err != nil {
		return Sitemap{}, fmt.Errorf("sitemap: %w", err)
	}
	if len(b) == 0 {
		return Sitemap{}, fmt.Errorf("sitemap: empty body: %w", ErrNotSitemap)
	}
	if b[0] != '<' {
		return parseTextSitemap(b)
	}
	sm, err := parseXMLSitemap(b, recode)
	if err != nil {
		return Sitemap{}, fmt.Errorf("sitemap: %w", err)
	}
	return sm, nil
}

// Where a value read from inside an item goes.
const (
	fieldNone = iota
	fieldLoc
	fieldLastmod
	fieldPubDate
	fieldTitle
)

func parseXMLSitemap(b []byte, recode bool) (Sitemap, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false // a stray "&" in a URL must not lose the file
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	if recode {
		d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	}

	var (
		sm      Sitemap
		index   bool     // root is sitemapindex
		path    []string // local names of the open elements, root first
		field   int      // what the text being read is, fieldNone when none
		text    strings.Builder
		item    Entry // the <url> or <sitemap> being read
		lastmod string
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if path == nil {
				return Sitemap{}, fmt.Errorf("no root element: %w", ErrNotSitemap)
			}
			return sm, nil
		}
		if err != nil {
			return Sitemap{}, xmlError(err, path)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if path == nil {
				switch name {
				case "urlset":
				case "sitemapindex":
					index = true
				default:
					return Sitemap{}, fmt.Errorf("root element <%s> is not urlset or sitemapindex: %w", t.Name.Local, ErrNotSitemap)
				}
			}
			path = append(path, name)
			field = fieldOf(path, index)
			text.Reset()
			if len(path) == 2 {
				item, lastmod = Entry{}, ""
			}
		case xml.CharData:
			if field != fieldNone && text.Len() < 64<<10 {
				text.Write(t)
			}
		case xml.EndElement:
			switch field {
			case fieldLoc:
				item.URL = strings.TrimSpace(text.String())
			case fieldLastmod:
				lastmod = text.String()
				item.Modified = later(item.Modified, parseDate(lastmod))
			case fieldPubDate:
				item.Modified = later(item.Modified, parseDate(text.String()))
			case fieldTitle:
				item.Title = strings.Join(strings.Fields(text.String()), " ")
			}
			field = fieldNone
			if len(path) == 2 && item.URL != "" && (path[1] == "url" || path[1] == "sitemap") {
				if len(sm.Entries)+len(sm.Sitemaps) >= MaxEntries {
					sm.Truncated = true
					return sm, nil
				}
				if index {
					sm.Sitemaps = append(sm.Sitemaps, Entry{URL: item.URL, Modified: item.Modified})
				} else {
					sm.Entries = append(sm.Entries, item)
				}
			}
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			if len(path) == 0 {
				return sm, nil // what follows the root is not read
			}
		}
	}
}

// fieldOf tells what the text of the element at the end of path is.
func fieldOf(path []string, index bool) int {
	item := "url"
	if index {
		item = "sitemap"
	}
	switch {
	case len(path) == 3 && path[1] == item:
		switch path[2] {
		case "loc":
			return fieldLoc
		case "lastmod":
			return fieldLastmod
		}
	case len(path) == 4 && !index && path[1] == "url" && path[2] == "news":
		switch path[3] {
		case "publication_date":
			return fieldPubDate
		case "title":
			return fieldTitle
		}
	}
	return fieldNone
}

// xmlError names what failed, and in which element.
func xmlError(err error, path []string) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if len(path) > 0 {
			return fmt.Errorf("bad xml in <%s> on line %d: %s", strings.Join(path, "><"), se.Line, se.Msg)
		}
		return fmt.Errorf("bad xml on line %d: %s", se.Line, se.Msg)
	}
	return fmt.Errorf("bad xml: %w", err)
}

// parseTextSitemap reads a text sitemap: one absolute http(s) URL a line.
func parseTextSitemap(b []byte) (Sitemap, error) {
	var sm Sitemap
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Sitemap{}, fmt.Errorf("sitemap: neither xml nor a text sitemap: line %d is not an http(s) url: %w", n, ErrNotSitemap)
		}
		if len(sm.Entries) >= MaxEntries {
			sm.Truncated = true
			return sm, nil
		}
		sm.Entries = append(sm.Entries, Entry{URL: line})
	}
	if err := sc.Err(); err != nil {
		return Sitemap{}, fmt.Errorf("sitemap: text sitemap: %w", err)
	}
	if len(sm.Entries) == 0 {
		return Sitemap{}, fmt.Errorf("sitemap: empty body: %w", ErrNotSitemap)
	}
	return sm, nil
}
