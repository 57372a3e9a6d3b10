package extract

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/newsarc/newsarc/internal/urlnorm"
)

// Input is one fetched page.
type Input struct {
	URL         string   // final URL of the page (absolute)
	ContentType string   // Content-Type header: whether the body is HTML, and its charset; "" = sniff both
	Body        []byte   // raw bytes as received
	Domains     []string // hosts on which <link rel=canonical> is trusted (subdomains included); empty = the URL's own host only
	// FetchedAt is when the page was fetched; zero = unknown. A
	// published_at or modified_at more than a day after it is not taken.
	FetchedAt time.Time
}

// ErrNotHTML is returned by Extract and Explain for a body that is not an
// HTML page: a Content-Type other than text/html or application/xhtml+xml
// (image/jpeg, application/pdf, text/plain...), or, with none, bytes that
// do not sniff as an HTML document. Callers skip such pages rather than
// fail. The crawler makes the same decision (internal/htmlpage).
var ErrNotHTML = errors.New("not an HTML page")

// Step is one line of Explain: for a field of the record, the selector or
// generic rule used, how many elements it matched and what it took.
type Step struct {
	Field   string   `json:"field"`
	Rule    string   `json:"rule"`
	Matches int      `json:"matches"`
	Took    []string `json:"took,omitempty"`
}

// Extract decodes the body to UTF-8 (a BOM, else the Content-Type's
// charset, else a <meta> charset in the head, else UTF-8 when the bytes
// are valid UTF-8, else a statistical guess, else windows-1252; see the
// package doc), parses it once and extracts the article with r (nil: the
// generic extractor).
func Extract(in Input, r *Rules) (*Article, error) {
	a, _, err := run(in, r, false)
	return a, err
}

// Explain is Extract that also reports, per field, which selector (or
// generic rule) matched and what it took. Its first step, field
// "charset", is the rule that chose the encoding and the encoding's name.
func Explain(in Input, r *Rules) (*Article, []Step, error) {
	return run(in, r, true)
}

func run(in Input, r *Rules, explain bool) (*Article, []Step, error) {
	doc, dec, err := parse(in)
	if err != nil {
		return nil, nil, err
	}
	x := &extraction{in: in, rules: r, doc: doc, explain: explain}
	x.step("charset", dec.Rule, 1, dec.Encoding)
	a, err := x.run()
	return a, x.steps, err
}

// ExtractDocument is Extract for a page the caller already decoded and
// parsed; in.Body and in.ContentType are ignored. It may modify doc.
func ExtractDocument(doc *html.Node, in Input, r *Rules) (*Article, error) {
	if doc == nil {
		return nil, errors.New("extract: nil document")
	}
	x := &extraction{in: in, rules: r, doc: doc}
	return x.run()
}

// extraction is the state of one page's extraction.
type extraction struct {
	in      Input
	rules   *Rules
	doc     *html.Node
	page    *url.URL
	base    *url.URL
	meta    *pageMeta
	cl      *cleaner
	explain bool
	steps   []Step

	lines     []dateLine // dateLines, once computed
	linesDone bool
	names     []string // siteNames, once computed
}

// step records an Explain line; a no-op unless explaining.
func (x *extraction) step(fieldName, rule string, matches int, took ...string) {
	if !x.explain {
		return
	}
	x.steps = append(x.steps, Step{Field: fieldName, Rule: rule, Matches: matches, Took: took})
}

// content is what the site or generic extractor found.
type content struct {
	label, headline, source, published string
	authors                            []string
	modified                           string
	blocks                             []block
	images                             []Image
	captions                           map[string]bool
}

func (x *extraction) run() (*Article, error) {
	page, err := url.Parse(strings.TrimSpace(x.in.URL))
	if err != nil || !page.IsAbs() || page.Host == "" {
		return nil, fmt.Errorf("page url %q: not an absolute URL", x.in.URL)
	}
	x.page = page
	x.meta = readMeta(x.doc)
	x.base = x.meta.baseURL(page)

	a := &Article{Site: x.rules.Name(), Authors: []string{}}
	if a.URL, err = x.canonical(); err != nil {
		return nil, err
	}
	var c content
	if x.rules != nil && x.rules.any {
		x.applyRemove()
		if x.rules.body.set() {
			if body := queryFirst(x.doc, x.rules.body); body != nil {
				c = x.site(body)
				a.Extractor = x.rules.id
			} else {
				x.step("body", x.rules.body.raw, 0, "no match: generic extractor")
			}
		} else {
			c = x.site(nil)
			a.Extractor = x.rules.id
		}
	}
	if a.Extractor == "" {
		c = x.generic()
		a.Extractor = genericID
	}
	a.Label, a.Headline, a.Source, a.PublishedAt, a.ModifiedAt = c.label, c.headline, c.source, c.published, c.modified
	if c.authors != nil {
		a.Authors = c.authors
	}
	var drop map[string]bool
	if x.rules != nil {
		drop = x.rules.drop
	}
	var dropped func(string, string)
	var gone []string
	if x.explain {
		dropped = func(text, why string) { gone = append(gone, why+": "+text) }
	}
	a.Sections = sectionsOf(finishBlocks(c.blocks, dropWith(drop), c.captions, dropped))
	x.step("dropped", "drop_lines, share toasts, caption lines, repeated lines", len(gone), gone...)
	a.Images = c.images // lead first, each picture once (leadAfter)
	a.Text = textOf(a.Sections)
	sample := a.Headline + "\n" + firstRunes(a.Text, 2000)
	var rule string
	if a.Language, rule = x.meta.language(); a.Language == "" {
		a.Language, rule = detectLanguage(sample)
	}
	a.Direction = direction(x.meta.dir, a.Language, sample)
	x.step("language", rule, 1, a.Language)
	x.step("direction", "dir attribute / language script / text", 1, a.Direction)
	a.ContentHash = a.Hash()
	return a, nil
}

// canonical is the page's <link rel=canonical> when its host is trusted,
// else the page URL; normalised either way.
func (x *extraction) canonical() (string, error) {
	own, err := urlnorm.NormalizeURL(x.page)
	if err != nil {
		return "", fmt.Errorf("page url: %w", err)
	}
	if href := x.meta.canonical; href != "" {
		if c, err := urlnorm.Resolve(x.base, href); err == nil {
			if cu, err := url.Parse(c); err == nil && x.trusted(cu.Host) {
				x.step("url", "link[rel=canonical]", 1, c)
				return c, nil
			}
		}
		x.step("url", "link[rel=canonical] not on an allowed host: page URL", 1, own)
		return own, nil
	}
	x.step("url", "page URL", 1, own)
	return own, nil
}

func (x *extraction) trusted(host string) bool {
	if len(x.in.Domains) > 0 {
		return urlnorm.HostAllowed(host, x.in.Domains)
	}
	return strings.EqualFold(x.page.Hostname(), hostOnly(host))
}

func hostOnly(h string) string {
	if u, err := url.Parse("//" + h); err == nil {
		return u.Hostname()
	}
	return h
}

// dropWith adds the generic boilerplate lines (share-button toasts) to a
// site's drop lines.
func dropWith(site map[string]bool) map[string]bool {
	m := make(map[string]bool, len(site)+len(uiLines))
	for k := range site {
		m[k] = true
	}
	for _, l := range uiLines {
		m[l] = true
	}
	return m
}

// uiLines are interface strings that leak into article text on many
// sites: the toasts of copy-link buttons.
var uiLines = []string{"تم نسخ الرابط", "تم نسخ الرابط بنجاح", "Link copied", "Link copied!", "Copied!", "Copied to clipboard"}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// cleaner is the page's boilerplate judge, measured the first time a rule
// needs it: the generic extractor always does, site rules that name every
// field only for the few checks of their generic fallbacks.
func (x *extraction) cleaner() *cleaner {
	if x.cl == nil {
		x.cl = newCleaner(x.doc)
	}
	return x.cl
}
