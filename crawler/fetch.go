package crawler

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gocolly/colly/v2/debug"
)

// maxRetryAfter is the longest Retry-After honoured: a longer one fails the
// page and closes the host's gate for this long.
const maxRetryAfter = 5 * time.Minute

// maxBackoff caps one backoff.
const maxBackoff = time.Minute

// accept is the Accept header of page requests.
const accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

// acceptDoc is the Accept header of sitemap and feed requests.
const acceptDoc = "application/xml,text/xml,application/rss+xml,application/atom+xml,application/feed+json,application/json;q=0.9,*/*;q=0.8"

// attemptKey is where a request's *attempt sits in its colly.Context.
const attemptKey = "newsarc.attempt"

var errTooManyRedirects = errors.New("too many redirects")

// attempt carries one request's response out of colly's callbacks.
type attempt struct {
	contentType []string // Content-Type as received, hidden from colly
	res         *response
}

// client is one way of sending requests through colly: pages (captured,
// bodies cut at MaxBodyBytes) or discovery's documents (not captured, up
// to discover.MaxBodyBytes).
type client struct {
	coll    *colly.Collector
	capture *captureTransport // the transport under coll when requests are captured, else nil
	accept  string
}

// newCollector sets up a collector through rt whose bodies are cut after
// maxBody bytes. colly.NewCollector would apply COLLY_* environment
// variables over our settings (and log unknown ones to the global logger),
// so the collector is made with Init, which reads no environment, and
// every field is then set.
func (c *Crawler) newCollector(ctx context.Context, rt http.RoundTripper, maxBody int64) *colly.Collector {
	coll := &colly.Collector{}
	coll.Init()
	colly.StdlibContext(ctx)(coll)
	coll.UserAgent = c.cfg.UserAgent
	coll.Headers = nil                  // run.do gives every request its headers
	coll.MaxDepth = 0                   // depth is ours
	coll.AllowedDomains = nil           // routing is ours
	coll.AllowURLRevisit = true         // the visited set is ours: colly's is not atomic
	coll.IgnoreRobotsTxt = true         // robots.txt is ours: colly's ignores Crawl-delay and would fetch it again
	coll.MaxBodySize = int(maxBody) + 1 // one byte more tells a cut body
	coll.CacheDir = ""
	coll.Async = false                 // our workers call it, so concurrency is ours
	coll.ParseHTTPErrorResponse = true // every response reaches OnResponse: we judge status codes
	coll.DetectCharset = false
	coll.CheckHead = false
	coll.TraceHTTP = false
	coll.MaxRequests = 0
	coll.WithTransport(rt)
	coll.SetRequestTimeout(0) // rt times each request once it leaves its gate
	// Redirects are followed one hop at a time by process, which checks
	// each target like a link.
	coll.SetRedirectHandler(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })
	if c.log.Enabled(ctx, slog.LevelDebug) {
		coll.SetDebugger(&slogDebugger{log: c.log})
	}

	// colly's fixCharset converts Response.Body to UTF-8 when Content-Type
	// names a charset. Page.Body must be the body as received, so the
	// Content-Type is taken out of the headers while colly reads the body
	// (with DetectCharset off, fixCharset then leaves it alone) and put
	// back, the same values, before anyone else sees the headers.
	coll.OnResponseHeaders(func(resp *colly.Response) {
		a := attemptOf(resp.Ctx)
		a.contentType = (*resp.Headers)["Content-Type"]
		delete(*resp.Headers, "Content-Type")
	})
	coll.OnResponse(func(resp *colly.Response) {
		a := attemptOf(resp.Ctx)
		h := *resp.Headers
		if a.contentType != nil {
			h["Content-Type"] = a.contentType
		}
		a.res = &response{url: resp.Request.URL, status: resp.StatusCode, header: h, body: resp.Body, at: time.Now().UTC()}
	})
	return coll
}

func attemptOf(ctx *colly.Context) *attempt {
	a, _ := ctx.GetAny(attemptKey).(*attempt)
	if a == nil {
		return &attempt{} // not one of ours; nothing reads it
	}
	return a
}

// validators are the conditional request headers of one hop; zero
// values are not sent.
type validators struct {
	etag, lastModified string
}

func (v validators) conditional() bool { return v.etag != "" || v.lastModified != "" }

// do makes one request for u through cl, conditional on v.
//
// colly sends the header given to Request as it is (its Collector.Headers
// are not merged in; it adds User-Agent and Accept only when missing), so
// the whole header is set here. captureHeader ties a captured request to
// the wireRecord its transport fills.
func (r *run) do(cl *client, u *url.URL, v validators) (*response, error) {
	a := &attempt{}
	cctx := colly.NewContext()
	cctx.Put(attemptKey, a)
	hdr := http.Header{
		"Accept":     {cl.accept},
		"User-Agent": {r.c.cfg.UserAgent},
	}
	var wire *wireRecord
	if cl.capture != nil {
		var key string
		key, wire = cl.capture.expect()
		defer cl.capture.forget(key)
		hdr.Set(captureHeader, key)
	}
	if v.etag != "" {
		hdr.Set("If-None-Match", v.etag)
	}
	if v.lastModified != "" {
		hdr.Set("If-Modified-Since", v.lastModified)
	}
	if err := cl.coll.Request(http.MethodGet, u.String(), nil, cctx, hdr); err != nil {
		return nil, err
	}
	if a.res == nil {
		return nil, errors.New("no response")
	}
	a.res.conditional = v.conditional()
	if wire != nil {
		a.res.request = wire.head()
		a.res.proto = wire.protocol()
	}
	return a.res, nil
}

// get fetches u (one hop) through cl, retrying timeouts, connection
// errors, 5xx and 429 with backoff, and honouring Retry-After. Every try
// sends v.
func (r *run) get(ctx context.Context, cl *client, u *url.URL, v validators) (*response, error) {
	c := r.c
	for try := 0; ; try++ {
		res, err := r.do(cl, u, v)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !retryable(res, err) {
			return res, err
		}
		wait := backoff(c.cfg.RetryBase, try)
		if res != nil {
			if d, ok := retryAfter(res.status, res.header); ok {
				g := r.gates.get(u.Host)
				if d > maxRetryAfter {
					g.pause(maxRetryAfter)
					c.log.Warn("retry-after too long: host paused", keyURL, u.String(), keyStatus, res.status, "retry_after", d, "paused", maxRetryAfter)
					return res, nil
				}
				g.pause(d) // the whole host waits; the retry waits at its gate
				wait = 0
			}
		}
		if try >= c.cfg.Retries {
			return res, err
		}
		c.retries.Add(1)
		status := 0
		if res != nil {
			status = res.status
		}
		c.log.Debug("retry", keyURL, u.String(), keyStatus, status, keyErr, err, "after", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable tells whether a request that ended so is worth another try.
func retryable(res *response, err error) bool {
	if err != nil {
		return retryableErr(err)
	}
	return res.status >= 500 || res.status == http.StatusTooManyRequests
}

// retryableErr tells timeouts and connection errors from errors that will
// not go away (bad certificate, bad URL, unknown host).
func retryableErr(err error) bool {
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return !dns.IsNotFound
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var to interface{ Timeout() bool } // *url.Error asks the error it wraps
	if errors.As(err, &to) && to.Timeout() {
		return true
	}
	var op *net.OpError // dial, read or write on the connection
	return errors.As(err, &op)
}

// retryAfter reads the Retry-After of a 429 or 503: delay-seconds or an
// HTTP date.
func retryAfter(status int, h http.Header) (time.Duration, bool) {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0, false
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<30)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(time.Until(t), 0), true
}

// backoff is the wait before retry try+1: base doubled try times, with
// jitter of ±50%.
func backoff(base time.Duration, try int) time.Duration {
	d := base << min(try, 20)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	return d/2 + rand.N(d)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// slogDebugger sends colly's events to the logger, at debug level.
type slogDebugger struct{ log *slog.Logger }

func (d *slogDebugger) Init() error { return nil }

func (d *slogDebugger) Event(e *debug.Event) {
	attrs := make([]any, 0, 2+2*len(e.Values))
	attrs = append(attrs, "request_id", e.RequestID)
	for k, v := range e.Values {
		attrs = append(attrs, k, v)
	}
	d.log.Debug("colly "+e.Type, attrs...)
}
