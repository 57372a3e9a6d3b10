package crawler

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// gate spaces the requests to one host: each starts at least interval
// after the previous one, and none before a pause ends.
type gate struct {
	mu       sync.Mutex
	interval time.Duration
	last     time.Time // start of the latest request (possibly reserved, in the future)
	until    time.Time // paused until (Retry-After)
}

// nextLocked is the earliest start of the next request.
func (g *gate) nextLocked() time.Time {
	n := g.last.Add(g.interval)
	if g.until.After(n) {
		n = g.until
	}
	return n
}

// next is the earliest time the next request may start.
func (g *gate) next() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.nextLocked()
}

// spaced reports whether the host has an interval, so that its pages are
// fetched one at a time.
func (g *gate) spaced() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.interval > 0
}

// atLeast raises the interval to d. It applies to the next request already.
func (g *gate) atLeast(d time.Duration) {
	g.mu.Lock()
	if d > g.interval {
		g.interval = d
	}
	g.mu.Unlock()
}

// pause closes the gate for d from now.
func (g *gate) pause(d time.Duration) {
	g.mu.Lock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
	g.mu.Unlock()
}

// wait reserves the next start time and sleeps until then, or until ctx
// is done.
func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	now := time.Now()
	t := g.nextLocked()
	if t.Before(now) {
		t = now
	}
	g.last = t
	g.mu.Unlock()
	return sleep(ctx, t.Sub(now))
}

// gates holds one gate per host (host[:port], lower case).
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

func (gs *gates) get(host string) *gate {
	host = strings.ToLower(host)
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g := gs.m[host]
	if g == nil {
		if gs.m == nil {
			gs.m = make(map[string]*gate)
		}
		g = &gate{}
		gs.m[host] = g
	}
	return g
}

// politeTransport makes every request wait at its host's gate, then gives
// it timeout to complete, body included. Whatever sends requests through
// it (colly, the robots.txt client, redirects, retries) is counted.
type politeTransport struct {
	next    http.RoundTripper
	gates   *gates
	timeout time.Duration
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.gates.get(req.URL.Host).wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody ends a request's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// newTransport is the transport of a Config without one: colly's default
// keeps 2 idle connections per host, too few for concurrent fetches from
// one site. No proxy from the environment: nothing below cmd reads it.
func newTransport(concurrency int) *http.Transport {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(100, 2*concurrency),
		MaxIdleConnsPerHost:   max(concurrency, 2),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
