// Package discover reads the documents in which news sites announce their
// articles: sitemaps (urlset and sitemapindex, plain or gzip'd, with the
// Google News extension), feeds (RSS, Atom, JSON Feed) and the Sitemap:
// lines of robots.txt. It parses and never fetches: bytes in, entries out,
// no network, no logging. The crawler fetches the documents and decides
// what to queue.
//
// # Bodies
//
// A body may be gzip'd (told by its magic bytes, not by a name or a
// header: servers send .xml.gz with and without Content-Encoding), may
// start with a byte-order mark (UTF-8, or UTF-16, which is transcoded) and
// with white space. A body, or a gunzipped body, of more than MaxBodyBytes
// is an error, as the sitemap protocol allows no more. At most MaxEntries
// entries are read from one document.
//
// # Sitemaps
//
// ParseSitemap reads the XML sitemap protocol (sitemaps.org) with our own
// encoding/xml reader, matching local names so that a wrong or missing
// namespace does not lose a file: <urlset> gives Entries (loc, lastmod, and
// of the Google News extension news:publication_date and news:title),
// <sitemapindex> gives Sitemaps (the children's loc and lastmod). A body
// that is not XML but lines of http(s) URLs is a text sitemap. The reader
// is not strict about entities, so that a stray "&" in a URL does not lose
// the file, but an unbalanced or cut document is an error that says where.
// URLs are returned as written, trimmed: the protocol requires absolute
// URLs; resolving or dropping the others is the caller's choice.
//
// Dates take the W3C forms of the protocol (YYYY, YYYY-MM, YYYY-MM-DD,
// with hh:mm, hh:mm:ss or fractions, and Z or ±hh:mm), plus the common
// mistakes: no zone (UTC), a space for the T, ±hhmm, RFC 1123. A date that
// cannot be read is left zero, never an error.
//
// # Feeds
//
// ParseFeed reads RSS 0.9x/1.0/2.0, Atom and JSON Feed through
// github.com/mmcdole/gofeed, taking each item's link (else its first link,
// else a GUID that is an http(s) URL) resolved against the feed's own URL.
//
// # Entry.Modified
//
// The latest date known of an entry: lastmod or news:publication_date,
// updated or published; zero when none is given. Always in UTC.
package discover
