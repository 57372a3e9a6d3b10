package extract

import (
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The generic rule for modified_at: the page's stated last update.

// modifiedMetas are the <meta> keys read for the last update, best first.
var modifiedMetas = []string{
	"article:modified_time", "og:updated_time", "datemodified",
	"last-modified", "dc.date.modified", "dcterms.modified",
}

// findModified reads the last update: JSON-LD dateModified, the metas
// above, a machine date marked as the update (itemprop=dateModified, a
// <time datetime> marked updated, hAtom abbr.updated) near the headline
// then on the page, then an "Updated ..." line near the headline. A time
// more than a day after the fetch, or before published, is passed over
// for the next one.
func (x *extraction) findModified(head *html.Node, published string) string {
	ok := x.modifiedOK(published)
	if raw := x.meta.article().dateModified; raw != "" {
		if v := parseDate(raw); v != "" && ok("json-ld dateModified", raw, v) {
			x.step("modified_at", "json-ld dateModified", 1, raw)
			return v
		}
	}
	for _, k := range modifiedMetas {
		if raw := x.meta.metas[k]; raw != "" {
			if v := parseDate(raw); v != "" && ok("meta "+k, raw, v) {
				x.step("modified_at", "meta "+k, 1, raw)
				return v
			}
		}
	}
	scope := x.articleScope(head)
	for _, sc := range []*html.Node{scope, x.doc} {
		if sc == x.doc && scope == x.doc {
			break
		}
		for d := range sc.Descendants() {
			if d.Type != html.ElementNode {
				continue
			}
			raw, rule := modifiedAttr(d)
			if raw == "" {
				continue
			}
			if x.cleaner().inJunk(d) {
				continue
			}
			if v := parseDate(raw); v != "" && ok(rule, raw, v) {
				x.step("modified_at", rule, 1, raw)
				return v
			}
		}
	}
	var lines []dateLine
	if mentionsUpdate(scope) { // most pages never say "Updated": no need to read their lines
		x.cleaner()
		lines = x.dateLines(head)
	}
	for _, l := range lines {
		for _, d := range l.dates {
			if !l.updated(d) {
				continue
			}
			if v := d.t.Format(time.RFC3339); ok("\"Updated\" line near the headline", l.text, v) {
				x.step("modified_at", "\"Updated\" line near the headline", 1, l.text)
				return v
			}
		}
	}
	x.step("modified_at", "json-ld/meta/time/\"Updated\" line", 0)
	return ""
}

// modifiedAttr reads a machine update time from an element with
// itemprop=dateModified (content, datetime or title), a <time datetime>
// marked as the update (markedUpdated), or an hAtom <abbr class=updated
// title>.
func modifiedAttr(n *html.Node) (string, string) {
	if strings.EqualFold(getAttr(n, "itemprop"), "dateModified") {
		for _, a := range []string{"content", "datetime", "title"} {
			if v := getAttr(n, a); v != "" {
				return v, "[itemprop=dateModified]@" + a
			}
		}
	}
	if n.DataAtom == atom.Time {
		if v := getAttr(n, "datetime"); v != "" && markedUpdated(n) {
			return v, "time[datetime] marked updated"
		}
	}
	if n.DataAtom == atom.Abbr && hasToken(classID(n), "updated") && !hasToken(classID(n), "published") {
		return getAttr(n, "title"), "abbr.updated@title"
	}
	return "", ""
}

// mentionsUpdate reports whether the text under n has one of the update
// keywords of datewords.go ("updated", "modified", "تحديث", ...), in any
// case: a cheap pass before the date lines are read.
func mentionsUpdate(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type != html.TextNode {
			continue
		}
		for _, w := range updateWords {
			if containsFoldASCII(d.Data, w) {
				return true
			}
		}
	}
	return false
}

// updateWords are the update keywords, lower case.
var updateWords = func() []string {
	var ws []string
	for w, k := range keywords {
		if k == kwUpdated {
			ws = append(ws, w)
		}
	}
	return ws
}()

// containsFoldASCII reports whether s contains the lower-case ASCII word
// w, ignoring ASCII case.
func containsFoldASCII(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != w[j] {
				break
			}
		}
		if j == len(w) {
			return true
		}
	}
	return false
}
