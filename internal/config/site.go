package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/schedule"
	"github.com/newsarc/newsarc/internal/urlnorm"
	"github.com/newsarc/newsarc/store"
)

// DefaultMaxDepth is a site's max_depth when its file leaves it out.
const DefaultMaxDepth = 3

// DefaultRate is a site's rate (requests per second) when its file leaves
// it out: polite by default.
const DefaultRate = 1.0

// siteFile is the per-site YAML as written.
type siteFile struct {
	Name        string        `yaml:"name"`
	Domains     []string      `yaml:"domains"`
	StartURLs   []string      `yaml:"start_urls"`
	Sitemaps    []string      `yaml:"sitemaps"`
	Feeds       []string      `yaml:"feeds"`
	ArticleURLs []string      `yaml:"article_urls"`
	FollowURLs  []string      `yaml:"follow_urls"`
	IgnoreURLs  []string      `yaml:"ignore_urls"`
	Schedule    string        `yaml:"schedule"`
	Revisits    *[]string     `yaml:"revisits"`
	MaxDepth    *int          `yaml:"max_depth"`
	Rate        *float64      `yaml:"rate"`
	Selectors   selectorsFile `yaml:"selectors"`
	DropLines   []string      `yaml:"drop_lines"`
}

type selectorsFile struct {
	Label          string   `yaml:"label"`
	Headline       string   `yaml:"headline"`
	Source         string   `yaml:"source"`
	Authors        string   `yaml:"authors"`
	Published      string   `yaml:"published"`
	Modified       string   `yaml:"modified"`
	Body           string   `yaml:"body"`
	SectionHeading string   `yaml:"section_heading"`
	Paragraph      string   `yaml:"paragraph"`
	Image          string   `yaml:"image"`
	Caption        string   `yaml:"caption"`
	LeadImage      string   `yaml:"lead_image"`
	LeadCaption    string   `yaml:"lead_caption"`
	Remove         []string `yaml:"remove"`
}

func (s selectorsFile) any() bool {
	return s.Label != "" || s.Headline != "" || s.Source != "" || s.Published != "" || s.Modified != "" ||
		s.Body != "" || s.SectionHeading != "" || s.Paragraph != "" || s.Image != "" ||
		s.Caption != "" || s.Authors != "" || s.LeadImage != "" || s.LeadCaption != "" || len(s.Remove) > 0
}

// Site is one checked and compiled site file.
type Site struct {
	Name     string
	File     string // path it was read from
	Hash     string // first 12 hex digits of the file's SHA-256
	Schedule string // cron spec, "" = not scheduled
	// Revisits are the ages, after an article was first seen, at which
	// newsarc run fetches it again (DefaultRevisits unless the file says;
	// empty: never).
	Revisits []time.Duration
	Crawl    crawler.Site
	Rules    *extract.Rules // nil when the file has no selectors: generic extractor
	HasBody  bool           // the file has a body selector
}

// Extractor is what the site's records carry in their extractor field.
func (s *Site) Extractor() string { return "site:" + s.Name + "@" + s.Hash }

// LoadSite reads and checks one site file.
func LoadSite(path string) (*Site, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	return ParseSite(path, data)
}

// ParseSite is LoadSite for bytes already read; file names them in errors
// and gives the default site name.
func ParseSite(file string, data []byte) (*Site, error) {
	var f siteFile
	d, err := decode(file, data, &f)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	s := &Site{File: file, Hash: hex.EncodeToString(sum[:])[:12], Schedule: f.Schedule}
	s.Name = f.Name
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if !validName.MatchString(s.Name) {
		return nil, d.fail("$.name", "name", fmt.Errorf("%q: use letters, digits, '-', '_' and '.'", s.Name))
	}
	if len(f.Domains) == 0 {
		return nil, d.fail("$.domains", "domains", errors.New("required: the hosts the crawl may visit"))
	}
	for i, dom := range f.Domains {
		if dom == "" || strings.ContainsAny(dom, "/ ") {
			return nil, d.fail(fmt.Sprintf("$.domains[%d]", i), fmt.Sprintf("domains[%d]", i), fmt.Errorf("%q is not a host name", dom))
		}
	}
	for _, list := range []struct {
		key  string
		urls []string
	}{
		{"start_urls", f.StartURLs},
		{"sitemaps", f.Sitemaps},
		{"feeds", f.Feeds},
	} {
		for i, raw := range list.urls {
			field := fmt.Sprintf("%s[%d]", list.key, i)
			u, err := url.Parse(raw)
			if err == nil {
				_, err = urlnorm.NormalizeURL(u)
			}
			if err != nil {
				return nil, d.fail("$."+field, field, err)
			}
			if !urlnorm.HostAllowed(u.Host, f.Domains) {
				return nil, d.fail("$."+field, field, fmt.Errorf("host %q is not in domains", u.Host))
			}
		}
	}
	s.Crawl = crawler.Site{
		Name:      s.Name,
		Domains:   f.Domains,
		StartURLs: f.StartURLs,
		Sitemaps:  f.Sitemaps,
		Feeds:     f.Feeds,
		MaxDepth:  DefaultMaxDepth,
		Rate:      DefaultRate,
	}
	if f.MaxDepth != nil {
		if *f.MaxDepth < 0 {
			return nil, d.fail("$.max_depth", "max_depth", errors.New("must be 0 or more"))
		}
		s.Crawl.MaxDepth = *f.MaxDepth
	}
	if f.Rate != nil {
		if !(*f.Rate >= 0) || math.IsInf(*f.Rate, 0) {
			return nil, d.fail("$.rate", "rate", errors.New("must be a number, 0 (no limit) or more"))
		}
		s.Crawl.Rate = *f.Rate
	}
	for _, list := range []struct {
		key  string
		in   []string
		into *[]*regexp.Regexp
	}{
		{"article_urls", f.ArticleURLs, &s.Crawl.ArticleURLs},
		{"follow_urls", f.FollowURLs, &s.Crawl.FollowURLs},
		{"ignore_urls", f.IgnoreURLs, &s.Crawl.IgnoreURLs},
	} {
		for i, expr := range list.in {
			re, err := regexp.Compile(expr)
			if err != nil {
				field := fmt.Sprintf("%s[%d]", list.key, i)
				return nil, d.fail("$."+field, field, fmt.Errorf("bad regexp %q: %v", expr, unwrapRegexp(err)))
			}
			*list.into = append(*list.into, re)
		}
	}
	if f.Schedule != "" {
		if err := schedule.ValidateSpec(f.Schedule); err != nil {
			return nil, d.fail("$.schedule", "schedule", fmt.Errorf("bad cron spec %q: %v", f.Schedule, err))
		}
	}
	s.Revisits = DefaultRevisits
	if f.Revisits != nil {
		if s.Revisits, err = parseRevisits(*f.Revisits); err != nil {
			var ae *ageError
			errors.As(err, &ae)
			field := fmt.Sprintf("revisits[%d]", ae.i)
			return nil, d.fail("$."+field, field, ae.err)
		}
	}
	s.HasBody = f.Selectors.Body != ""
	sel := extract.Selectors(f.Selectors)
	if f.Selectors.any() || len(f.DropLines) > 0 {
		rules, err := extract.Compile(s.Name, s.Extractor(), sel, f.DropLines)
		if err != nil {
			var se *extract.SelectorError
			if errors.As(err, &se) {
				return nil, d.fail(selectorPath(se.Field), se.Field, se.Err)
			}
			return nil, d.fail("$.selectors", "selectors", err)
		}
		s.Rules = rules
	}
	return s, nil
}

// DefaultRevisits are a site's revisit ages when its file leaves them out:
// edits come early, then rarely.
var DefaultRevisits = []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour, 168 * time.Hour}

// ageError is a bad entry of revisits.
type ageError struct {
	i   int
	err error
}

func (e *ageError) Error() string { return fmt.Sprintf("revisits[%d]: %v", e.i, e.err) }

// parseRevisits reads a site's revisits: Go durations ("15m", "1h30m") or
// whole days ("3d"), in whole seconds, at least one, at most 100 years,
// increasing.
func parseRevisits(in []string) ([]time.Duration, error) {
	if len(in) > store.MaxRevisits {
		return nil, &ageError{store.MaxRevisits, fmt.Errorf("at most %d revisits", store.MaxRevisits)}
	}
	out := make([]time.Duration, 0, len(in))
	for i, s := range in {
		d, err := ParseAge(s)
		switch {
		case err != nil:
		case d < time.Second || d%time.Second != 0:
			err = fmt.Errorf("%q: whole seconds, at least 1s", s)
		case d > store.MaxRevisitAge:
			err = fmt.Errorf("%q: at most 100 years", s)
		case i > 0 && d <= out[i-1]:
			err = fmt.Errorf("%q: each revisit must come after the one before (%s)", s, store.AgeLabel(out[i-1]))
		}
		if err != nil {
			return nil, &ageError{i, err}
		}
		out = append(out, d)
	}
	return out, nil
}

// ParseAge reads an age as site files write it: a Go duration ("15m",
// "1h30m") or whole days ("3d").
func ParseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 100*365 {
			return 0, fmt.Errorf("%q: not a duration (like 15m, 6h or 3d)", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q: not a duration (like 15m, 6h or 3d)", s)
	}
	return d, nil
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// selectorPath turns "selectors.remove[2]" into the YAML path "$.selectors.remove[2]".
func selectorPath(field string) string { return "$." + field }

func unwrapRegexp(err error) string {
	var re *syntax.Error
	if errors.As(err, &re) {
		return string(re.Code) + ": " + re.Expr
	}
	return err.Error()
}

// LoadSites reads every *.yaml and *.yml file in dir, sorted by name. It
// returns the valid sites and, joined, an *Error for every invalid file or
// for two files claiming one name. A missing dir is no sites, no error.
func LoadSites(dir string) ([]*Site, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{File: dir, Err: err}
	}
	var names []string
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var (
		sites []*Site
		errs  []error
		seen  = map[string]string{}
	)
	for _, n := range names {
		path := filepath.Join(dir, n)
		s, err := LoadSite(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := seen[s.Name]; dup {
			errs = append(errs, &Error{File: path, Line: 1, Field: "name", Err: fmt.Errorf("%q is also the name of %s", s.Name, other)})
			continue
		}
		seen[s.Name] = path
		sites = append(sites, s)
	}
	return sites, errors.Join(errs...)
}
