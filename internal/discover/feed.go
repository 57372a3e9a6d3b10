package discover

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// ParseFeed reads an RSS, Atom or JSON Feed document and returns its items
// that have a link, in document order, at most MaxEntries. Relative links
// are resolved against base, the feed's own URL (nil: relative links are
// dropped); links that are not http(s) are dropped. A body that is no feed
// gives an error wrapping ErrNotFeed.
func ParseFeed(body []byte, base *url.URL) ([]Entry, error) {
	b, _, err := unpack(body)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	kind := "feed"
	switch gofeed.DetectFeedType(bytes.NewReader(b)) {
	case gofeed.FeedTypeRSS:
		kind = "rss"
	case gofeed.FeedTypeAtom:
		kind = "atom"
	case gofeed.FeedTypeJSON:
		kind = "json feed"
	default:
		return nil, fmt.Errorf("feed: neither rss, atom nor json feed: %w", ErrNotFeed)
	}
	f, err := parseGofeed(b)
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("feed: neither rss, atom nor json feed: %w", ErrNotFeed)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", kind, err)
	}
	var out []Entry
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		link := itemLink(it, base)
		if link == "" {
			continue
		}
		if len(out) >= MaxEntries {
			break
		}
		e := Entry{URL: link, Title: strings.Join(strings.Fields(it.Title), " ")}
		for _, t := range []*time.Time{it.UpdatedParsed, it.PublishedParsed} {
			if t != nil {
				e.Modified = later(e.Modified, t.UTC())
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// itemLink is the item's link, else its first link, else a GUID that is a
// URL, resolved against base; "" when none is an http(s) URL.
func itemLink(it *gofeed.Item, base *url.URL) string {
	cands := make([]string, 0, 2+len(it.Links))
	cands = append(cands, it.Link)
	cands = append(cands, it.Links...)
	for _, c := range cands {
		if l := absolute(c, base); l != "" {
			return l
		}
	}
	// A GUID is a permalink only when it is an absolute URL already.
	return absolute(it.GUID, nil)
}

// absolute resolves ref against base (nil: ref must be absolute) and
// returns it when it is an http(s) URL with a host.
func absolute(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// parseGofeed runs gofeed, turning a panic of its parsers into an error:
// the bytes come from the network, and a crawler runs for months.
func parseGofeed(b []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if v := recover(); v != nil {
			f, err = nil, fmt.Errorf("gofeed panic: %v", v)
		}
	}()
	return gofeed.NewParser().Parse(bytes.NewReader(b))
}
