package extract

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The lead image is the picture a page leads its article with. It usually
// sits between the headline and the body, outside the body container, and
// pages name it in their metadata (og:image, JSON-LD image). It is the
// record's first image, listed once even when the body shows it again.

// leadBefore takes the lead picture before the body is walked: with a
// site's lead_image selector its first match (the caption its
// lead_caption match, else the picture's own caption), else the pictures
// between the headline and the body. It returns how many it took.
func (x *extraction) leadBefore(w *bodyWalker, head, body *html.Node) int {
	w.root = nil
	if r := x.rules; r != nil && r.leadImage.set() {
		x.siteLead(w)
	} else if head != nil && body != nil {
		x.between(w, head, body)
	}
	return len(w.images)
}

// leadAfter finishes the images once the body is walked: when nothing led
// the article (and the site sets no lead_image selector: its miss stands),
// the page's og:image (or JSON-LD image) does; the lead pictures come
// first and no picture is listed twice, in any size.
func (x *extraction) leadAfter(w *bodyWalker, lead int) {
	if lead == 0 && (x.rules == nil || !x.rules.leadImage.set()) {
		lead = x.metaLead(w)
	}
	w.images = mergeImages(w.images[:lead], w.images[lead:])
	if lead > 0 {
		x.step("lead_image", "", lead, w.images[0].Src, w.images[0].Caption)
	}
}

// siteLead takes the first match of the site's lead_image selector.
func (x *extraction) siteLead(w *bodyWalker) {
	r := x.rules
	n, _ := x.firstMatch(r.leadImage, func(n *html.Node) bool { return w.imageSrc(n, r.leadImage.attr) != "" })
	if n == nil {
		return
	}
	src := w.imageSrc(n, r.leadImage.attr)
	caption := ""
	if r.leadCaption.set() {
		caption, _ = x.siteField("lead_caption", r.leadCaption, nil)
	} else if isImage(n) {
		caption = w.captionFor(n)
	}
	if caption == "" && isImage(n) {
		caption = normText(getAttr(n, "alt"))
	}
	w.seenImg[src] = true
	if caption != "" {
		w.captions[caption] = true
	}
	w.images = append(w.images, Image{Src: src, Caption: caption})
}

// between takes the pictures that come after the headline and before the
// body, such as a lead photo in the article header; without site rules
// also the standfirst there (an intro or summary paragraph), as the
// body's first paragraph. Nothing is taken unless the body does follow
// the headline.
func (x *extraction) between(w *bodyWalker, head, body *html.Node) {
	if contains(head, body) || contains(body, head) {
		return
	}
	var pics, intro []*html.Node
	n := nextAfter(head)
	for steps := 0; n != body; steps++ {
		if n == nil || steps >= 400 {
			return // the body does not follow the headline closely
		}
		switch {
		case isImage(n) && !notPhoto(n) && !w.skip[n]:
			pics = append(pics, n)
		case w.rules == nil && standfirst(n, w) && !contains(n, body):
			intro = append(intro, n)
			n = nextAfter(n)
			continue
		}
		n = nextNode(n)
	}
	for _, p := range pics {
		w.image(p, "")
	}
	for _, p := range intro {
		w.line(w.text(p))
	}
}

// standfirstHints are class words of the summary paragraph set between a
// headline and its article.
var standfirstHints = []string{
	"standfirst", "intro", "lead", "teaser", "summary", "excerpt", "dek", "subtitle", "subheadline",
	"sub-headline", "bajada", "chapo", "chapeau", "sapo", "abstract", "description", "deck", "kicker-text",
}

// standfirst reports the summary paragraph under a headline: an element
// whose class says so, or a paragraph, with at least 60 characters of
// text and hardly a link.
func standfirst(n *html.Node, w *bodyWalker) bool {
	if n.Type != html.ElementNode || w.skip[n] || headingLevel(n) == 1 {
		return false
	}
	s := w.stat(n)
	if s.plain() < 60 || s.linkDensity() > 0.1 || s.imgs > 0 {
		return false
	}
	if isDateLine(nodeText(n), maxOtherHinted) {
		return false // a dateline, "Updated: …"
	}
	if n.DataAtom == atom.P {
		return true
	}
	ci := classID(n)
	return ci != "" && hasToken(ci, standfirstHints...) && !w.metaLine(n)
}

// metaLead makes the page's og:image (or twitter:image, or JSON-LD
// image) the lead picture, moved to the front of w.images: the body's
// picture showing it, else the <img> showing it elsewhere on the page,
// with its caption, else the bare URL with og:image:alt. It returns 1
// when it found one.
func (x *extraction) metaLead(w *bodyWalker) int {
	raw := ""
	for _, v := range []string{x.meta.metas["og:image"], x.meta.metas["og:image:url"], x.meta.metas["twitter:image"], x.meta.article().image} {
		if v = strings.TrimSpace(v); v != "" {
			raw = v
			break
		}
	}
	if raw == "" || notPhotoURL(raw) {
		return 0
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return 0
	}
	src := x.base.ResolveReference(u).String()
	key := imageKey(src)
	front := func(i int) int {
		im := w.images[i]
		w.images = append(append([]Image{im}, w.images[:i]...), w.images[i+1:]...)
		return 1
	}
	for i, im := range w.images {
		if imageKey(im.Src) == key {
			return front(i) // shown in the body: it moves up
		}
	}
	w.root = nil
	for n := range x.doc.Descendants() {
		if isImage(n) && !tiny(n) {
			if s := w.imageSrc(n, ""); s != "" && imageKey(s) == key {
				before := len(w.images)
				w.image(n, "")
				if len(w.images) > before {
					return front(len(w.images) - 1)
				}
			}
		}
	}
	caption := normText(x.meta.metas["og:image:alt"])
	if caption == "" {
		caption = x.meta.article().imageCaption
	}
	w.images = append([]Image{{Src: src, Caption: caption}}, w.images...)
	return 1
}

// notPhotoURL reports metadata images that are a site's logo or a
// generic share card rather than the article's picture, by whole words of
// the URL ("dialogo-de-paz.jpg" is a photo).
func notPhotoURL(u string) bool {
	return hasToken(strings.ToLower(u), "logo", "favicon", "placeholder", "default", "noimage", "fallback", "blank")
}

// sizeSuffix is the size a CMS appends to a picture's file name:
// "photo-1024x683.jpg", "photo_w640.jpg".
var sizeSuffix = regexp.MustCompile(`(?i)([-_](\d{2,4}x\d{2,4}|w\d{2,4}|\d{2,4}w)|@[23]x)(\.[a-z0-9]+)$`)

// imageKey identifies a picture across sizes: host, path without the size
// suffix, and query without size parameters, lower case. Pictures served
// by one script ("img.php?id=101", "?id=102") stay apart.
func imageKey(src string) string {
	u, err := url.Parse(src)
	if err != nil {
		return src
	}
	q := u.Query()
	for k := range q {
		switch strings.ToLower(k) {
		case "w", "h", "width", "height", "resize", "fit", "q", "quality", "crop", "auto", "fm", "format", "dpr", "size", "ssl":
			q.Del(k)
		}
	}
	return strings.ToLower(u.Host + sizeSuffix.ReplaceAllString(u.Path, "$3") + "?" + q.Encode())
}

// mergeImages lists the lead pictures, then the body's, each picture
// once: a body picture that repeats a lead one (in any size) is left out.
func mergeImages(lead, body []Image) []Image {
	out := make([]Image, 0, len(lead)+len(body))
	seen := make(map[string]bool, len(lead)+len(body))
	for _, list := range [][]Image{lead, body} {
		for _, im := range list {
			if k := imageKey(im.Src); !seen[k] {
				seen[k] = true
				out = append(out, im)
			}
		}
	}
	return out
}
