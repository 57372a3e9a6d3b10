package extract

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsarc/newsarc/internal/urlnorm"
)

// bodyWalker turns the body into blocks and images, in document order.
// With site rules it follows their section_heading, paragraph, image and
// caption selectors; without, the generic rules of genericWalk.
type bodyWalker struct {
	rules    *Rules // nil: generic
	skip     map[*html.Node]bool
	base     *url.URL
	headline string // looseKey of the headline: an h1 repeating it is skipped

	blocks   []block
	images   []Image
	captions map[string]bool // normalised captions, never paragraphs
	seenImg  map[string]bool
	root     *html.Node              // the body root being walked
	header   int                     // > 0 inside an article's <header>
	stats    map[*html.Node]textStat // measured by scoring, or on demand
	measure  *html.Node              // the subtree to measure on demand
}

// stat is n's text and picture count, from one walk over the body done
// the first time it is needed.
func (w *bodyWalker) stat(n *html.Node) textStat {
	if w.stats == nil && w.measure != nil {
		w.stats = statsOf(w.measure)
	}
	if s, ok := w.stats[n]; ok {
		return s
	}
	return textStatsOf(n)
}

func newBodyWalker(r *Rules, skip map[*html.Node]bool, base *url.URL, headline string) *bodyWalker {
	return &bodyWalker{
		rules: r, skip: skip, base: base, headline: looseKey(headline),
		captions: map[string]bool{}, seenImg: map[string]bool{}, images: []Image{},
	}
}

// walk walks the body roots.
func (w *bodyWalker) walk(roots []*html.Node) {
	for _, r := range roots {
		w.root = r
		if w.rules != nil {
			w.siteWalk(r)
		} else {
			w.genericWalk(r)
		}
	}
}

// siteWalk follows the site's selectors: a section_heading match starts a
// section, a paragraph match is a paragraph, images and captions are
// taken from figures and image matches and never become text. When the
// site leaves paragraph to its default, text standing loose in the body
// (between <br>s, outside any <p>) is taken too, as the generic walk does.
func (w *bodyWalker) siteWalk(n *html.Node) {
	r := w.rules
	var run []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r.loose && w.inRun(c) {
			run = append(run, c)
			continue
		}
		if c.Type != html.ElementNode {
			continue
		}
		if r.loose {
			w.loose(run)
			run = run[:0]
		}
		if w.skip[c] || skipText(c) {
			continue
		}
		switch {
		case r.caption.Match(c):
			// taken with its image
		case c.DataAtom == atom.Figure:
			w.imagesIn(c, r.image)
		case r.image.Match(c):
			w.image(c, r.image.attr)
		case r.heading.Match(c):
			w.blocks = append(w.blocks, block{heading: true, text: w.text(c)})
		case r.paragraph.Match(c) && cascadia.Query(c, r.paragraph) == nil:
			w.blocks = append(w.blocks, block{text: w.text(c)})
			w.imagesIn(c, r.image)
		default:
			w.siteWalk(c)
		}
	}
	w.loose(run)
}

// inRun reports text and plain inline elements that no selector claims.
func (w *bodyWalker) inRun(c *html.Node) bool {
	if c.Type == html.TextNode {
		return true
	}
	if c.Type != html.ElementNode || !isInline(c) || w.skip[c] || isImage(c) || w.stat(c).blocks > 0 {
		return false
	}
	r := w.rules
	return !r.caption.Match(c) && !r.image.Match(c) && !r.heading.Match(c) && !r.paragraph.Match(c)
}

// isCaption reports a caption element under the current rules.
func (w *bodyWalker) isCaption(n *html.Node) bool {
	if w.rules != nil {
		return w.rules.caption.Match(n)
	}
	if n.DataAtom == atom.Figcaption {
		return true
	}
	// "wp-caption" wraps the picture and its caption: a figure, not a caption.
	return strings.Contains(classID(n), "caption") && w.stat(n).imgs == 0
}

// text is n's raw text without captions, figures and skipped nodes;
// finishBlocks normalises it.
func (w *bodyWalker) text(n *html.Node) string {
	t := textBuf{skip: func(c *html.Node) bool {
		return w.skip[c] || c.DataAtom == atom.Figure || w.isCaption(c)
	}}
	t.add(n)
	return t.b.String()
}

// imagesIn takes the images under n (those matching m, or every picture
// element when m is unset).
func (w *bodyWalker) imagesIn(n *html.Node, m field) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || w.skip[c] || skipText(c) {
				continue
			}
			if (m.set() && m.Match(c)) || (!m.set() && isImage(c)) {
				w.image(c, m.attr)
				continue
			}
			walk(c)
		}
	}
	walk(n)
}

// image records one picture with its caption: the caption element of the
// enclosing figure (or of a small wrapper holding only this picture), else
// its alt text.
func (w *bodyWalker) image(n *html.Node, attr string) {
	if tiny(n) || (w.rules == nil && notPhoto(n)) {
		return
	}
	src := w.imageSrc(n, attr)
	if src == "" || w.seenImg[src] {
		return
	}
	w.seenImg[src] = true
	caption := w.captionFor(n)
	if caption == "" {
		caption = normText(getAttr(n, "alt"))
	}
	if caption != "" {
		w.captions[caption] = true
	}
	w.images = append(w.images, Image{Src: src, Caption: caption})
}

// captionFor finds the caption of a picture: inside its figure or inside a
// small wrapper holding only it, else right after it or after such a
// wrapper ("<picture>…</picture><p class=caption>").
func (w *bodyWalker) captionFor(img *html.Node) string {
	depth := 0
	last := img // the outermost element holding only this picture
	for anc := img.Parent; anc != nil && anc.Type == html.ElementNode && depth < 4; anc = anc.Parent {
		depth++
		fig := anc.DataAtom == atom.Figure
		if !fig && (anc == w.root || w.stat(anc).imgs > 1) {
			break
		}
		if c := w.findCaption(anc); c != nil {
			return w.captionText(c)
		}
		if w.rules == nil && w.figureLike(anc) {
			// A picture wrapper's own words are its caption.
			if t := nodeText(anc); t != "" {
				return t
			}
		}
		last = anc
		if fig {
			break
		}
	}
	for m := img; m != nil; m = m.Parent {
		if next := nextElement(m); next != nil && w.isCaption(next) {
			return w.captionText(next)
		}
		if m == last {
			break
		}
	}
	return ""
}

// nextElement is the element sibling after n, past white space only.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		switch {
		case s.Type == html.ElementNode:
			return s
		case s.Type == html.TextNode && strings.TrimSpace(s.Data) != "":
			return nil
		}
	}
	return nil
}

func (w *bodyWalker) findCaption(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if w.isCaption(c) {
			return c
		}
		if f := w.findCaption(c); f != nil {
			return f
		}
	}
	return nil
}

func (w *bodyWalker) captionText(c *html.Node) string {
	if w.rules != nil && w.rules.caption.attr != "" {
		return normText(getAttr(c, w.rules.caption.attr))
	}
	return nodeText(c)
}

// tiny reports tracking pixels and spacers by their declared size.
func tiny(n *html.Node) bool {
	for _, k := range []string{"width", "height"} {
		if v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(getAttr(n, k)), "px")); err == nil && v <= 2 {
			return true
		}
	}
	return false
}

// lazyAttrs hold the real picture on lazy-loading pages, where src is a
// placeholder: when present they win over src.
var lazyAttrs = []string{"data-src", "data-lazy-src", "data-original", "src", "srcset", "data-srcset"}

// imageSrc is the picture's URL, resolved and normalised: attr when the
// site names one other than src, else the lazy-loading attributes, else
// src, else the first srcset candidate. data: URLs are passed over.
func (w *bodyWalker) imageSrc(n *html.Node, attr string) string {
	attrs := lazyAttrs
	if attr != "" && attr != "src" {
		attrs = append([]string{attr}, lazyAttrs...)
	}
	for _, a := range attrs {
		v := strings.TrimSpace(getAttr(n, a))
		if strings.HasSuffix(a, "srcset") {
			v, _, _ = strings.Cut(v, ",")
			v, _, _ = strings.Cut(strings.TrimSpace(v), " ")
		}
		if v == "" || strings.HasPrefix(strings.ToLower(v), "data:") {
			continue
		}
		if u, err := urlnorm.Resolve(w.base, v); err == nil {
			return u
		}
	}
	return ""
}
