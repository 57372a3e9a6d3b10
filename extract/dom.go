package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// getAttr returns the value of n's attribute key (lower case).
func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// isElem reports whether n is an element with the given atom.
func isElem(n *html.Node, a atom.Atom) bool {
	return n != nil && n.Type == html.ElementNode && n.DataAtom == a
}

// detach removes n from the tree.
func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// contains reports whether anc is n or one of its ancestors.
func contains(anc, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// inlineAtoms are the elements that flow inside a line of text.
var inlineAtoms = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Big: true, atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true,
	atom.Dfn: true, atom.Em: true, atom.Font: true, atom.I: true, atom.Ins: true,
	atom.Kbd: true, atom.Label: true, atom.Mark: true, atom.Nobr: true, atom.Q: true,
	atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strike: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true,
	atom.U: true, atom.Var: true, atom.Wbr: true, atom.Br: true,
}

// isInline reports whether n is text or an inline element.
func isInline(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		return true
	case html.ElementNode:
		return inlineAtoms[n.DataAtom]
	}
	return false
}

// skipText are elements whose content is never visible text.
func skipText(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg,
		atom.Iframe, atom.Object, atom.Select, atom.Textarea, atom.Button, atom.Head:
		return true
	}
	return n.DataAtom == 0 && n.Data == "math"
}

// textBuf collects visible text: block boundaries and <br> become spaces
// (collapsed later by normText).
type textBuf struct {
	b    strings.Builder
	skip func(*html.Node) bool // subtrees left out; nil = none
}

func (t *textBuf) add(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.b.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipText(n) || (t.skip != nil && t.skip(n)) {
			return
		}
		if n.DataAtom == atom.Br {
			t.b.WriteByte(' ')
			return
		}
	case html.DocumentNode:
	default:
		return
	}
	block := n.Type == html.ElementNode && !inlineAtoms[n.DataAtom]
	if block {
		t.b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.add(c)
	}
	if block {
		t.b.WriteByte(' ')
	}
}

// nodeText is n's visible text, normalised.
func nodeText(n *html.Node) string {
	var t textBuf
	t.add(n)
	return normText(t.b.String())
}

// nodeTextSkip is nodeText without the subtrees skip selects.
func nodeTextSkip(n *html.Node, skip func(*html.Node) bool) string {
	t := textBuf{skip: skip}
	t.add(n)
	return normText(t.b.String())
}

// textStats measures n's visible text in runes and how much of it is
// inside links, without building strings.
func textStats(n *html.Node) (total, linked int) {
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		switch n.Type {
		case html.TextNode:
			c := countNonSpace(n.Data)
			total += c
			if inLink {
				linked += c
			}
			return
		case html.ElementNode:
			if skipText(n) {
				return
			}
			if n.DataAtom == atom.A {
				inLink = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	walk(n, false)
	return total, linked
}

// countNonSpace counts the characters of s that are not ASCII white
// space, a cheap stand-in for "text length" in scoring: it counts UTF-8
// lead bytes, without decoding.
func countNonSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// classID is n's class and id attributes, lower case, for hint matching.
func classID(n *html.Node) string {
	c, id := getAttr(n, "class"), getAttr(n, "id")
	if c == "" && id == "" {
		return ""
	}
	return strings.ToLower(c + " " + id)
}

// tokens splits a class/id string into words at anything that is not a
// letter or digit ("tag-breaking news_label" -> tag, breaking, news, label).
func hasToken(s string, words ...string) bool {
	for len(s) > 0 {
		i := 0
		for i < len(s) && !isWordByte(s[i]) {
			i++
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		tok := s[i:j]
		for _, w := range words {
			if tok == w {
				return true
			}
		}
		s = s[j:]
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// isHidden reports whether the markup hides n from readers.
func isHidden(n *html.Node) bool {
	if hasAttr(n, "hidden") {
		return true
	}
	if st := getAttr(n, "style"); st != "" {
		st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
		if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
			return true
		}
	}
	return false
}

// headingLevel returns 1-6 for h1-h6, else 0.
func headingLevel(n *html.Node) int {
	if n.Type != html.ElementNode {
		return 0
	}
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// firstElem returns the first element child of n with atom a, searching
// depth-first.
func firstElem(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isElem(c, a) {
			return c
		}
		if f := firstElem(c, a); f != nil {
			return f
		}
	}
	return nil
}

// isImage reports whether n is a picture element the body can carry.
func isImage(n *html.Node) bool {
	return n.Type == html.ElementNode && (n.DataAtom == atom.Img || n.Data == "amp-img")
}
