package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Class and id hints. Matching is on the lower-cased class and id
// attributes: "negSubs" and "posSubs" as substrings, "negTokens" as whole
// words (so "ad" matches "ad-slot" but not "header" or "badge").
var (
	negSubs = []string{
		"comment", "disqus", "cookie", "consent", "gdpr", "newsletter", "subscri",
		"ticker", "breadcrumb", "share", "sharing", "social", "related", "outbrain",
		"taboola", "popup", "modal", "toast", "advert", "sponsor", "promo",
		"most-read", "mostread", "most_read", "most-popular", "trending", "recommend",
		"also-read", "read-also", "readalso", "alsoread", "more-news", "pagination",
		"pager", "navbar", "menu", "masthead", "footer", "sidebar", "widget",
		"twitter-tweet", "instagram-media", "tiktok-embed", "screen-reader",
		"sr-only", "visually-hidden", "skip-link", "login", "signup", "copy-link", "copylink",
		"tags-list", "post-tags", "article-tags", "tag-list",
	}
	negTokens = []string{"ad", "ads", "adv", "adslot", "dfp", "gpt", "nav", "tags", "rss", "tools"}
	// notHints rewrites class words that contain a negative hint without
	// meaning it: an opinion piece ("commentary"), a page builder's
	// content blocks ("elementor-widget"), a section that carries ads
	// ("has-ads", "section--ads").
	notHints = strings.NewReplacer("commentary", "opinion", "elementor-widget", "elementor", "has-ads", "", "with-ads", "", "--ads", "")
	posSubs  = []string{"article", "content", "story", "entry", "post", "body", "text", "main", "detail", "news-body", "blog", "live"}
)

func negativeHint(ci string) bool {
	if ci == "" {
		return false
	}
	ci = notHints.Replace(ci)
	return containsAny(ci, negSubs...) || hasToken(ci, negTokens...)
}

func positiveHint(ci string) bool {
	return ci != "" && containsAny(ci, posSubs...)
}

// classWeight is the score a container gets for its class and id.
func classWeight(n *html.Node) float64 {
	ci := classID(n)
	w := 0.0
	if negativeHint(ci) {
		w -= 25
	}
	if positiveHint(ci) {
		w += 25
	}
	return w
}

// junkTag reports elements that never carry article text.
func junkTag(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Object,
		atom.Embed, atom.Svg, atom.Canvas, atom.Button, atom.Input, atom.Select,
		atom.Textarea, atom.Link, atom.Meta, atom.Dialog, atom.Map, atom.Audio, atom.Video:
		return true
	case 0:
		if strings.HasPrefix(n.Data, "amp-") {
			switch n.Data {
			case "amp-img", "amp-anim", "amp-carousel", "amp-fit-text":
				return false
			}
			return true
		}
		return n.Data == "math"
	}
	return false
}

// boilerTag reports page chrome by element or ARIA role.
func boilerTag(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Menu:
		return true
	}
	switch strings.ToLower(getAttr(n, "role")) {
	case "navigation", "complementary", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar":
		return true
	}
	return false
}

// exemptTag are never removed for their class: a body or main element
// with class "has-sidebar" is still the page.
func exemptTag(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article, atom.Head:
		return true
	}
	return false
}

// textStat is the visible text under an element, in non-space runes, and
// how much of it is link text; imgs counts pictures, blocks the elements
// below that are not inline, para the text inside <p> elements.
type textStat struct{ total, linked, imgs, blocks, para int }

func (s textStat) plain() int { return s.total - s.linked }

// add counts a child's subtree, and the child itself when it is a block
// or a picture.
func (s *textStat) add(cs textStat, c *html.Node) {
	s.total += cs.total
	s.linked += cs.linked
	s.imgs += cs.imgs
	s.blocks += cs.blocks
	s.para += cs.para
	if c.Type == html.ElementNode && (!inlineAtoms[c.DataAtom] || isImage(c)) && !skipText(c) {
		s.blocks++
	}
}

func (s textStat) linkDensity() float64 {
	if s.total == 0 {
		return 0
	}
	return float64(s.linked) / float64(s.total)
}

// statsOf measures every element under root in one walk.
func statsOf(root *html.Node) map[*html.Node]textStat {
	return measureStats(root, nil, nil)
}

// measureStats measures every element under root in one walk, leaving out
// the subtrees in skip. When inline is not nil it also records there each
// element's direct inline text.
func measureStats(root *html.Node, skip map[*html.Node]bool, inline map[*html.Node]textStat) map[*html.Node]textStat {
	m := make(map[*html.Node]textStat, 512)
	var walk func(n *html.Node, inLink bool) textStat
	walk = func(n *html.Node, inLink bool) textStat {
		var s textStat
		switch n.Type {
		case html.TextNode:
			c := countNonSpace(n.Data)
			s.total = c
			if inLink {
				s.linked = c
			}
			return s
		case html.ElementNode:
			if skipText(n) || skip[n] {
				return s
			}
			if n.DataAtom == atom.A {
				inLink = true
			}
			if isImage(n) {
				s.imgs = 1
			}
		case html.DocumentNode:
		default:
			return s
		}
		var in textStat
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			cs := walk(c, inLink)
			s.add(cs, c)
			if isInline(c) {
				in.total += cs.total
				in.linked += cs.linked
			}
		}
		if n.Type == html.ElementNode {
			if n.DataAtom == atom.P {
				s.para = s.total
			}
			m[n] = s
			if inline != nil && in.total > 0 {
				inline[n] = in
			}
		}
		return s
	}
	walk(root, false)
	return m
}

// cleaner decides what is boilerplate on one page.
type cleaner struct {
	stats    map[*html.Node]textStat
	page     int                 // plain text of the whole page
	pagePara int                 // text in the page's <p> elements
	memo     map[*html.Node]bool // junk, per element asked about
}

func newCleaner(doc *html.Node) *cleaner {
	c := &cleaner{stats: statsOf(doc), memo: map[*html.Node]bool{}}
	if b := firstElem(doc, atom.Body); b != nil {
		c.page = c.stats[b].plain()
		c.pagePara = c.stats[b].para
	}
	return c
}

// stat is n's measure from before the page was cleaned.
func (c *cleaner) stat(n *html.Node) textStat {
	if s, ok := c.stats[n]; ok {
		return s
	}
	return textStatsOf(n)
}

// wrapper reports an element holding most of the page's text, or most of
// its paragraphs: whatever its class says ("container sidebar_right"), it
// is not boilerplate.
func (c *cleaner) wrapper(n *html.Node) bool {
	s, ok := c.stats[n]
	return ok && ((c.page > 0 && s.plain()*2 > c.page) || (c.pagePara >= 500 && s.para*2 > c.pagePara))
}

// junk reports whether n is boilerplate: scripts and forms controls,
// hidden elements, page chrome (nav, aside, footer, ARIA roles) and
// elements whose class or id says share, related, comments, ads, cookie
// banner, ticker and the like, unless they hold most of the page's text.
func (c *cleaner) junk(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type == html.CommentNode
	}
	j, ok := c.memo[n]
	if !ok {
		j = c.isJunk(n)
		c.memo[n] = j
	}
	return j
}

func (c *cleaner) isJunk(n *html.Node) bool {
	if junkTag(n) {
		return true
	}
	if exemptTag(n) {
		return false
	}
	if strings.EqualFold(getAttr(n, "aria-hidden"), "true") || isHidden(n) || boilerTag(n) || negativeHint(classID(n)) {
		return !c.wrapper(n)
	}
	return false
}

// inJunk reports whether n or an ancestor is boilerplate, for the
// single-value fields. An article's footer is not boilerplate here: it is
// where blogs and many themes put the byline and the date.
func (c *cleaner) inJunk(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.DataAtom != atom.Footer && c.junk(n) {
			if ci := classID(n); strings.Contains(ci, "footer") && !negativeHint(strings.ReplaceAll(ci, "footer", "")) && !junkTag(n) {
				continue
			}
			return true
		}
	}
	return false
}

// bodyHints are class and id words of blocks that sit inside or next to
// an article body without being part of it: author boxes, meta lines,
// tag lists, rating and button bars, banners. They are kept for the
// single-value fields (a byline is an "author" element) and removed
// before the body is chosen.
var (
	bodyHints = []string{
		"author", "byline", "timestamp", "rating", "viral", "syndication",
		"user-info", "user-profile", "infoline", "article-infos", "next-post", "side-stories",
		"donat", "support-us", "newsletter", "signup", "sign-up",
	}
	bodyTokens = []string{"meta", "tags", "button", "btn", "cta"}
)

// bodyJunk reports blocks that are not body text by their class or id
// (bodyHints), unless they hold most of the page's text.
func (c *cleaner) bodyJunk(n *html.Node) bool {
	if n.Type != html.ElementNode || exemptTag(n) || isImage(n) {
		return false
	}
	ci := classID(n)
	return ci != "" && (containsAny(ci, bodyHints...) || hasToken(ci, bodyTokens...)) && !c.wrapper(n)
}

// remove detaches the boilerplate under root and returns how many
// subtrees went.
func (c *cleaner) remove(root *html.Node) int {
	removed := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; {
			next := ch.NextSibling
			if c.junk(ch) || c.bodyJunk(ch) {
				detach(ch)
				removed++
			} else if ch.Type == html.ElementNode {
				walk(ch)
			}
			ch = next
		}
	}
	walk(root)
	return removed
}
