package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Date lines: the short lines around the headline that give a date in
// words ("Published March 3, 2024", "عمان - 2 شباط 2008", "آخر تحديث:
// ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م"), read when the page has no machine date.

// dateLine is one short element whose text states a date.
type dateLine struct {
	node   *html.Node
	text   string
	dates  []textDate
	marked bool // the element (or the text before it) says "updated"
}

// updated reports whether d is an update time: after an update keyword,
// or without keyword in an element marked as the update time.
func (l dateLine) updated(d textDate) bool {
	return d.kw == kwUpdated || d.kw == kwNone && l.marked
}

const (
	// maxLine is the longest element, in non-space characters, read as
	// one date line.
	maxLine = 160
	// maxOther is how many letters and digits besides the date a line
	// may have: a place name or a short byline ("عمان -", "By Jane Doe |").
	maxOther = 20
	// maxOtherHinted is that limit for an element whose markup says date,
	// time, byline or meta, or whose date follows "Published"/"Updated".
	maxOtherHinted = 60
	// bodyRun is the length of running text after the headline from which
	// on the body is taken to have begun: there, only marked lines count.
	bodyRun = 120
)

// dateLines lists, in document order, the date lines of the article
// around head (its <article> or <main>, else its third ancestor), outside
// boilerplate and the headline itself. A line is an element of at most
// maxLine characters whose text has a date and little else; after the
// body's first run of text only lines whose markup or keyword says date
// are taken, so that a date in the story ("the vote on March 3, 2024") is
// not the article's. Without a headline on the page there are none: the
// whole page would offer the masthead's date of today. Computed once.
func (x *extraction) dateLines(head *html.Node) []dateLine {
	if x.linesDone {
		return x.lines
	}
	x.linesDone = true
	if head == nil {
		return nil
	}
	scope := x.articleScope(head)
	if x.cl.inJunk(scope) {
		return nil
	}
	passed, inBody := false, false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		prose := hasOwnText(n)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c == head {
				passed = true
				continue
			}
			if c.Type != html.ElementNode || skipText(c) || (prose && isInline(c)) || x.cl.junk(c) {
				continue
			}
			total := x.cl.stat(c).total
			if total == 0 {
				continue
			}
			descend := true
			if total <= maxLine && !contains(c, head) {
				text := nodeText(c)
				if !hasYear(text) {
					descend = false // nor has anything inside it a date
				} else if l, ok := x.dateLine(c, text, inBody); ok {
					x.lines = append(x.lines, l)
					continue
				}
			}
			if passed && total >= bodyRun && hasOwnText(c) {
				inBody = true // running text: the story has begun
			}
			if descend {
				walk(c)
			}
		}
	}
	walk(scope)
	return x.lines
}

// dateLine reads element n, of text text, as a date line.
func (x *extraction) dateLine(n *html.Node, text string, inBody bool) (dateLine, bool) {
	ld := scanDates(text)
	if len(ld.dates) == 0 {
		return dateLine{}, false
	}
	hinted := n.DataAtom == atom.Time || dateHint(classID(n))
	limit := maxOther
	if hinted || ld.keyword {
		limit = maxOtherHinted
	} else if inBody {
		return dateLine{}, false
	}
	if ld.other > limit {
		return dateLine{}, false
	}
	return dateLine{node: n, text: text, dates: ld.dates, marked: markedUpdated(n)}, true
}

// dateHint reports a class or id that says the element holds a date or
// the article's metadata.
func dateHint(ci string) bool {
	return ci != "" && containsAny(ci, "date", "time", "publish", "posted", "updated", "modified", "byline", "dateline", "meta", "info")
}

// hasOwnText reports an element with text of its own (not only inside
// child elements): running text, whose inline elements are part of it.
func hasOwnText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return true
		}
	}
	return false
}

// hasYear reports four digits in a row (ASCII or Arabic-Indic): no date
// this package reads goes without.
func hasYear(s string) bool {
	run := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || isArabicDigit(r) {
			run++
			if run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// markedUpdated reports an element that says it holds the update time:
// its class, id or itemprop, or its parent's, names updated or modified
// (and not published), or the text just before it ends with "Updated" or
// "آخر تحديث". WordPress marks a never-edited post's only date "published
// updated": that is its publication.
func markedUpdated(n *html.Node) bool {
	e := n
	for i := 0; i < 2 && e != nil && e.Type == html.ElementNode; i++ {
		ci := classID(e) + " " + strings.ToLower(getAttr(e, "itemprop"))
		if containsAny(ci, "updated", "modified") {
			if !containsAny(ci, "published") {
				return true
			}
			break
		}
		if containsAny(ci, "published", "datepublished") {
			break
		}
		e = e.Parent
	}
	return lastKeyword(textBefore(n, 40)) == kwUpdated
}

// textBefore is up to about max runes of the text right before n inside
// its parent, or inside its grandparent when n opens an inline parent.
func textBefore(n *html.Node, max int) string {
	var parts []string
	size := 0
	e := n
	for depth := 0; depth < 2 && e != nil && size == 0; depth++ {
		for s, seen := e.PrevSibling, 0; s != nil && size < max && seen < 8; s, seen = s.PrevSibling, seen+1 {
			t := nodeText(s)
			parts = append(parts, t)
			size += utf8.RuneCountInString(t)
		}
		if e.Parent == nil || !inlineAtoms[e.Parent.DataAtom] {
			break
		}
		e = e.Parent
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		b.WriteByte(' ')
	}
	s := b.String()
	if n := utf8.RuneCountInString(s); n > max {
		s = string([]rune(s)[n-max:])
	}
	return s
}

// isDateLine reports a line that is a date and little else: at most
// other letters and digits besides it (maxOther, maxOtherHinted).
func isDateLine(t string, other int) bool {
	if !hasYear(t) { // no date this package reads goes without a year
		return false
	}
	ld := scanDates(t)
	return len(ld.dates) > 0 && ld.other <= other
}
