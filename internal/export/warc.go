package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/warc"
	"github.com/newsarc/newsarc/store"
)

// WARC is one WARC export: what goes into its warcinfo record and which
// fetches it holds.
type WARC struct {
	Software string // "newsarc/VERSION", for the warcinfo record
	Config   config.Config
	Sites    []*config.Site
	Filter   store.Filter
	Filename string // the WARC's file name, as the warcinfo and the CDXJ index name it
	Gzip     bool   // one gzip member per record
}

// Write streams every fetch the filter selects to out as WARC/1.1 records
// and returns the index entries of its response and revisit records.
//
// The mapping (docs/archive-format.md):
//   - the fetch that made a version: request + response, and a metadata
//     record with the extracted record as JSON;
//   - a version made by reextract: a metadata record only, referring to
//     the response it was re-extracted from;
//   - a re-fetch with the same content but other bytes: request + response;
//   - a re-fetch with the same payload: revisit, identical-payload-digest;
//   - a 304: revisit, server-not-modified;
//
// and a revisit whose request head is stored is preceded by it, as a
// request record linked to the revisit by WARC-Concurrent-To.
func (e *WARC) Write(ctx context.Context, a store.Archive, out io.Writer) ([]warc.IndexEntry, error) {
	bw := bufio.NewWriterSize(out, 256<<10)
	w := warc.NewWriter(bw, e.Gzip)
	if _, err := w.Info(time.Now().UTC(), e.Filename, e.info()); err != nil {
		return nil, fmt.Errorf("warcinfo: %w", err)
	}
	var index []warc.IndexEntry
	add := func(wr warc.Written) {
		if wr.Index != nil {
			index = append(index, *wr.Index)
		}
	}
	err := a.Fetches(ctx, e.Filter, func(f store.Fetch) error {
		switch {
		case f.Kind == store.FetchVersion && f.Origin == store.OriginReextract:
			src := warc.RecordID("response", f.OriginalTarget, f.Original.FetchedAt, f.PayloadDigest)
			return e.metadata(w, &f, src)
		case f.Kind == store.FetchVersion, f.Kind == store.FetchDifferent:
			_, resp, err := w.Exchange(warc.Exchange{TargetURI: f.TargetURI, Date: f.FetchedAt, Request: f.Request,
				Response: f.Capture, PayloadDigest: f.PayloadDigest})
			if err != nil {
				return fmt.Errorf("%s at %s: %w", f.TargetURI, f.FetchedAt.Format(time.RFC3339Nano), err)
			}
			add(resp)
			if f.Kind == store.FetchVersion {
				return e.metadata(w, &f, resp.ID)
			}
			return nil
		default: // FetchIdentical, FetchNotModified
			profile := warc.ProfileIdenticalPayloadDigest
			if f.Kind == store.FetchNotModified {
				profile = warc.ProfileServerNotModified
			}
			wr, err := w.Revisit(warc.RevisitRecord{
				TargetURI:         f.TargetURI,
				Date:              f.FetchedAt,
				Profile:           profile,
				Block:             f.Capture,
				Request:           f.Request,
				PayloadDigest:     f.PayloadDigest,
				RefersToTargetURI: f.OriginalTarget,
				RefersToDate:      f.Original.FetchedAt,
				RefersTo:          warc.RecordID("response", f.OriginalTarget, f.Original.FetchedAt, f.PayloadDigest),
			})
			if err != nil {
				return fmt.Errorf("%s at %s: %w", f.TargetURI, f.FetchedAt.Format(time.RFC3339Nano), err)
			}
			add(wr)
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return index, bw.Flush()
}

// metadata writes the version's extracted record, as export gives it, in
// a metadata record that refers to the response it was extracted from.
func (e *WARC) metadata(w *warc.Writer, f *store.Fetch, refersTo string) error {
	var art extract.Article
	if err := json.Unmarshal(f.Record, &art); err != nil {
		return fmt.Errorf("decode record %s v%d: %w", f.URL, f.Version, err)
	}
	art.Version = f.Version
	body, err := json.Marshal(&art)
	if err != nil {
		return err
	}
	_, err = w.Metadata(warc.MetadataRecord{TargetURI: f.TargetURI, Date: f.FetchedAt, ContentType: "application/json",
		Body: body, RefersTo: refersTo})
	if err != nil {
		return fmt.Errorf("metadata %s v%d: %w", f.URL, f.Version, err)
	}
	return nil
}

// info is the warcinfo record's fields: the software, the crawl settings
// and the export's selection.
func (e *WARC) info() [][2]string {
	f := [][2]string{
		{"software", e.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{"http-header-user-agent", e.Config.UserAgent},
		{"robots", "obey"},
		{"newsarc-concurrency", strconv.Itoa(e.Config.Concurrency)},
		{"newsarc-timeout", time.Duration(e.Config.Timeout).String()},
		{"newsarc-max-body-bytes", strconv.FormatInt(e.Config.MaxBodyBytes, 10)},
	}
	for _, s := range e.Sites {
		f = append(f, [2]string{"newsarc-site", fmt.Sprintf("%s file=%s sha256=%s", s.Name, filepath.Base(s.File), s.Hash)})
	}
	sel := "all sites"
	if e.Filter.Site != "" {
		sel = "site " + e.Filter.Site
	}
	if !e.Filter.Since.IsZero() {
		sel += ", since " + e.Filter.Since.Format(time.RFC3339)
	}
	if !e.Filter.Until.IsZero() {
		sel += ", until " + e.Filter.Until.Format(time.RFC3339)
	}
	f = append(f, [2]string{"description", "newsarc archive export: " + sel})
	return f
}
