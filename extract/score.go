package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// minBlock is the plain text (non-space runes) a block needs to count as a
// paragraph when scoring.
const minBlock = 25

// scoreState is the content scoring of one cleaned page, in the manner of
// Readability: every paragraph-like block gives points (one, plus one per
// comma, plus up to three for length) to its container, half to the
// container's parent and a sixth to the grandparent; containers start
// from their tag and class/id hints, and end multiplied by their share of
// text outside links.
type scoreState struct {
	stats  map[*html.Node]textStat
	inline map[*html.Node]textStat // text of an element's direct inline content
	score  map[*html.Node]float64
	order  []*html.Node // candidates in the order first scored
	// content is, per element, the plain text of the paragraph-like
	// blocks inside it: what the article is made of.
	content map[*html.Node]int
}

// scoreBody chooses the body: the best candidate, climbed to the ancestor
// holding the article's other blocks, then the element marked
// itemprop=articleBody or the one agreeing best with the page's JSON-LD
// articleBody (ldBody) when they say otherwise, plus the run of its
// siblings that also look like content. skip leaves out the nodes used for
// the headline, label and source. It returns nil when the page has no
// paragraph at all.
func scoreBody(root *html.Node, skip map[*html.Node]bool, ldBody string) (roots []*html.Node, top *html.Node, best float64, stats map[*html.Node]textStat) {
	st := &scoreState{
		inline:  map[*html.Node]textStat{},
		score:   map[*html.Node]float64{},
		content: map[*html.Node]int{},
	}
	st.stats = measureStats(root, skip, st.inline)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skip[c] {
				continue
			}
			st.block(c)
			walk(c)
		}
	}
	walk(root)
	for _, n := range st.order {
		s := st.score[n] * (1 - st.stats[n].linkDensity())
		st.score[n] = s
		if top == nil || s > best {
			top, best = n, s
		}
	}
	if top == nil {
		return nil, nil, 0, st.stats
	}
	top = st.agree(st.marked(root, st.climb(top)), ldBody)
	return st.siblings(top, best, skip), top, best, st.stats
}

// marked prefers the element the page marks as its article body
// (itemprop=articleBody) to the one scoring chose: when scoring chose a
// block inside it, or one beside it that holds no more than twice its
// paragraph text. A marked element inside the choice stays inside it
// (the choice also holds a standfirst or a second block).
func (st *scoreState) marked(root, top *html.Node) *html.Node {
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || !hasToken(strings.ToLower(getAttr(n, "itemprop")), "articlebody") {
			continue
		}
		c := st.content[n]
		switch {
		case c < 200 || contains(top, n):
		case contains(n, top) || st.content[top] <= 2*c:
			return n
		}
		break
	}
	return top
}

// climb moves from the best candidate up to the ancestor that holds the
// most article text net of everything else: an article split over
// several blocks (each paragraph group in its own wrapper, figures and
// embeds between them) is then taken whole, while a step that brings in
// more links, short lines and chrome than paragraphs is not taken.
func (st *scoreState) climb(top *html.Node) *html.Node {
	best, bestNet := top, st.net(top)
	for a, level := top.Parent, 0; a != nil && a.Type == html.ElementNode && level < 8; a, level = a.Parent, level+1 {
		if a.DataAtom == atom.Body || a.DataAtom == atom.Html {
			break
		}
		if n := st.net(a); n > bestNet {
			best, bestNet = a, n
		}
	}
	return best
}

// net is n's paragraph text minus the rest of its text, link text
// counted twice: a step that brings in link lists is not taken.
func (st *scoreState) net(n *html.Node) int {
	c := st.content[n]
	s := st.stats[n]
	return c - (s.total - c) - s.linked
}

// block scores n when it is a paragraph-like block.
func (st *scoreState) block(n *html.Node) {
	var s textStat
	self := false // the block is its own container (text straight in a div)
	switch n.DataAtom {
	case atom.P, atom.Pre, atom.Td, atom.Blockquote, atom.Dd, atom.Li:
		s = st.stats[n]
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Center:
		s = st.inline[n]
		self = true
	default:
		return
	}
	if s.plain() < minBlock || s.linkDensity() > 0.5 || st.slide(n) {
		return
	}
	points := 1 + float64(commas(n, self)) + min(float64(s.plain())/100, 3)
	own := s.plain() // text counted once: a cell holding paragraphs counts its loose text only
	if !self && st.stats[n].blocks > 0 {
		own = st.inline[n].plain()
	}
	for a := n; a != nil; a = a.Parent {
		st.content[a] += own
	}
	c := n
	if !self {
		c = n.Parent
	}
	for level := 0; c != nil && c.Type == html.ElementNode && level < 3; level++ {
		st.add(c, points/[]float64{1, 2, 6}[level])
		c = c.Parent
	}
}

// slide reports a gallery or carousel item: a list item or cell with a
// picture and a caption-length text, or text that opens with a slide
// counter ("3/50"). Its words are captions, not the article.
func (st *scoreState) slide(n *html.Node) bool {
	s := st.stats[n]
	if (n.DataAtom == atom.Li || n.DataAtom == atom.Td) && s.imgs > 0 && s.plain() < 300 {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
			continue
		case c.Type == html.ElementNode && isImage(c):
			continue
		}
		return slideCounter.MatchString(nodeText(c))
	}
	return false
}

// slideCounter is the "3/50" that opens a gallery caption.
var slideCounter = regexp.MustCompile(`^\d{1,3}\s?/\s?\d{1,3}(\s|$)`)

func (st *scoreState) add(n *html.Node, points float64) {
	if _, ok := st.score[n]; !ok {
		st.score[n] = tagWeight(n) + classWeight(n)
		st.order = append(st.order, n)
	}
	st.score[n] += points
}

func tagWeight(n *html.Node) float64 {
	switch n.DataAtom {
	case atom.Div, atom.Article, atom.Main, atom.Section:
		return 5
	case atom.Pre, atom.Td, atom.Blockquote:
		return 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		return -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		return -5
	case atom.Body, atom.Html:
		return -10
	}
	return 0
}

// commas counts commas, Arabic commas and semicolons in n's text; with
// own, only in its direct inline content.
func commas(n *html.Node, own bool) int {
	c := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			c += strings.Count(n.Data, ",") + strings.Count(n.Data, "،") + strings.Count(n.Data, "؛")
			return
		case html.ElementNode:
			if skipText(n) {
				return
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	if !own {
		walk(n)
		return c
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if isInline(ch) {
			walk(ch)
		}
	}
	return c
}

// siblings returns top and the siblings that look like more of the same
// body (a text split by an ad or a sub-heading wrapper), as the contiguous
// run from the first to the last of them, so that headings and figures
// between them come along. A sibling holding the headline, label or
// source is the article's header, not its body.
func (st *scoreState) siblings(top *html.Node, best float64, skip map[*html.Node]bool) []*html.Node {
	p := top.Parent
	if p == nil {
		return []*html.Node{top}
	}
	threshold := max(10, best*0.2)
	var first, last *html.Node
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c == top || (st.likeBody(c, threshold) && !holdsAny(c, skip)) {
			if first == nil {
				first = c
			}
			last = c
		}
	}
	var out []*html.Node
	for c := first; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = append(out, c)
		}
		if c == last {
			break
		}
	}
	return out
}

func (st *scoreState) likeBody(c *html.Node, threshold float64) bool {
	if sc, ok := st.score[c]; ok && sc >= threshold {
		return true
	}
	if c.DataAtom != atom.P {
		return false
	}
	s := st.stats[c]
	return s.plain() >= 80 && s.linkDensity() < 0.25
}

// holdsAny reports whether one of the nodes in set is n or inside n.
func holdsAny(n *html.Node, set map[*html.Node]bool) bool {
	for m := range set {
		if contains(n, m) {
			return true
		}
	}
	return false
}
