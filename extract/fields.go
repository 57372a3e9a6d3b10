package extract

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The generic rules for label, source and published_at. Each looks near
// the headline first and never inside boilerplate.

// labelClass reports a kicker by its class or id.
func labelClass(n *html.Node) bool {
	ci := classID(n)
	return ci != "" && hasToken(ci, "breaking", "kicker", "label", "badge", "urgent", "ajel", "eyebrow", "overline", "flash",
		"roofline", "topline", "dachzeile", "spitzmarke")
}

// smallKicker reports a <small> that opens a headline and is set off
// from it by a line break: "<h1><small>Tunesien</small><br>Große …".
func smallKicker(n *html.Node) bool {
	if n.DataAtom != atom.Small {
		return false
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode || (p.Type == html.TextNode && strings.TrimSpace(p.Data) != "") {
			return false
		}
	}
	next := nextElement(n)
	if next == nil || next.DataAtom != atom.Br {
		return false
	}
	for a := n.Parent; a != nil && a.Type == html.ElementNode; a = a.Parent {
		if headingLevel(a) > 0 {
			return true
		}
	}
	return false
}

// isLabelNode reports a short kicker element.
func (x *extraction) isLabelNode(n *html.Node) bool {
	if n.Type != html.ElementNode || n.DataAtom == atom.H1 {
		return false
	}
	s := x.cl.stat(n)
	if s.total == 0 || s.total > 30 {
		return false
	}
	return labelClass(n) || smallKicker(n) || (s.blocks == 0 && isLabelWord(nodeText(n)))
}

// findLabel looks for a kicker near the headline: inside the h1, or in its
// parent, grandparent or great-grandparent before the h1 (after it only
// within the h1's own parent).
func (x *extraction) findLabel(head *html.Node) (string, *html.Node) {
	if head == nil {
		x.step("label", "kicker near h1: no h1", 0)
		return "", nil
	}
	anc := head
	for level := 0; level <= 3; level++ {
		if level > 0 {
			anc = anc.Parent
			if anc == nil || anc.DataAtom == atom.Body || anc.Type != html.ElementNode {
				if level == 1 && anc != nil && anc.DataAtom == atom.Body {
					// An h1 straight in <body>: only the elements just
					// before it can be its kicker, not the page's tickers.
					if t, d := x.labelBefore(head); d != nil {
						return t, d
					}
				}
				break
			}
		}
		passed := false
		for d := range anc.Descendants() {
			if d == head {
				passed = true
			} else if passed && level > 1 && !contains(head, d) {
				break
			}
			if d.Type != html.ElementNode || !x.isLabelNode(d) || x.cl.inJunk(d) {
				continue
			}
			if t := cleanLabel(nodeText(d)); t != "" {
				x.step("label", "kicker near h1", 1, t)
				return t, d
			}
		}
	}
	x.step("label", "kicker near h1", 0)
	return "", nil
}

// labelBefore looks at the two elements just before head for a kicker.
func (x *extraction) labelBefore(head *html.Node) (string, *html.Node) {
	seen := 0
	for d := head.PrevSibling; d != nil && seen < 2; d = d.PrevSibling {
		if d.Type != html.ElementNode {
			continue
		}
		seen++
		if x.isLabelNode(d) && !x.cl.inJunk(d) {
			if t := cleanLabel(nodeText(d)); t != "" {
				x.step("label", "kicker just before h1", 1, t)
				return t, d
			}
		}
	}
	return "", nil
}

// articleScope is the element holding the article around the headline:
// its closest <article> or <main>, else its third ancestor.
func (x *extraction) articleScope(head *html.Node) *html.Node {
	if head == nil {
		return x.doc
	}
	third := head
	for i, a := 0, head.Parent; a != nil && a.Type == html.ElementNode; i, a = i+1, a.Parent {
		if a.DataAtom == atom.Article || a.DataAtom == atom.Main {
			return a
		}
		if i < 3 && a.DataAtom != atom.Body && a.DataAtom != atom.Html {
			third = a
		}
	}
	return third
}

// sourceClass reports a byline, author or source element.
func sourceClass(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Img, atom.Source, atom.Link, atom.Meta, atom.Picture, atom.Video, atom.Audio, atom.Time, atom.H1:
		return false
	}
	if strings.EqualFold(getAttr(n, "itemprop"), "author") || relHas(getAttr(n, "rel"), "author") {
		return true
	}
	ci := classID(n)
	return ci != "" && (hasToken(ci, "by") ||
		containsAny(ci, "byline", "author", "source", "writer", "reporter", "dateline", "correspondent"))
}

// findSource returns the byline near the headline, else the JSON-LD
// author(s), publisher, or <meta name=author>.
func (x *extraction) findSource(head *html.Node) (string, *html.Node) {
	scope := x.articleScope(head)
	site := x.siteNames()
	for _, sc := range []*html.Node{scope, x.doc} {
		for d := range sc.Descendants() {
			if d.Type != html.ElementNode || !sourceClass(d) || x.cl.inJunk(d) {
				continue
			}
			t := cleanSource(strings.Trim(nodeTextSkip(d, isDateNode), " |•·-–—,:"))
			if n := utf8.RuneCountInString(t); n >= 2 && n <= 150 && len(bylineNames(t, site)) > 0 {
				x.step("source", "byline/author/source class", 1, t)
				return t, d
			}
		}
		if sc == x.doc {
			break
		}
	}
	if len(x.meta.article().authors) > 0 {
		t := strings.Join(x.meta.article().authors, ", ")
		x.step("source", "json-ld author", len(x.meta.article().authors), t)
		return t, nil
	}
	for _, c := range [][2]string{{x.meta.article().publisher, "json-ld publisher"}, {normText(x.meta.metas["author"]), "meta author"}} {
		if c[0] != "" {
			x.step("source", c[1], 1, c[0])
			return c[0], nil
		}
	}
	x.step("source", "byline/json-ld/meta", 0)
	return "", nil
}

// dateAttr reads a machine date from <time datetime> (unless it is marked
// as the update time), an element with itemprop=datePublished (content,
// datetime or title), or an hAtom <abbr class=published title>.
func dateAttr(n *html.Node) (string, string) {
	if n.DataAtom == atom.Time {
		if v := getAttr(n, "datetime"); v != "" && !markedUpdated(n) {
			return v, "time[datetime]"
		}
	}
	if strings.EqualFold(getAttr(n, "itemprop"), "datePublished") {
		for _, a := range []string{"content", "datetime", "title"} {
			if v := getAttr(n, a); v != "" {
				return v, "[itemprop=datePublished]@" + a
			}
		}
	}
	if n.DataAtom == atom.Abbr && hasToken(classID(n), "published") {
		return getAttr(n, "title"), "abbr.published@title"
	}
	return "", ""
}

func isDateNode(n *html.Node) bool {
	return n.DataAtom == atom.Time || hasToken(classID(n), "date", "time", "timestamp", "published", "updated")
}

// publishedMetas are the <meta> keys read for the publication time, best
// first.
var publishedMetas = []string{
	"article:published_time", "og:published_time", "og:article:published_time", "datepublished",
	"parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date", "publish_date",
	"article.published", "dc.date.issued", "dcterms.created", "dc.date", "dcterms.date", "date",
}

// findPublished reads the publication time: JSON-LD datePublished, the
// metas above, then the first <time datetime> near the headline, then on
// the page, then a date written in words on a line near the headline
// (dateLines). A time more than a day after the fetch is passed over for
// the next one.
func (x *extraction) findPublished(head *html.Node) (string, *html.Node) {
	if raw := x.meta.article().datePublished; raw != "" {
		if t := parseDate(raw); t != "" && x.publishedOK("json-ld datePublished", raw, t) {
			x.step("published_at", "json-ld datePublished", 1, raw)
			return t, nil
		}
	}
	for _, k := range publishedMetas {
		if v := x.meta.metas[k]; v != "" {
			if t := parseDate(v); t != "" && x.publishedOK("meta "+k, v, t) {
				x.step("published_at", "meta "+k, 1, v)
				return t, nil
			}
		}
	}
	scope := x.articleScope(head)
	for _, sc := range []*html.Node{scope, x.doc} {
		if sc == x.doc && scope == x.doc {
			break // no headline: the page was read whole already
		}
		for d := range sc.Descendants() {
			if d.Type != html.ElementNode {
				continue
			}
			v, rule := dateAttr(d)
			if v == "" || x.cl.inJunk(d) {
				continue
			}
			if t := parseDate(v); t != "" && x.publishedOK(rule, v, t) {
				x.step("published_at", rule, 1, v)
				return t, d
			}
		}
	}
	for _, l := range x.dateLines(head) {
		for _, d := range l.dates {
			if l.updated(d) {
				continue
			}
			if t := d.t.Format(time.RFC3339); x.publishedOK("date line near the headline", l.text, t) {
				x.step("published_at", "date line near the headline", 1, l.text)
				return t, l.node
			}
		}
	}
	x.step("published_at", "json-ld/meta/time/date line", 0)
	return "", nil
}
