// Package export writes the archive out: records as JSON Lines or CSV, and
// captures as WARC. The CLI and the HTTP API both use it, so that the same
// filters give the same bytes either way.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/store"
)

// Records streams the records that filter selects to w, as JSON Lines
// (format "jsonl") or CSV ("csv"): each version's stored record with its
// version and first/last seen times filled in.
func Records(ctx context.Context, a store.Archive, filter store.Filter, format string, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var write func(*extract.Article) error
	switch format {
	case "csv":
		cw := csv.NewWriter(bw)
		// Lines end in \n, not RFC 4180's \r\n: Go's writer would also turn
		// the \n inside text into \r\n, changing the exported text.
		if err := cw.Write(CSVHeader); err != nil {
			return err
		}
		write = func(a *extract.Article) error {
			if err := cw.Write(csvRow(a)); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		}
	default:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(a *extract.Article) error { return enc.Encode(a) }
	}
	err := a.Scan(ctx, filter, func(v store.Version, rec []byte) error {
		var art extract.Article
		if err := json.Unmarshal(rec, &art); err != nil {
			return fmt.Errorf("decode record %s v%d: %w", v.URL, v.Version, err)
		}
		art.Version = v.Version
		art.FirstSeen = v.FirstSeen.UTC().Format(time.RFC3339)
		art.LastSeen = v.LastSeen.UTC().Format(time.RFC3339)
		if art.Sections == nil {
			art.Sections = []extract.Section{}
		}
		if art.Images == nil {
			art.Images = []extract.Image{}
		}
		if art.Authors == nil {
			art.Authors = []string{} // records stored before authors existed
		}
		return write(&art)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// CSVHeader is the header row of the CSV export: the record's fields.
var CSVHeader = []string{"url", "site", "fetched_at", "first_seen", "last_seen", "version", "content_hash",
	"status", "payload_digest", "extractor", "language", "direction", "label", "headline", "source",
	"published_at", "sections", "images", "text", "authors", "modified_at"}

func csvRow(a *extract.Article) []string {
	return []string{a.URL, a.Site, a.FetchedAt, a.FirstSeen, a.LastSeen, strconv.Itoa(a.Version), a.ContentHash,
		strconv.Itoa(a.Status), a.PayloadDigest, a.Extractor, a.Language, a.Direction, a.Label, a.Headline, a.Source,
		a.PublishedAt, jsonString(a.Sections), jsonString(a.Images), a.Text, jsonString(a.Authors), a.ModifiedAt}
}

// jsonString is v as compact JSON, with <, > and & left as they are (as in
// the JSON Lines export).
func jsonString(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// ParseTime reads RFC 3339 or YYYY-MM-DD (UTC). A date-only end of range
// is the start of the next day, so that the named day is included.
func ParseTime(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-11-29T10:00:00Z) nor YYYY-MM-DD", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
