package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/newsarc/newsarc/internal/export"
	"github.com/newsarc/newsarc/store"
)

// trailerExport is the trailer a complete export ends with.
const trailerExport = "Newsarc-Export"

// defaultWARCName is the WARC's name when the request gives none, as for
// `newsarc export --format warc` to stdout.
const defaultWARCName = "newsarc.warc.gz"

func (s *server) export(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "format", "site", "since", "until", "all_versions", "filename")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "jsonl"
	case "jsonl", "csv", "warc":
	case "cdxj":
		writeError(w, http.StatusBadRequest, "format: cdxj is not served: the index points into a WARC file written by the same export, "+
			"and one response carries only one of them; fetch format=warc and index it, or run `newsarc export --format cdxj` on this machine")
		return
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("format: %q is not jsonl, csv or warc", format))
		return
	}
	filter := store.Filter{Site: q.Get("site")}
	if filter.Since, err = export.ParseTime(q.Get("since"), false); err != nil {
		writeError(w, http.StatusBadRequest, "since: "+err.Error())
		return
	}
	if filter.Until, err = export.ParseTime(q.Get("until"), true); err != nil {
		writeError(w, http.StatusBadRequest, "until: "+err.Error())
		return
	}
	if filter.AllVersions, err = boolParam(q, "all_versions"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	name := q.Get("filename")
	if name != "" && format != "warc" {
		writeError(w, http.StatusBadRequest, "filename goes with format=warc")
		return
	}
	if name == "" {
		name = defaultWARCName
	}
	if strings.ContainsAny(name, "/\\\"") || strings.IndexFunc(name, func(c rune) bool { return c < ' ' || c == 0x7f }) >= 0 || name == "." || name == ".." {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("filename: %q is not a plain file name", name))
		return
	}

	var run func(context.Context, io.Writer) error
	h := w.Header()
	switch format {
	case "jsonl":
		h.Set("Content-Type", "application/jsonl; charset=utf-8")
		run = func(ctx context.Context, out io.Writer) error {
			return export.Records(ctx, s.Archive, filter, "jsonl", out)
		}
	case "csv":
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		run = func(ctx context.Context, out io.Writer) error {
			return export.Records(ctx, s.Archive, filter, "csv", out)
		}
	case "warc":
		e := &export.WARC{Software: s.Software, Config: s.Config, Sites: s.Sites(), Filter: filter,
			Filename: name, Gzip: !strings.HasSuffix(name, ".warc")}
		if e.Gzip {
			h.Set("Content-Type", "application/gzip")
		} else {
			h.Set("Content-Type", "application/warc")
		}
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		run = func(ctx context.Context, out io.Writer) error { _, err := e.Write(ctx, s.Archive, out); return err }
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Trailer", trailerExport)
	s.stream(w, r, run)
}

// stream runs fn on the response. An error before fn wrote anything is a
// 500; after, the response is aborted so that the client sees a cut
// transfer rather than a complete one.
func (s *server) stream(w http.ResponseWriter, r *http.Request, fn func(context.Context, io.Writer) error) {
	cw := &countWriter{w: w}
	err := fn(r.Context(), cw)
	if err == nil {
		w.Header().Set(trailerExport, "complete")
		return
	}
	gone := r.Context().Err() != nil && errors.Is(err, r.Context().Err())
	if gone {
		s.log.Debug("export stopped: the client went away", keyPath, r.URL.Path, "bytes", cw.n, keyErr, err)
	} else {
		s.log.Error("export failed", keyPath, r.URL.Path, "query", r.URL.RawQuery, "bytes", cw.n, keyErr, err)
	}
	if cw.n == 0 && !gone {
		writeError(w, http.StatusInternalServerError, "export: "+err.Error())
		return
	}
	panic(http.ErrAbortHandler)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
