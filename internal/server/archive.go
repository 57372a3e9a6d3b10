package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/store"
)

// Response headers of /api/v1/history and /api/v1/record.
const (
	headerURL     = "Newsarc-Url"     // the article's URL, normalised as the archive keys it
	headerVersion = "Newsarc-Version" // the version /api/v1/record returned
)

// HistoryLine is one version as `newsarc history --format json` prints it
// and /api/v1/history serves it: one JSON object per line.
type HistoryLine struct {
	Version     int    `json:"version"`
	FetchedAt   string `json:"fetched_at"`
	FirstSeen   string `json:"first_seen"`
	LastSeen    string `json:"last_seen"`
	Seen        int    `json:"seen"`
	ContentHash string `json:"content_hash"`
	Origin      string `json:"origin"`
}

// NewHistoryLine is v as a history line: times in RFC 3339, UTC, to the
// second.
func NewHistoryLine(v store.Version) HistoryLine {
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	return HistoryLine{v.Version, ts(v.FetchedAt), ts(v.FirstSeen), ts(v.LastSeen), v.Seen, v.ContentHash, string(v.Origin)}
}

// SiteInfo is one site in /api/v1/sites.
type SiteInfo struct {
	Name        string   `json:"name"`
	File        string   `json:"file"` // base name of the site file
	Hash        string   `json:"hash"` // first 12 hex digits of the file's SHA-256
	Extractor   string   `json:"extractor"`
	Schedule    string   `json:"schedule"` // cron spec, "" = not scheduled
	Domains     []string `json:"domains"`
	StartURLs   []string `json:"start_urls"`
	ArticleURLs []string `json:"article_urls"`
	FollowURLs  []string `json:"follow_urls"`
	IgnoreURLs  []string `json:"ignore_urls"`
	MaxDepth    int      `json:"max_depth"`
	Rate        float64  `json:"rate"`      // requests per second, 0 = no limit
	Selectors   bool     `json:"selectors"` // false: the generic extractor reads every page
	Revisits    []string `json:"revisits"`  // ages after first seen at which articles are fetched again ("15m", "1d")
}

func siteInfo(s *config.Site) SiteInfo {
	info := SiteInfo{Name: s.Name, File: filepath.Base(s.File), Hash: s.Hash, Extractor: s.Extractor(), Schedule: s.Schedule,
		Domains: nonNil(s.Crawl.Domains), StartURLs: nonNil(s.Crawl.StartURLs), ArticleURLs: []string{}, FollowURLs: []string{},
		IgnoreURLs: []string{}, MaxDepth: s.Crawl.MaxDepth, Rate: s.Crawl.Rate, Selectors: s.Rules != nil}
	info.Revisits = []string{}
	for _, a := range s.Revisits {
		info.Revisits = append(info.Revisits, store.AgeLabel(a))
	}
	for _, re := range s.Crawl.ArticleURLs {
		info.ArticleURLs = append(info.ArticleURLs, re.String())
	}
	for _, re := range s.Crawl.FollowURLs {
		info.FollowURLs = append(info.FollowURLs, re.String())
	}
	for _, re := range s.Crawl.IgnoreURLs {
		info.IgnoreURLs = append(info.IgnoreURLs, re.String())
	}
	return info
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *server) sites(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		s.fail(w, err)
		return
	}
	out := []SiteInfo{}
	for _, site := range s.Sites() {
		out = append(out, siteInfo(site))
	}
	writeJSON(w, "application/json", func(enc *json.Encoder) error { return enc.Encode(out) }, false)
}

// article reads and normalises the url parameter.
func article(q map[string][]string) (string, error) {
	raw := ""
	if v := q["url"]; len(v) > 0 {
		raw = v[0]
	}
	if raw == "" {
		return "", badParam("url: required")
	}
	u, err := urlnorm.Normalize(raw)
	if err != nil {
		return "", badParam("url: %v", err)
	}
	return u, nil
}

func (s *server) history(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "url")
	if err != nil {
		s.fail(w, err)
		return
	}
	u, err := article(q)
	if err != nil {
		s.fail(w, err)
		return
	}
	versions, err := s.Archive.History(r.Context(), u)
	if err != nil {
		s.fail(w, s.archiveError(r, err, "no such article: "+u))
		return
	}
	w.Header().Set(headerURL, u)
	// Encoded as the CLI does: the default encoder, HTML escaping and all.
	writeJSON(w, "application/jsonl; charset=utf-8", func(enc *json.Encoder) error {
		for _, v := range versions {
			if err := enc.Encode(NewHistoryLine(v)); err != nil {
				return err
			}
		}
		return nil
	}, true)
}

func (s *server) record(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "url", "version")
	if err != nil {
		s.fail(w, err)
		return
	}
	u, err := article(q)
	if err != nil {
		s.fail(w, err)
		return
	}
	version := 0
	if v := q.Get("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			s.fail(w, badParam("version: %q is not a version number (1 or more)", v))
			return
		}
	}
	if version == 0 {
		versions, err := s.Archive.History(r.Context(), u)
		if err != nil {
			s.fail(w, s.archiveError(r, err, "no such article: "+u))
			return
		}
		version = versions[len(versions)-1].Version
	}
	rec, err := s.Archive.Record(r.Context(), u, version)
	if err != nil {
		s.fail(w, s.archiveError(r, err, fmt.Sprintf("no version %d of %s", version, u)))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(headerURL, u)
	h.Set(headerVersion, strconv.Itoa(version))
	w.Write(rec)
}

// notFound is a 404 with its message.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

// archiveError turns store.ErrNotFound into a 404 saying msg, and logs any
// other error.
func (s *server) archiveError(r *http.Request, err error, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return &notFound{msg}
	}
	s.log.Error("archive read failed", keyPath, r.URL.Path, "query", r.URL.RawQuery, keyErr, err)
	return err
}

// fail answers err: 400, 404, or 500.
func (s *server) fail(w http.ResponseWriter, err error) {
	var br *badRequest
	var nf *notFound
	switch {
	case errors.As(err, &br):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.As(err, &nf):
		writeError(w, http.StatusNotFound, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// writeJSON encodes into a buffer first, so that an encoding error is a
// clean 500, and writes it with contentType.
func writeJSON(w http.ResponseWriter, contentType string, fn func(*json.Encoder) error, escapeHTML bool) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := fn(enc); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Write(buf.Bytes())
}
