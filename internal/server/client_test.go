package server_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/internal/export"
	"github.com/newsarc/newsarc/internal/server"
	"github.com/newsarc/newsarc/store"
)

func TestClient(t *testing.T) {
	const token = "tok"
	db := fill(t)
	srv := serve(t, db, server.Options{Token: token})
	c := server.NewClient(srv.URL+"/", token, srv.Client())
	ctx := context.Background()

	t.Run("Export", func(t *testing.T) {
		for _, q := range []url.Values{
			{"all_versions": {"true"}},
			{"format": {"csv"}, "site": {"cairo"}},
			{"since": {"2026-03-01T13:30:00+02:00"}},
		} {
			f := store.Filter{Site: q.Get("site"), AllVersions: q.Get("all_versions") == "true"}
			f.Since, _ = export.ParseTime(q.Get("since"), false)
			format := q.Get("format")
			if format == "" {
				format = "jsonl"
			}
			var want, got bytes.Buffer
			if err := export.Records(ctx, db, f, format, &want); err != nil {
				t.Fatal(err)
			}
			if err := c.Export(ctx, q, &got); err != nil {
				t.Fatalf("Export(%v): %v", q, err)
			}
			if got.String() != want.String() || got.Len() == 0 {
				t.Errorf("Export(%v) =\n%s\nwant\n%s", q, got.String(), want.String())
			}
		}
	})
	t.Run("ExportBadRequest", func(t *testing.T) {
		err := c.Export(ctx, url.Values{"format": {"cdxj"}}, &bytes.Buffer{})
		var se *server.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusBadRequest || !strings.Contains(se.Message, "cdxj is not served") {
			t.Fatalf("err = %v, want a 400 StatusError with the server's message", err)
		}
	})
	t.Run("History", func(t *testing.T) {
		want, err := db.History(ctx, urlA)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			want[i].Site = "" // history lines do not carry it
		}
		got, err := c.History(ctx, "https://news.example/news/1#top")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("History (-want +got):\n%s", diff)
		}
		_, err = c.History(ctx, "https://news.example/news/404")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("History of an unknown article: %v, want one matching store.ErrNotFound", err)
		}
		var se *server.StatusError
		if !errors.As(err, &se) || se.Code != 404 || !strings.Contains(err.Error(), "no such article") {
			t.Errorf("History of an unknown article: %v", err)
		}
	})
	t.Run("Record", func(t *testing.T) {
		for _, v := range []int{1, 2, 0} {
			wantV := v
			if v == 0 {
				wantV = 2
			}
			want, err := db.Record(ctx, urlA, wantV)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Record(ctx, urlA, v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Record(%d) = %s, want %s", v, got, want)
			}
		}
		if _, err := c.Record(ctx, urlA, 7); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Record of a missing version: %v, want one matching store.ErrNotFound", err)
		}
	})
	t.Run("Sites", func(t *testing.T) {
		got, err := c.Sites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Name != "cairo" || got[0].Schedule != "*/30 * * * *" {
			t.Errorf("Sites = %+v", got)
		}
	})
	t.Run("WrongToken", func(t *testing.T) {
		bad := server.NewClient(srv.URL, "nope", nil)
		_, err := bad.Sites(ctx)
		var se *server.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusUnauthorized {
			t.Errorf("err = %v, want a 401 StatusError", err)
		}
		if errors.Is(err, store.ErrNotFound) {
			t.Errorf("a 401 matches store.ErrNotFound")
		}
	})
}

// TestClientCutTransfer: Export returns an error whenever the export did
// not arrive whole, even though a 200 began it.
func TestClientCutTransfer(t *testing.T) {
	ctx := context.Background()
	t.Run("server.New aborts mid-stream", func(t *testing.T) {
		srv := serve(t, failingArchive{Archive: fill(t), n: 100}, server.Options{})
		var got bytes.Buffer
		err := server.NewClient(srv.URL, "", nil).Export(ctx, nil, &got)
		if err == nil || !strings.Contains(err.Error(), "cut short") {
			t.Fatalf("err = %v, want a cut-short error", err)
		}
		if got.Len() == 0 {
			t.Errorf("nothing was written before the cut")
		}
	})
	t.Run("handler panics after a flush", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/jsonl")
			w.Write([]byte(`{"url":"https://news.example/news/1"}` + "\n"))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}))
		defer srv.Close()
		err := server.NewClient(srv.URL, "", nil).Export(ctx, nil, &bytes.Buffer{})
		if err == nil {
			t.Fatal("a cut chunked stream gave no error")
		}
	})
	t.Run("connection closed inside a Content-Length body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte("only a little"))
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		defer srv.Close()
		if err := server.NewClient(srv.URL, "", nil).Export(ctx, nil, &bytes.Buffer{}); err == nil {
			t.Fatal("a short Content-Length body gave no error")
		}
	})
	t.Run("trailer announced but never set", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "Newsarc-Export")
			w.Write([]byte("a line\n"))
		}))
		defer srv.Close()
		err := server.NewClient(srv.URL, "", nil).Export(ctx, nil, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "did not mark it complete") {
			t.Fatalf("err = %v, want one about the missing trailer", err)
		}
	})
}

// TestServe: Serve answers until its context ends, then waits for the
// handlers in flight, cutting off those that outlast the grace.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	var slowDone atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fast", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("fast")) })
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("begun"))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done() // until the connection is closed
		slowDone.Store(true)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, ln, mux, 200*time.Millisecond, nil) }()

	base := "http://" + ln.Addr().String()
	resp, err := http.Get(base + "/fast")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/fast: %s", resp.Status)
	}
	slowErr := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err == nil {
			_, err = bytes.NewBuffer(nil).ReadFrom(resp.Body)
			resp.Body.Close()
		}
		slowErr <- err
	}()
	<-started
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if !slowDone.Load() {
		t.Errorf("Serve returned before the slow handler did")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if err := <-slowErr; err == nil {
		t.Errorf("the cut-off request ended without an error")
	}
	if _, err := http.Get(base + "/fast"); err == nil {
		t.Errorf("still serving after shutdown")
	}
}
