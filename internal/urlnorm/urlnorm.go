// Package urlnorm gives every URL newsarc meets one spelling, so that one
// article reached by two URLs is one article.
//
// Normalize lower-cases the scheme and host, drops default ports, the
// fragment and tracking query keys (utm_*, fbclid, gclid), sorts the
// remaining query keys and makes an empty path "/".
package urlnorm

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Normalize returns the normal form of an absolute http(s) URL.
func Normalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("parse url %q: %w", raw, err)
	}
	return NormalizeURL(u)
}

// NormalizeURL is Normalize for a parsed URL; u is not modified.
func NormalizeURL(u *url.URL) (string, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("url %q: scheme %q is not http or https", u.String(), u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("url %q: no host", u.String())
	}
	n := *u
	n.Scheme = strings.ToLower(n.Scheme)
	n.Host = strings.ToLower(n.Host)
	if host, port, err := net.SplitHostPort(n.Host); err == nil {
		if (n.Scheme == "http" && port == "80") || (n.Scheme == "https" && port == "443") {
			n.Host = host
			if strings.Contains(host, ":") {
				n.Host = "[" + host + "]"
			}
		}
	}
	n.Fragment = ""
	n.RawFragment = ""
	n.User = nil
	if n.Path == "" {
		n.Path = "/"
	}
	if n.RawQuery != "" {
		q := n.Query()
		for k := range q {
			if isTracking(k) {
				q.Del(k)
			}
		}
		n.RawQuery = encodeSorted(q)
	}
	n.ForceQuery = false
	return n.String(), nil
}

// Resolve makes ref absolute against base and normalises it.
func Resolve(base *url.URL, ref string) (string, error) {
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", fmt.Errorf("parse url %q: %w", ref, err)
	}
	return NormalizeURL(base.ResolveReference(r))
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid"
}

func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// HostAllowed reports whether host (a port is ignored) is one of domains or
// a subdomain of one. An empty domains list allows nothing.
func HostAllowed(host string, domains []string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range domains {
		d = strings.TrimSuffix(strings.ToLower(d), ".")
		if h, _, err := net.SplitHostPort(d); err == nil {
			d = h
		}
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// PathQuery returns the part of u that site URL patterns match: the path
// plus "?" and the query when there is one.
func PathQuery(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
