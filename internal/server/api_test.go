package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsarc/newsarc/internal/config"
	"github.com/newsarc/newsarc/internal/metrics"
	"github.com/newsarc/newsarc/internal/server"
)

func TestHistory(t *testing.T) {
	srv := serve(t, fill(t), server.Options{})
	// As `newsarc history --format json` prints them.
	wantA := `{"version":1,"fetched_at":"2026-03-01T10:00:00Z","first_seen":"2026-03-01T10:00:00Z","last_seen":"2026-03-01T12:00:00Z","seen":2,"content_hash":"sha256:aa","origin":"crawl"}
{"version":2,"fetched_at":"2026-03-02T10:00:00Z","first_seen":"2026-03-02T10:00:00Z","last_seen":"2026-03-02T10:00:00Z","seen":1,"content_hash":"sha256:a2","origin":"crawl"}
`
	wantB := `{"version":1,"fetched_at":"2026-03-01T11:00:00Z","first_seen":"2026-03-01T11:00:00Z","last_seen":"2026-03-02T11:00:00Z","seen":2,"content_hash":"sha256:b1","origin":"crawl"}
`
	tests := []struct {
		query    string
		wantCode int
		want     string // body, or a part of the error message
	}{
		{"url=" + url.QueryEscape(urlA), 200, wantA},
		{"url=" + url.QueryEscape("https://NEWS.example/news/1#comments"), 200, wantA},
		{"url=" + url.QueryEscape(urlB), 200, wantB},
		{"url=" + url.QueryEscape("https://news.example/news/404"), 404, "no such article: https://news.example/news/404"},
		{"", 400, "url: required"},
		{"url=ftp://x/y", 400, "url: "},
		{"url=" + url.QueryEscape(urlA) + "&format=table", 400, `unknown parameter "format"`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, h, body := get(t, srv, "/api/v1/history?"+tt.query, "")
			if code != tt.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tt.wantCode, body)
			}
			if code != 200 {
				if !strings.Contains(string(body), tt.want) {
					t.Errorf("message %q does not say %q", body, tt.want)
				}
				return
			}
			if diff := cmp.Diff(tt.want, string(body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/jsonl") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	db := fill(t)
	srv := serve(t, db, server.Options{})
	rec := func(u string, v int) string {
		b, err := db.Record(context.Background(), u, v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	q := func(u string, v string) string {
		s := "url=" + url.QueryEscape(u)
		if v != "" {
			s += "&version=" + v
		}
		return s
	}
	tests := []struct {
		query       string
		wantCode    int
		want        string
		wantVersion string
	}{
		{q(urlA, "1"), 200, rec(urlA, 1), "1"},
		{q(urlA, "2"), 200, rec(urlA, 2), "2"},
		{q(urlA, ""), 200, rec(urlA, 2), "2"},
		{q(urlC, ""), 200, rec(urlC, 1), "1"},
		{q(urlA, "3"), 404, "no version 3 of " + urlA, ""},
		{q("https://news.example/news/404", ""), 404, "no such article", ""},
		{q("https://news.example/news/404", "1"), 404, "no version 1", ""},
		{q(urlA, "0"), 400, `version: "0" is not a version number`, ""},
		{q(urlA, "latest"), 400, `version: "latest"`, ""},
		{"version=1", 400, "url: required", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, h, body := get(t, srv, "/api/v1/record?"+tt.query, "")
			if code != tt.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tt.wantCode, body)
			}
			if code != 200 {
				if !strings.Contains(string(body), tt.want) {
					t.Errorf("message %q does not say %q", body, tt.want)
				}
				return
			}
			if string(body) != tt.want {
				t.Errorf("body\n%s\nwant the stored record\n%s", body, tt.want)
			}
			if got := h.Get("Newsarc-Version"); got != tt.wantVersion {
				t.Errorf("Newsarc-Version %q, want %q", got, tt.wantVersion)
			}
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestSites(t *testing.T) {
	sites := testSites(t)
	srv := serve(t, fill(t), server.Options{Sites: func() []*config.Site { return sites }})
	code, h, body := get(t, srv, "/api/v1/sites", "")
	if code != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q: %s", code, h.Get("Content-Type"), body)
	}
	var got []server.SiteInfo
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := []server.SiteInfo{{Name: "cairo", File: "cairo.yaml", Hash: sites[0].Hash, Extractor: "site:cairo@" + sites[0].Hash,
		Schedule: "*/30 * * * *", Domains: []string{"news.example"}, StartURLs: []string{"https://news.example/"},
		ArticleURLs: []string{`^/news/\d+`}, FollowURLs: []string{"^/section/"}, IgnoreURLs: []string{},
		MaxDepth: 2, Rate: 2, Selectors: true, Revisits: []string{"15m", "1h", "6h", "1d", "3d", "7d"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sites (-want +got):\n%s", diff)
	}

	// A reload is seen at once; none at all is an empty array.
	var current atomic.Pointer[[]*config.Site]
	current.Store(&[]*config.Site{})
	srv = serve(t, fill(t), server.Options{Sites: func() []*config.Site { return *current.Load() }})
	if _, _, body := get(t, srv, "/api/v1/sites", ""); string(body) != "[]\n" {
		t.Errorf("no sites: %q, want []", body)
	}
	current.Store(&sites)
	if _, _, body := get(t, srv, "/api/v1/sites", ""); !strings.Contains(string(body), `"name":"cairo"`) {
		t.Errorf("after a reload: %s", body)
	}
}

func TestToken(t *testing.T) {
	const token = "s3cret-token"
	srv := serve(t, fill(t), server.Options{Token: token, Metrics: metrics.New()})
	paths := []string{"/metrics", "/api/v1/export", "/api/v1/export?format=csv", "/api/v1/sites",
		"/api/v1/history?url=" + url.QueryEscape(urlA), "/api/v1/record?url=" + url.QueryEscape(urlA)}
	for _, p := range paths {
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + token + "x", "Basic " + token, token, "Bearer"} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET %s with %q: %s, want 401", p, auth, resp.Status)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("GET %s: no WWW-Authenticate challenge", p)
			}
		}
		for _, auth := range []string{"Bearer " + token, "bearer " + token} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
			req.Header.Set("Authorization", auth)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s with %q: %s, want 200", p, auth, resp.Status)
			}
		}
	}
	// /healthz needs no token; an unknown path does not tell it exists.
	if code, _, body := get(t, srv, "/healthz", ""); code != 200 || string(body) != "ok\n" {
		t.Errorf("/healthz without token: %d %q", code, body)
	}
	if code, _, _ := get(t, srv, "/api/v1/nothing", ""); code != http.StatusUnauthorized {
		t.Errorf("unknown path without token: %d, want 401", code)
	}
	if code, _, _ := get(t, srv, "/api/v1/nothing", token); code != http.StatusNotFound {
		t.Errorf("unknown path with token: %d, want 404", code)
	}
}

func TestHealthz(t *testing.T) {
	var healthErr atomic.Pointer[error]
	srv := serve(t, fill(t), server.Options{Health: func() error {
		if e := healthErr.Load(); e != nil {
			return *e
		}
		return nil
	}})
	if code, _, body := get(t, srv, "/healthz", ""); code != 200 || string(body) != "ok\n" {
		t.Errorf("healthy: %d %q", code, body)
	}
	closed := errors.New("archive is closed")
	healthErr.Store(&closed)
	if code, _, body := get(t, srv, "/healthz", ""); code != http.StatusServiceUnavailable || !strings.Contains(string(body), "archive is closed") {
		t.Errorf("unhealthy: %d %q, want 503 with the error", code, body)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %s, want 405", resp.Status)
	}
}

// TestMetrics scrapes /metrics after the Registry's methods were called and
// checks the counters with the Prometheus text parser.
func TestMetrics(t *testing.T) {
	reg := metrics.New()
	srv := serve(t, fill(t), server.Options{Metrics: reg})
	reg.Fetch("cairo", 200, 2048, 40*time.Millisecond)
	reg.Fetch("cairo", 200, 1024, 80*time.Millisecond)
	reg.Fetch("cairo", 304, 0, 10*time.Millisecond)
	reg.NotModified("cairo")
	reg.Snapshot("cairo", true)
	reg.Snapshot("cairo", false)
	reg.Snapshot("cairo", false)
	reg.Revisit("cairo", "1h", true)

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		mf := mfs[name]
		if mf == nil {
			t.Fatalf("%s missing", name)
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return float64(m.GetHistogram().GetSampleCount())
		}
		t.Fatalf("%s%v missing", name, labels)
		return 0
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"newsarc_pages_fetched_total", map[string]string{"site": "cairo", "code": "200"}, 2},
		{"newsarc_pages_fetched_total", map[string]string{"site": "cairo", "code": "304"}, 1},
		{"newsarc_response_bytes_total", map[string]string{"site": "cairo"}, 3072},
		{"newsarc_fetch_duration_seconds", map[string]string{"site": "cairo"}, 3},
		{"newsarc_not_modified_total", map[string]string{"site": "cairo"}, 1},
		{"newsarc_snapshots_total", map[string]string{"site": "cairo", "outcome": "new"}, 1},
		{"newsarc_snapshots_total", map[string]string{"site": "cairo", "outcome": "unchanged"}, 2},
		{"newsarc_revisits_changed_total", map[string]string{"site": "cairo", "age": "1h"}, 1},
	} {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}

	// Without a Registry, /metrics is a 404.
	srv = serve(t, fill(t), server.Options{})
	if code, _, _ := get(t, srv, "/metrics", ""); code != http.StatusNotFound {
		t.Errorf("/metrics without a Registry: %d, want 404", code)
	}
}

// TestRequestLog: each request is logged at debug with its status.
func TestRequestLog(t *testing.T) {
	var logs logBuffer
	srv := serve(t, fill(t), server.Options{Logger: logs.logger(), Token: "t"})
	get(t, srv, "/api/v1/history?url="+url.QueryEscape(urlA), "t")
	get(t, srv, "/api/v1/sites", "")
	l := logs.String()
	for _, want := range []string{
		`level=DEBUG msg="http request" method=GET path=/api/v1/history status=200`,
		`level=DEBUG msg="http request" method=GET path=/api/v1/sites status=401`,
	} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
	if strings.Contains(l, "Bearer") {
		t.Errorf("the token is logged:\n%s", l)
	}
}
