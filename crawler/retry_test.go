package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		status   int
		value    string
		ok       bool
		min, max time.Duration
	}{
		{429, "5", true, 5 * time.Second, 5 * time.Second},
		{503, " 0 ", true, 0, 0},
		{503, future, true, 88 * time.Second, 90 * time.Second},
		{503, past, true, 0, 0},
		{429, "99999999999999", true, maxRetryAfter, 1 << 62},
		{429, "-3", false, 0, 0},
		{429, "soon", false, 0, 0},
		{429, "", false, 0, 0},
		{500, "5", false, 0, 0}, // only 429 and 503
		{301, "5", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %q", tt.status, tt.value), func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			d, ok := retryAfter(tt.status, h)
			if ok != tt.ok || d < tt.min || d > tt.max {
				t.Errorf("retryAfter = %s, %v; want %v in [%s, %s]", d, ok, tt.ok, tt.min, tt.max)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	base := 100 * time.Millisecond
	for try := range 30 {
		want := min(base<<min(try, 20), maxBackoff)
		for range 50 {
			if d := backoff(base, try); d < want/2 || d >= want*3/2 {
				t.Fatalf("backoff(%s, %d) = %s, want in [%s, %s)", base, try, d, want/2, want*3/2)
			}
		}
	}
}

func TestRetryable(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "http://x/", Err: err} }
	tests := []struct {
		name string
		res  *response
		err  error
		want bool
	}{
		{"200", &response{status: 200}, nil, false},
		{"404", &response{status: 404}, nil, false},
		{"429", &response{status: 429}, nil, true},
		{"500", &response{status: 500}, nil, true},
		{"503", &response{status: 503}, nil, true},
		{"timeout", nil, wrap(context.DeadlineExceeded), true},
		{"refused", nil, wrap(syscall.ECONNREFUSED), true},
		{"reset", nil, wrap(syscall.ECONNRESET), true},
		{"eof", nil, wrap(io.ErrUnexpectedEOF), true},
		{"other", nil, wrap(errors.New("unsupported protocol scheme")), false},
	}
	for _, tt := range tests {
		if got := retryable(tt.res, tt.err); got != tt.want {
			t.Errorf("%s: retryable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGate(t *testing.T) {
	var g gate
	g.atLeast(50 * time.Millisecond)
	ctx := t.Context()
	start := time.Now()
	for range 3 {
		if err := g.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("3 requests 50ms apart took %s, want ≥ 100ms", took)
	}
	g.pause(80 * time.Millisecond)
	start = time.Now()
	if err := g.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 75*time.Millisecond {
		t.Errorf("wait after an 80ms pause took %s", took)
	}
	cctx, cancel := context.WithCancel(ctx)
	g.pause(time.Hour)
	cancel()
	if err := g.wait(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait on a cancelled context = %v", err)
	}
}
