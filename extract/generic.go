package extract

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// GenericVersion is the version of the generic extractor; records it
// produces say "generic@" + GenericVersion. Bump it when its output for a
// page can change.
const GenericVersion = "2"

// genericID is the extractor field of generic records.
const genericID = "generic@" + GenericVersion

// The generic extractor reads structured data first (JSON-LD, OpenGraph,
// <time datetime>), then the visible page: the h1 matching the title, a
// kicker near it, a byline, and the body chosen by content scoring.

// findHeadline returns the headline and, when it is on the page, its h1.
func (x *extraction) findHeadline() (string, *html.Node) {
	title, rule := "", ""
	for _, c := range [][2]string{
		{x.meta.article().headline, "json-ld " + x.meta.article().typ + ".headline"},
		{x.meta.metas["og:title"], "meta og:title"},
		{x.meta.metas["twitter:title"], "meta twitter:title"},
		{x.meta.title, "title"},
	} {
		if t := normText(c[0]); t != "" {
			title, rule = t, c[1]
			break
		}
	}
	names := x.siteNames()
	clean := cleanTitle(title, names)
	h1s := x.h1s()
	var own []h1 // the h1s that are neither a logo nor the site's name
	for _, h := range h1s {
		if len(h1s) > 1 && x.cl.stat(h.node).linkDensity() >= 0.9 {
			continue // a logo, named like the site and the title
		}
		if isSiteName(h.text, names) && looseKey(h.text) != looseKey(clean) {
			continue
		}
		h.text = cleanTitle(h.text, names) // "Headline | Site" in the h1 itself
		own = append(own, h)
		if title != "" && (titleMatches(h.text, title) || titleMatches(h.text, clean)) {
			x.step("headline", "h1 matching "+rule, len(h1s), h.text)
			return h.text, h.node
		}
	}
	if title != "" {
		if n := x.titleElement(title, clean); n != nil {
			t := nodeTextSkip(n, x.isLabelNode)
			x.step("headline", "title-class element matching "+rule, 1, t)
			return t, n
		}
	}
	if title != "" {
		// An h1 set aside as boilerplate that still says the title.
		for n := range x.doc.Descendants() {
			if isElem(n, atom.H1) && x.cl.inJunk(n) {
				if t := nodeTextSkip(n, x.isLabelNode); t != "" && (titleMatches(t, title) || titleMatches(t, clean)) {
					x.step("headline", "h1 matching "+rule, len(h1s), t)
					return t, n
				}
			}
		}
	}
	if len(own) == 1 {
		// The page's one h1 is its headline, whatever its metadata says
		// (a shortened og:title, a section name in <title>).
		x.step("headline", "the page's only h1", 1, own[0].text)
		return own[0].text, own[0].node
	}
	if h := bestH1(own); h != nil && inArticle(h.node) {
		x.step("headline", "h1 in article or main", len(own), h.text)
		return h.text, h.node
	}
	if title != "" && rule != "title" {
		x.step("headline", rule, 1, clean)
		return clean, nil
	}
	if h := bestH1(own); h != nil {
		x.step("headline", "h1", len(own), h.text)
		return h.text, h.node
	}
	x.step("headline", rule, 1, clean)
	return clean, nil
}

// siteNames are the page's names for its site, and its host's name
// ("www.example-news.com" gives "example-news.com" and "example-news"),
// worked out once per page.
func (x *extraction) siteNames() []string {
	if x.names == nil {
		x.names = x.pageNames()
	}
	return x.names
}

func (x *extraction) pageNames() []string {
	names := x.meta.siteNames()
	host := strings.TrimPrefix(strings.ToLower(x.page.Hostname()), "www.")
	if host != "" {
		names = append(names, host)
		if i := strings.LastIndexByte(host, '.'); i > 0 {
			label := host[:i]
			if j := strings.LastIndexByte(label, '.'); j >= 0 {
				label = label[j+1:]
			}
			if len(label) >= 4 {
				names = append(names, label)
			}
		}
	}
	if names == nil {
		names = []string{}
	}
	return names
}

// inArticle reports whether n is inside an <article> or <main>.
func inArticle(n *html.Node) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.DataAtom == atom.Article || a.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

// titleElement finds, on a page whose h1 (if any) does not match the
// title, an h2 or an element with "title" or "headline" in its class or id
// that does.
func (x *extraction) titleElement(title, clean string) *html.Node {
	for n := range x.doc.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom == atom.Title || n.DataAtom == atom.Head {
			continue
		}
		if n.DataAtom != atom.H2 && !containsAny(classID(n), "title", "headline") {
			continue
		}
		s := x.cl.stat(n)
		if s.total < 10 || s.total > 400 || s.linkDensity() > 0.5 || x.cl.inJunk(n) {
			continue
		}
		if t := nodeTextSkip(n, x.isLabelNode); titleMatches(t, title) || titleMatches(t, clean) {
			return n
		}
	}
	// A title that shortens the heading: they open alike.
	parts := append(strings.Split(title, " - "), strings.Split(title, " | ")...)
	for n := range x.doc.Descendants() {
		if n.Type != html.ElementNode || (n.DataAtom != atom.H2 && !hasToken(classID(n), "title", "headline")) {
			continue
		}
		if s := x.cl.stat(n); s.total < 10 || s.total > 400 || s.linkDensity() > 0.5 || x.cl.inJunk(n) {
			continue
		}
		t := nodeTextSkip(n, x.isLabelNode)
		for _, p := range parts {
			if openAlike(t, p) {
				return n
			}
		}
	}
	return nil
}

// openAlike reports two titles whose first words agree for at least 60% of
// the shorter one (and 12 characters).
func openAlike(a, b string) bool {
	ka, kb := []rune(looseKey(a)), []rune(looseKey(b))
	n := 0
	for n < len(ka) && n < len(kb) && ka[n] == kb[n] {
		n++
	}
	return n >= 12 && float64(n) >= 0.6*float64(min(len(ka), len(kb)))
}

type h1 struct {
	node *html.Node
	text string
}

// h1s are the page's h1 elements outside boilerplate, with their text
// minus any kicker inside them.
func (x *extraction) h1s() []h1 {
	var out []h1
	for n := range x.doc.Descendants() {
		if !isElem(n, atom.H1) || x.cl.inJunk(n) {
			continue
		}
		t := nodeTextSkip(n, x.isLabelNode)
		if t != "" {
			out = append(out, h1{n, t})
		}
	}
	return out
}

// bestH1 is the first h1 inside <article> or <main>, else the first h1
// that is not just a link (a logo).
func bestH1(hs []h1) *h1 {
	for i := range hs {
		if inArticle(hs[i].node) {
			return &hs[i]
		}
	}
	for i := range hs {
		if textStatsOf(hs[i].node).linkDensity() < 0.9 {
			return &hs[i]
		}
	}
	return nil
}

// titleMatches compares an h1 with a title that may carry a site name or
// be cut short.
func titleMatches(h, title string) bool {
	kh, kt := looseKey(h), looseKey(strings.TrimRight(title, ".… "))
	if kh == "" || kt == "" {
		return false
	}
	if kh == kt {
		return true
	}
	lh, lt := len(kh), len(kt)
	if (strings.HasPrefix(kt, kh) || strings.HasSuffix(kt, kh)) && lh*2 >= lt {
		return true // the title adds " | Site"
	}
	return strings.HasPrefix(kh, kt) && lt*2 >= lh && lt >= 20 // the title is cut
}

// titleSeps separate a headline from a site name in <title> and og:title.
var titleSeps = []string{" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " ‹ ", " › ", " / ", " : ", " // "}

// cleanTitle drops a leading or trailing site name from a title. A " | "
// part much shorter than the rest is taken for the site name even when the
// page does not name itself.
func cleanTitle(title string, names []string) string {
	for range 3 { // "Site » Blog Archive » Title"
		t := cleanTitleOnce(title, names)
		if t == title {
			break
		}
		title = t
	}
	return title
}

func cleanTitleOnce(title string, names []string) string {
	for _, sep := range titleSeps {
		parts := strings.Split(title, sep)
		if len(parts) < 2 {
			continue
		}
		first, last := parts[0], parts[len(parts)-1]
		switch {
		case isSiteName(last, names):
			return trimTitle(strings.Join(parts[:len(parts)-1], sep))
		case isSiteName(first, names):
			return trimTitle(strings.Join(parts[1:], sep))
		case sep == " | " && len(parts) == 2 && utf8.RuneCountInString(last)*2 < utf8.RuneCountInString(first):
			return trimTitle(first)
		}
	}
	return trimTitle(title)
}

// trimTitle drops the separators a title keeps at either end once a site
// name is cut off ("[> Jens Weber", ": Title").
func trimTitle(t string) string {
	t = normText(t)
	if trimmed := strings.TrimRight(strings.TrimLeft(t, " :|>[-–—/·•"), " :|-–—/·•"); trimmed != "" {
		return trimmed
	}
	return t
}

func isSiteName(part string, names []string) bool {
	k := looseKey(part)
	if k == "" {
		return false
	}
	if k == "blogarchive" || k == "blogarchiv" || k == "archive" {
		return true // WordPress's "Site » Blog Archive » Title"
	}
	for _, n := range names {
		kn := looseKey(n)
		if kn != "" && (k == kn || strings.Contains(kn, k) || strings.Contains(k, kn)) {
			return true
		}
	}
	return false
}

// generic extracts without site selectors: fields first (on the whole
// page, boilerplate excluded), then the body on the cleaned page.
func (x *extraction) generic() content {
	x.cl = newCleaner(x.doc)
	var c content
	var head, labelNode, sourceNode, pubNode *html.Node
	c.headline, head = x.findHeadline()
	c.label, labelNode = x.findLabel(head)
	c.source, sourceNode = x.findSource(head)
	c.authors = x.findAuthors(c.source)
	c.published, pubNode = x.findPublished(head)
	c.modified = x.findModified(head, c.published)
	used := map[*html.Node]bool{}
	for _, n := range []*html.Node{labelNode, head, sourceNode, pubNode} {
		if n != nil {
			used[n] = true
		}
	}
	c.blocks, c.images, c.captions = x.genericBody(head, used, c.headline)
	return c
}

// genericBody removes boilerplate, chooses the body by content scoring and
// walks it. Pictures between the headline and the body (a lead photo)
// come first. When the page has no paragraph at all, JSON-LD articleBody
// stands in.
func (x *extraction) genericBody(head *html.Node, used map[*html.Node]bool, headline string) ([]block, []Image, map[string]bool) {
	removed := x.cl.remove(x.doc)
	x.step("clean", "boilerplate (nav, aside, footer, forms, share, related, comments, ads, cookie, ticker, hidden)", removed)
	roots, top, score, stats := scoreBody(x.doc, used, x.meta.article().articleBody)
	w := newBodyWalker(nil, used, x.base, headline)
	w.stats = stats
	var first *html.Node
	if len(roots) > 0 {
		first = roots[0]
	}
	lead := x.leadBefore(w, head, first)
	w.walk(roots)
	x.leadAfter(w, lead)
	rule := "content scoring"
	if top != nil {
		rule = fmt.Sprintf("content scoring: %s (%.1f)", describe(top), score)
	}
	if len(w.blocks) == 0 && x.meta.article().articleBody != "" {
		for _, line := range strings.Split(x.meta.article().articleBody, "\n") {
			w.blocks = append(w.blocks, block{text: line})
		}
		rule = "json-ld articleBody"
	}
	took := make([]string, 0, len(roots))
	for _, r := range roots {
		took = append(took, describe(r))
	}
	x.step("body", rule, len(roots), took...)
	x.explainBody(w, "h2-h4", "p, li, loose text", "img, amp-img", "figcaption, [class*=caption], alt")
	return w.blocks, w.images, w.captions
}

// nextNode is the node after n in document order.
func nextNode(n *html.Node) *html.Node {
	if n.FirstChild != nil {
		return n.FirstChild
	}
	return nextAfter(n)
}

// nextAfter is the node after n's subtree in document order.
func nextAfter(n *html.Node) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

// notPhoto reports logos, icons and avatars.
func notPhoto(n *html.Node) bool {
	s := strings.ToLower(classID(n) + " " + getAttr(n, "src"))
	return containsAny(s, "logo", "icon", "avatar", "sprite", "pixel", "spacer", "print", "share", "button", "btn", "rss")
}
