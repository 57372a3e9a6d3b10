package extract

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// applyRemove detaches every element matching one of the site's remove
// selectors, from the whole page, in one walk, before anything else is
// looked up. Explain counts the removed subtrees per selector.
func (x *extraction) applyRemove() {
	counts := make([]int, len(x.rules.remove))
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				removed := false
				for i, f := range x.rules.remove {
					if f.Match(c) {
						counts[i]++
						removed = true
						break
					}
				}
				if removed {
					detach(c)
				} else {
					walk(c)
				}
			}
			c = next
		}
	}
	walk(x.doc)
	for i, f := range x.rules.remove {
		x.step("remove", f.raw, counts[i])
	}
}

// queryFirst is the first element under n matching f, in document order.
func queryFirst(n *html.Node, f field) *html.Node {
	return cascadia.Query(n, f)
}

// site extracts with the site's selectors. label, headline, source,
// published, modified, lead_image and lead_caption are looked up in the
// whole page (the first match with a value), authors too (every match);
// a field without selector falls back to its generic rule. body is the
// first match of the body selector, or nil when the site sets none: then
// the body is chosen by content scoring.
func (x *extraction) site(body *html.Node) content {
	r := x.rules
	var c content
	used := map[*html.Node]bool{}
	var labelNode, head *html.Node
	if r.label.set() {
		c.label, labelNode = x.siteField("label", r.label, nil)
		c.label = cleanLabel(c.label)
	}
	if r.headline.set() {
		c.headline, head = x.siteField("headline", r.headline, labelNode)
	}
	needGeneric := !r.headline.set() || !r.label.set() || !r.source.set() || !r.published.set() || body == nil
	if needGeneric {
		x.cl = newCleaner(x.doc)
	}
	if !r.headline.set() {
		c.headline, head = x.findHeadline()
	}
	if !r.label.set() {
		c.label, labelNode = x.findLabel(head)
	}
	var sourceNode, pubNode *html.Node
	if r.source.set() {
		c.source, sourceNode = x.siteField("source", r.source, nil)
	} else {
		c.source, sourceNode = x.findSource(head)
	}
	if r.authors.set() {
		c.authors = x.siteAuthors(r.authors)
	} else {
		c.authors = x.findAuthors(c.source)
	}
	if r.published.set() {
		c.published, pubNode = x.siteDate("published_at", r.published, x.publishedOK)
	} else {
		c.published, pubNode = x.findPublished(head)
	}
	if r.modified.set() {
		c.modified, _ = x.siteDate("modified_at", r.modified, x.modifiedOK(c.published))
	} else {
		c.modified = x.findModified(head, c.published)
	}
	for _, n := range []*html.Node{labelNode, head, sourceNode, pubNode} {
		if n != nil {
			used[n] = true
		}
	}
	if body == nil {
		c.blocks, c.images, c.captions = x.genericBody(head, used, c.headline)
		return c
	}
	x.step("body", r.body.raw, 1, describe(body))
	w := newBodyWalker(r, used, x.base, c.headline)
	w.measure = body
	lead := x.leadBefore(w, head, body)
	w.walk([]*html.Node{body})
	x.leadAfter(w, lead)
	x.explainBody(w, r.heading.raw, r.paragraph.raw, r.image.raw, r.caption.raw)
	return c.with(w)
}

func (c content) with(w *bodyWalker) content {
	c.blocks, c.images, c.captions = w.blocks, w.images, w.captions
	return c
}

// siteField is the first match of f with a value: its attribute when the
// selector names one, else its text (without the skip element, so that a
// kicker inside the h1 is not part of the headline).
func (x *extraction) siteField(name string, f field, skip *html.Node) (string, *html.Node) {
	var val string
	node, matches := x.firstMatch(f, func(n *html.Node) bool {
		if f.attr != "" {
			val = normText(getAttr(n, f.attr))
		} else {
			val = nodeTextSkip(n, func(c *html.Node) bool { return c == skip })
		}
		return val != ""
	})
	if node == nil {
		x.step(name, f.raw, matches)
		return "", nil
	}
	x.step(name, f.raw, matches, val)
	return val, node
}

// firstMatch walks the page for f's matches in document order and returns
// the first that ok accepts. It stops there unless explaining, when it
// goes on to count all matches.
func (x *extraction) firstMatch(f field, ok func(*html.Node) bool) (*html.Node, int) {
	var found *html.Node
	matches := 0
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if f.Match(c) {
				matches++
				if found == nil && ok(c) {
					found = c
					if !x.explain {
						return false
					}
				}
			}
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(x.doc)
	return found, matches
}

// siteAuthors reads every match of f (its attribute or text) as a byline:
// one author as a rule, without a lead-in such as "By" or a date or role
// after the name; a match that names two ("Jane Doe and John Roe") gives
// both.
func (x *extraction) siteAuthors(f field) []string {
	names := []string{}
	site := x.siteNames()
	matches := x.allMatches(f, func(n *html.Node) {
		v := getAttr(n, f.attr)
		if f.attr == "" {
			v = nodeText(n)
		}
		names = append(names, bylineNames(v, site)...)
	})
	names = dedupNames(names)
	x.step("authors", f.raw, matches, names...)
	return names
}

// allMatches calls each for every match of f in the page, in document
// order, and returns how many there were.
func (x *extraction) allMatches(f field, each func(*html.Node)) int {
	matches := 0
	for n := range x.doc.Descendants() {
		if n.Type == html.ElementNode && f.Match(n) {
			matches++
			each(n)
		}
	}
	return matches
}

// siteDate is siteField for published_at and modified_at (name): the
// first match whose value parses as a date that ok accepts: a machine
// date, else a date written in words (datetext.go; for modified_at the
// one after "Updated" when the text has several). Without @attr, the
// element's datetime or content attribute is tried before its text.
func (x *extraction) siteDate(name string, f field, ok func(rule, raw, v string) bool) (string, *html.Node) {
	var val, raw string
	node, matches := x.firstMatch(f, func(n *html.Node) bool {
		vals := []string{getAttr(n, f.attr)}
		if f.attr == "" {
			vals = []string{getAttr(n, "datetime"), getAttr(n, "content"), nodeText(n)}
		}
		for _, v := range vals {
			if val = parseDate(v); val == "" {
				val = parseTextDate(v, name == "modified_at")
			}
			if val != "" && ok(f.raw, strings.TrimSpace(v), val) {
				raw = strings.TrimSpace(v)
				return true
			}
		}
		val = ""
		return false
	})
	if node == nil {
		x.step(name, f.raw, matches)
		return "", nil
	}
	x.step(name, f.raw, matches, raw)
	return val, node
}

// explainBody records what the body walk took.
func (x *extraction) explainBody(w *bodyWalker, heading, paragraph, image, caption string) {
	if !x.explain {
		return
	}
	var heads, paras, srcs, caps []string
	for _, b := range w.blocks {
		if b.heading {
			heads = append(heads, normText(b.text))
		} else {
			paras = append(paras, normText(b.text))
		}
	}
	for _, im := range w.images {
		srcs = append(srcs, im.Src)
		caps = append(caps, im.Caption)
	}
	x.step("section_heading", heading, len(heads), heads...)
	x.step("paragraph", paragraph, len(paras), paras...)
	x.step("image", image, len(srcs), srcs...)
	x.step("caption", caption, len(caps), caps...)
}

// describe names an element the way a selector would: tag#id.class.
func describe(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(n.Data)
	if id := strings.TrimSpace(getAttr(n, "id")); id != "" {
		b.WriteString("#" + id)
	}
	for _, c := range strings.Fields(getAttr(n, "class")) {
		b.WriteString("." + c)
	}
	return b.String()
}
