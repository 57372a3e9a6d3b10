package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/metrics"
	"github.com/newsarc/newsarc/store"
)

// Options are what the server serves. Archive is required; the other fields
// may be left zero.
type Options struct {
	Archive store.Archive
	// Sites returns the sites in force; it is called for each request, so
	// that a reload is seen at once. nil means none.
	Sites   func() []*config.Site
	Config  config.Config     // described in a WARC export's warcinfo record
	Metrics *metrics.Registry // served at /metrics; nil answers 404 there
	// Token, when not empty, is the bearer token every route but /healthz
	// requires.
	Token    string
	Software string       // "newsarc/VERSION", for the warcinfo record
	Logger   *slog.Logger // nil discards; requests are logged at debug
	// Health is /healthz's check: an error makes it answer 503. nil is
	// always healthy.
	Health func() error
	// ArchiveID, when set, is sent with /healthz in the Newsarc-Archive
	// header, so that a client can tell which archive file this process
	// serves (see FileID).
	ArchiveID string
}

// Log attribute keys.
const (
	keyMethod   = "method"
	keyPath     = "path"
	keyStatus   = "status"
	keyBytes    = "bytes"
	keyDuration = "duration"
	keyRemote   = "remote"
	keyErr      = "err"
)

type server struct {
	Options
	log *slog.Logger
}

// New returns the API's handler.
func New(o Options) http.Handler {
	s := &server{Options: o, log: o.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.Sites == nil {
		s.Sites = func() []*config.Site { return nil }
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+healthPath, s.healthz)
	mux.Handle("GET /metrics", o.Metrics.Handler())
	mux.HandleFunc("GET /api/v1/export", s.export)
	mux.HandleFunc("GET /api/v1/sites", s.sites)
	mux.HandleFunc("GET /api/v1/history", s.history)
	mux.HandleFunc("GET /api/v1/record", s.record)
	mux.HandleFunc("GET /api/v1/stats", s.stats)
	return s.logRequests(s.authorize(mux))
}

// healthPath is the one route open without the token.
const healthPath = "/healthz"

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.Health != nil {
		if err := s.Health(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	if s.ArchiveID != "" {
		w.Header().Set(HeaderArchive, s.ArchiveID)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// authorize lets a request through to next when no token is configured,
// the request carries it as a bearer token, or it asks for /healthz.
// Unknown paths need the token too, so that they do not tell which exist.
func (s *server) authorize(next http.Handler) http.Handler {
	if s.Token == "" {
		return next
	}
	want := sha256.Sum256([]byte(s.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath {
			next.ServeHTTP(w, r)
			return
		}
		// Comparing digests keeps the comparison constant-time whatever
		// the lengths.
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newsarc"`)
			http.Error(w, "a valid bearer token is required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// logRequests logs each request at debug once it is done, aborted or not.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			p := recover()
			attrs := []any{keyMethod, r.Method, keyPath, r.URL.Path, keyStatus, status, keyBytes, rec.n,
				keyDuration, time.Since(start), keyRemote, r.RemoteAddr}
			if p != nil {
				attrs = append(attrs, "aborted", true)
			}
			s.log.Debug("http request", attrs...)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder notes the status and the body bytes of a response.
type recorder struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes a flush on, for streaming handlers.
func (w *recorder) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// HeaderArchive carries Options.ArchiveID in /healthz answers.
const HeaderArchive = "Newsarc-Archive"
