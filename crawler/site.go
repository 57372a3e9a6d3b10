package crawler

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"time"

	"github.com/newsarc/newsarc/internal/urlnorm"
)

// site is a Site checked for a crawl, with what routing needs at hand.
type site struct {
	Site
	domains  []string      // Domains, or the hosts of the start URLs when Domains is empty
	interval time.Duration // 1/Rate; 0 = no limit
}

func compileSite(in Site) (*site, error) {
	s := &site{Site: in, domains: in.Domains}
	if len(in.StartURLs) == 0 && len(in.Sitemaps) == 0 && len(in.Feeds) == 0 {
		return nil, errors.New("no start urls, sitemaps or feeds")
	}
	if in.MaxDepth < 0 {
		return nil, fmt.Errorf("max depth %d: must be 0 or more", in.MaxDepth)
	}
	if in.Revisit {
		if len(in.StartURLs) == 0 {
			return nil, errors.New("a revisit pass without start urls")
		}
		s.MaxDepth, s.Sitemaps, s.Feeds = 0, nil, nil
	}
	if in.Rate < 0 || math.IsNaN(in.Rate) || math.IsInf(in.Rate, 0) {
		return nil, fmt.Errorf("rate %v: must be 0 (no limit) or more", in.Rate)
	}
	if in.Rate > 0 {
		s.interval = time.Duration(float64(time.Second) / in.Rate)
	}
	var hosts []string
	for _, list := range []struct {
		what string
		urls []string
	}{
		{"start url", in.StartURLs},
		{"sitemap", in.Sitemaps},
		{"feed", in.Feeds},
	} {
		for _, raw := range list.urls {
			u, _, err := parseNorm(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", list.what, err)
			}
			hosts = append(hosts, u.Hostname())
			if len(in.Domains) > 0 && !urlnorm.HostAllowed(u.Host, in.Domains) {
				return nil, fmt.Errorf("%s %q: host %q is not in domains", list.what, raw, u.Host)
			}
		}
	}
	if len(s.domains) == 0 {
		s.domains = hosts
	}
	return s, nil
}

// allowed reports whether the site may fetch u at all: its host is one of
// the site's domains and it matches no ignore pattern.
func (s *site) allowed(u *url.URL) bool {
	return urlnorm.HostAllowed(u.Host, s.domains) && !matchAny(s.IgnoreURLs, urlnorm.PathQuery(u))
}

// route reports whether a link to u at depth is fetched, and whether the
// page is an article. u must be allowed.
func (s *site) route(u *url.URL, depth int) (fetch, article bool) {
	if depth > s.MaxDepth {
		return false, false
	}
	if s.AdHoc {
		return true, s.isArticle(u, depth)
	}
	pq := urlnorm.PathQuery(u)
	if matchAny(s.ArticleURLs, pq) {
		return true, true
	}
	return matchAny(s.FollowURLs, pq), false
}

// routeDiscovered reports whether a URL that a sitemap or feed lists is
// fetched, and whether it is an article: an article when it matches
// ArticleURLs or the site has none, else a follow page when it matches
// FollowURLs, else not fetched. MaxDepth does not apply: like start URLs,
// discovered URLs are where a crawl starts. u must be allowed.
func (s *site) routeDiscovered(u *url.URL) (fetch, article bool) {
	pq := urlnorm.PathQuery(u)
	if len(s.ArticleURLs) == 0 || matchAny(s.ArticleURLs, pq) {
		return true, true
	}
	return matchAny(s.FollowURLs, pq), false
}

// isArticle tells whether the page at u and depth is an article.
func (s *site) isArticle(u *url.URL, depth int) bool {
	if s.Revisit {
		return true
	}
	if s.AdHoc && len(s.ArticleURLs) == 0 {
		// Start URLs too: people give an article's URL to crawl it. A
		// listing page yields no article and the handler skips it.
		return true
	}
	return matchAny(s.ArticleURLs, urlnorm.PathQuery(u))
}

// redirectArticle tells whether a redirect target u is an article: as its
// patterns say when it matches one, else as the URL that redirected
// (article) was.
func (s *site) redirectArticle(u *url.URL, depth int, article bool) bool {
	if s.AdHoc {
		return s.isArticle(u, depth)
	}
	pq := urlnorm.PathQuery(u)
	if matchAny(s.ArticleURLs, pq) {
		return true
	}
	if matchAny(s.FollowURLs, pq) {
		return false
	}
	return article
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}
