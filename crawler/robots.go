package crawler

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/temoto/robotstxt"

	"github.com/newsarc/newsarc/internal/discover"
	"github.com/newsarc/newsarc/internal/urlnorm"
)

// maxRobotsBytes is how much of a robots.txt is read, as Google does.
const maxRobotsBytes = 500 << 10

// maxRobotsRedirects is how many redirects a robots.txt fetch follows.
const maxRobotsRedirects = 5

// robotsAllowAll is what an absent or unreadable robots.txt means.
var robotsAllowAll, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)

// robotsEntry is the robots.txt of one origin, known once ready is closed.
type robotsEntry struct {
	ready    chan struct{}
	data     *robotstxt.RobotsData
	sitemaps []string // its Sitemap: lines, as written
}

// robotsAllowed reports whether robots.txt lets our User-Agent fetch u,
// fetching the origin's robots.txt first when needed (once per crawl; other
// workers wait for it). The error is ctx's.
func (r *run) robotsAllowed(ctx context.Context, u *url.URL) (bool, error) {
	e, err := r.robotsFor(ctx, u)
	if err != nil {
		return false, err
	}
	return e.data.TestAgent(urlnorm.PathQuery(u), r.c.cfg.UserAgent), nil
}

// robotsFor returns the robots.txt of u's origin, fetching it first when
// needed. The error is ctx's.
func (r *run) robotsFor(ctx context.Context, u *url.URL) (*robotsEntry, error) {
	key := originKey(u)
	r.robotsMu.Lock()
	e := r.robots[key]
	if e == nil {
		e = &robotsEntry{ready: make(chan struct{})}
		r.robots[key] = e
		r.robotsMu.Unlock()
		e.data, e.sitemaps = r.fetchRobots(ctx, u, key)
		close(e.ready)
	} else {
		r.robotsMu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r.front.robotsKnown(u)
	return e, nil
}

// fetchRobots gets and parses key's robots.txt and applies its Crawl-delay
// to the host's gate. The request goes through the gates like any other.
// It returns the rules and, of a 2xx robots.txt, the Sitemap: lines (read
// even from a file whose rules cannot be parsed).
func (r *run) fetchRobots(ctx context.Context, u *url.URL, key string) (*robotstxt.RobotsData, []string) {
	log := r.c.log.With(keyURL, key+"/robots.txt")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, key+"/robots.txt", nil)
	if err != nil {
		log.Warn("robots.txt: bad url; allowing all", keyErr, err)
		return robotsAllowAll, nil
	}
	req.Header.Set("User-Agent", r.c.cfg.UserAgent)
	resp, err := r.robotsClient.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("robots.txt unreachable; allowing all", keyErr, err)
		}
		return robotsAllowAll, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("robots.txt unreadable; allowing all", keyErr, err)
		}
		return robotsAllowAll, nil
	}
	status := resp.StatusCode
	var sitemaps []string
	if status >= 200 && status <= 299 {
		sitemaps = discover.RobotsSitemaps(body)
	}
	if d, ok := retryAfter(resp.StatusCode, resp.Header); ok {
		r.gates.get(u.Host).pause(min(d, maxRetryAfter))
	}
	if status == http.StatusTooManyRequests {
		status = http.StatusServiceUnavailable // a server error: disallow all, as Google does
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		log.Warn("robots.txt unreadable; allowing all", keyStatus, resp.StatusCode, keyErr, err)
		return robotsAllowAll, sitemaps
	}
	if status >= 500 {
		log.Warn("robots.txt answered a server error: host disallowed for this crawl", keyStatus, resp.StatusCode)
	}
	if d := data.FindGroup(r.c.cfg.UserAgent).CrawlDelay; d > 0 {
		r.gates.get(u.Host).atLeast(d)
		log.Debug("robots.txt crawl-delay", "delay", d)
	}
	return data, sitemaps
}

// newRobotsClient fetches robots.txt files through rt.
func newRobotsClient(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > maxRobotsRedirects {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}
