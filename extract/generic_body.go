package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// genericWalk reads a body chosen by scoring: h2-h4 start sections;
// paragraphs, list items, quotes and runs of loose text (split at <br>)
// are paragraphs unless they are mostly links; figures give images; date
// and byline lines, copyright and picture-credit lines are left out; a
// "Related"/"Read also" title ends its container; in an article's
// <header> only lines of 60 characters or more (a standfirst) are text.
func (w *bodyWalker) genericWalk(n *html.Node) {
	if n.Type == html.ElementNode && !w.container(n) {
		return
	}
	if n.DataAtom == atom.Header {
		// An article's header: its standfirst is text, its kicker, byline
		// and date lines are not (line leaves out short ones).
		w.header++
		defer func() { w.header-- }()
	}
	var run []*html.Node
	flush := func() {
		w.loose(run)
		run = run[:0]
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			run = append(run, c)
			continue
		}
		if c.Type != html.ElementNode || w.skip[c] || skipText(c) || junkTag(c) {
			if c.Type == html.ElementNode {
				flush()
			}
			continue
		}
		if len(w.blocks) > 0 && tailTitle(c, w.stat(c).total, w.text) {
			break // "Related", "About the author": the rest of this container is not the article
		}
		if isInline(c) && !isImage(c) && w.stat(c).blocks == 0 && !w.isCaption(c) && !w.metaClass(c) {
			run = append(run, c)
			continue
		}
		flush()
		w.genericWalk(c)
	}
	flush()
}

// container handles one element of the body; it returns true when the
// walk should go on into its children.
func (w *bodyWalker) container(c *html.Node) bool {
	switch {
	case w.isCaption(c):
		return false
	case w.figureLike(c):
		w.imagesIn(c, field{})
		return false
	case isImage(c):
		w.image(c, "")
		return false
	case w.metaLine(c):
		return false
	}
	if lvl := headingLevel(c); lvl > 0 {
		s := w.stat(c)
		t := w.text(c)
		switch {
		case s.linkDensity() > 0.5:
		case lvl == 1 && looseKey(t) == w.headline:
		case lvl <= 4:
			w.blocks = append(w.blocks, block{heading: true, text: t})
		default:
			w.blocks = append(w.blocks, block{text: t})
		}
		return false
	}
	if c != w.root && w.stat(c).linkDensity() > 0.5 && !w.holdsProse(c) {
		return false // a list of links ("other news"), with its title
	}
	switch c.DataAtom {
	case atom.P, atom.Pre, atom.Dt, atom.Dd, atom.Address:
		w.paragraph(c)
		return false
	case atom.Li:
		if w.stat(c).blocks == 0 {
			w.paragraph(c)
			return false
		}
	}
	return true
}

// holdsProse reports a container holding a paragraph of prose: its
// link-heavy rest is credits and buttons around the text (picture credits
// under figures, say), not a list of links.
func (w *bodyWalker) holdsProse(n *html.Node) bool {
	for c := range n.Descendants() {
		if c.DataAtom == atom.P && c.Type == html.ElementNode {
			if s := w.stat(c); s.plain() >= 100 && s.linkDensity() < 0.2 {
				return true
			}
		}
	}
	return false
}

// paragraph adds n as one paragraph and takes the pictures inside it.
func (w *bodyWalker) paragraph(n *html.Node) {
	w.line(w.text(n))
	w.imagesIn(n, field{})
}

// line adds one paragraph of the generic walk, unless it is a copyright
// or picture credit line.
func (w *bodyWalker) line(t string) {
	n := normText(t)
	if w.header > 0 && utf8.RuneCountInString(n) < 60 {
		return // a kicker or byline in the article's header
	}
	if !rightsLine(n) && !creditLine(n) {
		w.blocks = append(w.blocks, block{text: n})
	}
}

// loose turns a run of inline nodes into paragraphs, one per line.
func (w *bodyWalker) loose(run []*html.Node) {
	if len(run) == 0 {
		return
	}
	var t textBuf
	t.skip = func(c *html.Node) bool { return w.skip[c] || w.isCaption(c) }
	var stat textStat
	emit := func() {
		if stat.total > 0 && stat.linkDensity() <= 0.5 {
			w.line(t.b.String())
		}
		t.b.Reset()
		stat = textStat{}
	}
	for _, c := range run {
		if c.DataAtom == atom.Br && c.Type == html.ElementNode {
			emit()
			continue
		}
		t.add(c)
		s := w.stat(c)
		stat.total += s.total
		stat.linked += s.linked
	}
	emit()
}

// textStatsOf measures one subtree.
func textStatsOf(n *html.Node) textStat {
	var s textStat
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && !skipText(d) {
			if isImage(d) {
				s.imgs++
			}
			if !inlineAtoms[d.DataAtom] || isImage(d) {
				s.blocks++
			}
		}
	}
	s.total, s.linked = textStats(n)
	return s
}

// figureLike reports a figure, a small wrapper around a picture whose
// class says it is one ("wp-caption", "photo", "image-box"), or an
// old-style captioned picture: an element that starts with one picture
// followed only by a short line of text ("<center><img><br><small>…").
func (w *bodyWalker) figureLike(n *html.Node) bool {
	if n.DataAtom == atom.Figure || n.DataAtom == atom.Picture {
		return true
	}
	s := w.stat(n)
	if n.Type != html.ElementNode || s.imgs != 1 {
		return false
	}
	ci := classID(n)
	if ci != "" && containsAny(ci, "caption", "figure", "photo", "image", "img", "media", "picture", "thumb") {
		return s.total <= 300
	}
	return w.leadingPicture(n)
}

// leadingPicture reports an element whose first content is a picture (or
// a link around one) and whose rest is at most a short inline line.
func (w *bodyWalker) leadingPicture(n *html.Node) bool {
	seenImg := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case !seenImg:
			if s := w.stat(c); !isImage(c) && !(isElem(c, atom.A) && s.imgs == 1 && s.total == 0) {
				return false
			}
			seenImg = true
		case c.Type == html.TextNode || (isInline(c) && w.stat(c).blocks == 0):
		default:
			return false
		}
	}
	return seenImg && w.stat(n).total <= 200
}

// metaLine reports a short date, time or byline line inside the body: by
// its class (metaClass), or a block whose text is a date and little else
// ("Updated: 13 March 2024 10:20").
func (w *bodyWalker) metaLine(n *html.Node) bool {
	if w.metaClass(n) {
		return true
	}
	if isInline(n) || w.stat(n).total >= 160 {
		return false
	}
	return isDateLine(nodeText(n), maxOther)
}

// metaClass reports a <time>, or a short element whose class says date,
// time, byline or metadata.
func (w *bodyWalker) metaClass(n *html.Node) bool {
	if n.DataAtom == atom.Time {
		return true
	}
	ci := classID(n)
	if ci == "" || !(hasToken(ci, "time", "timestamp", "published", "posted", "byline", "author", "meta", "source", "dateline", "updated", "update") || dateToken(ci)) {
		return false
	}
	return w.stat(n).total < 120
}

// dateToken reports a class word that names a date: "date", "newsDate",
// "date-published", but not "update".
func dateToken(ci string) bool {
	for _, tok := range strings.FieldsFunc(ci, func(r rune) bool { return r > 0x7f || !isWordByte(byte(r)) }) {
		if tok != "update" && (strings.HasPrefix(tok, "date") || strings.HasSuffix(tok, "date")) {
			return true
		}
	}
	return false
}

// lower-cased strings used by label detection.
var labelWords = map[string]bool{
	"عاجل": true, "خبر عاجل": true, "عاجل جدا": true, "breaking": true,
	"breaking news": true, "urgent": true, "just in": true, "live": true,
}

func isLabelWord(s string) bool { return labelWords[strings.ToLower(cleanLabel(s))] }
