package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// A byline is read in three steps: its lead-in ("By", "Von", "كتب:") is
// set aside, it is cut where something other than names begins (a date,
// a role, a handle, a button), and what is left is split into names.

// bylineLeads are the words that open a byline, lower case, longest
// first where one is the start of another.
var bylineLeads = []string{
	"about the author", "über den autor", "über die autorin", "view all posts by", "more posts by", "all posts by", "zeige alle beiträge von", "alle beiträge von",
	"alle artikel von", "alles von", "publié par", "écrit par", "publicado por", "escrito por",
	"publiziert von", "gepostet von", "geposted von", "post author by", "posted by", "published by", "written by", "words by", "story by", "reported by",
	"eingestellt von", "veröffentlicht von", "erstellt von", "geschrieben von", "artikel von:", "artikel von",
	"beitrag von", "beitragvon", "ein beitrag von", "text und fotos:", "text:", "text von",
	"post author", "autor:", "autor", "autorin:", "autorin", "author:", "author", "auteur:", "auteur",
	"redakteur:", "by:", "by", "from", "von:", "von", "vom", "par", "por", "di", "door",
	"كتب:", "كتب", "كتبت:", "كتبت", "بقلم:", "بقلم", "بواسطة", "إعداد:", "إعداد", "اعداد:", "اعداد",
	"تقرير:", "أرسلها", "أرسله", "来源：", "来源:", "作者：", "作者:", "记者：", "记者:", "文／", "文/",
	"~", "—", "–", "-", ":",
}

// bylineStops end the names of a byline: what comes after them is a
// role, a date, a link or a button. Matched lower case, at a word start.
var bylineStops = []string{
	" | ", " • ", " · ", " // ", " / ", "(", "@", "http://", "https://",
	" share", " tweet", " follow", " unfollow", " profile", " view all", " view author", " email",
	" more from", " more by", " alle beiträge", " alles von", " zeige alle", " mehr von", " über ",
	" kontakt", " teilen", " folgen", " übersetzt von", " bild:", " foto:", " fotos:", " photo:",
	" image:", " bildquelle", " am ", " on ", " updated", " aktualisiert", " »", " «",
	" veröffentlicht", " published", " posted", " chefredakteur", " redakteur",
	" twitter", " facebook", " instagram", " linkedin", " مشاركة", " تابع",
}

// notNames are lines and parts of lines that look like a byline but name
// nobody: ad labels, credits, platform names, roles.
var notNames = map[string]bool{
	"supported by": true, "advertisement": true, "anzeige": true, "sponsored": true, "sponsored by": true,
	"paid content": true, "promoted": true, "إعلان": true, "staff writer": true, "staff": true,
	"correspondent": true, "reporter": true, "editor": true, "contributor": true, "contributing writer": true,
	"wire services": true, "redakteur": true, "redakteurin": true, "مراسل": true, "محرر": true,
	"share": true, "tweet": true, "follow": true, "posted on": true, "published": true, "admin": true,
	"veröffentlicht am": true, "posted": true, "publiziert am": true, "veröffentlicht": true,
	"by": true, "von": true, "unknown": true,
}

// junkLeads open lines that name a sponsor, a platform or a picture's
// source, not the article's author.
var junkLeads = []string{
	"powered by", "supported by", "sponsored by", "presented by", "in partnership with", "advertisement",
	"anzeige", "(bildquelle", "bildquelle", "foto:", "fotos:", "photo:", "photos:", "image:", "credit:",
	"bild:", "quelle: getty", "©",
}

// junkByline reports a line that opens like an ad label or a credit.
func junkByline(t string) bool {
	l := strings.ToLower(t)
	for _, j := range junkLeads {
		if strings.HasPrefix(l, j) {
			return true
		}
	}
	return false
}

// dateInLine finds a date or time inside a byline: "21.01.2009",
// "2023-11-01", "March 3, 2024", "3. März", "10:15". A month name alone
// is not a date: "April Roach" is a name.
var dateInLine = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(?:` +
	`[\d٠-٩۰-۹]{1,4}[./-][\d٠-٩۰-۹]{1,2}[./-][\d٠-٩۰-۹]{1,4}|[\d٠-٩۰-۹]{1,2}:[\d٠-٩۰-۹]{2}|` +
	`[\d٠-٩۰-۹]{1,2}\.? ` + monthWords + `|` + monthWords + ` [\d٠-٩۰-۹]{1,2})(?:[^\pL\pN]|$)`)

// monthWords are English and German month names and their abbreviations,
// whole words.
const monthWords = `(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mär(?:z)?|mar(?:ch)?|apr(?:il)?|mai|may|jun(?:e|i)?|jul(?:y|i)?|` +
	`aug(?:ust)?|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dez(?:ember)?|dec(?:ember)?)\.?`

// trailingNote is a footnote mark glued to a name: "Marwan H. Adwan1".
var trailingNote = regexp.MustCompile(`(\pL)\d{1,2}$`)

// nameSeps split the names of one byline: punctuation, or a word for
// "and" between spaces (RE2's \b is ASCII-only: "Renée" must not split).
var nameSeps = regexp.MustCompile(`\s*(?:,|،|;|&)\s*|\s+(?:and|und|et|y|e|oraz|و|-|–|—|ـ)\s+`)

// bylineNames returns the names a byline line gives, [] when it gives
// none. site holds the site's own names, which are not authors when they
// follow a name ("Bob Yirka, Phys.org").
func bylineNames(line string, site []string) []string {
	t := normText(line)
	if t == "" || notNames[strings.ToLower(t)] || junkByline(t) {
		return nil
	}
	// "Posted on 21 March 2020 by Adi": the names follow the last lead-in.
	if i := lastLeadIn(t); i > 0 && dateInLine.MatchString(t[:i]) {
		t = t[i:]
	}
	led := trimLead(t)
	if loc := dateInLine.FindStringIndex(led); loc != nil {
		led = led[:loc[0]]
	}
	if led == t {
		// No lead-in: "Cairo - agencies" is a place and a source.
		if place, agency, ok := dateline(led); ok && place != "" {
			led = agency
		}
	}
	t = cutAtStop(led + " ") // the stops are words: " am ", " // "
	var out []string
	for i, part := range nameSeps.Split(t, -1) {
		part = strings.Trim(part, " :-–—|•·,»«")
		if strings.Contains(part, " ") {
			part = trailingNote.ReplaceAllString(part, "$1") // not "TAG24"
		}
		if !nameLike(part) || (i > 0 && isSiteName(part, site)) || isDateLine(part, maxOtherHinted) {
			continue
		}
		out = append(out, part)
	}
	return out
}

// lastLeadIn is the byte offset just after the last " by "/" von " in t,
// or 0.
func lastLeadIn(t string) int {
	l := lowerSameLen(t)
	best := 0
	for _, w := range []string{" by ", " von ", " par ", " por "} {
		if i := strings.LastIndex(l, w); i >= 0 && i+len(w) > best {
			best = i + len(w)
		}
	}
	return best
}

// trimLead removes the lead-in words of a byline, repeatedly ("Post
// author By").
func trimLead(t string) string {
	for changed := true; changed; {
		changed = false
		l := lowerSameLen(t)
		for _, w := range bylineLeads {
			if !strings.HasPrefix(l, w) {
				continue
			}
			rest := t[len(w):]
			r, _ := utf8.DecodeRuneInString(rest)
			letterLead := unicode.IsLetter([]rune(w)[0])
			if rest == "" {
				return ""
			}
			if letterLead && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !strings.ContainsAny(w[len(w)-1:], ":/") && !strings.HasSuffix(w, "：") && !strings.HasSuffix(w, "／") {
				// "Bytes", "Autorenname": not a lead-in; but "vonChris" (a
				// missing space) is, when what follows is upper case.
				last, _ := utf8.DecodeLastRuneInString(t[:len(w)])
				glued := strings.HasSuffix(w, "von") || strings.HasSuffix(w, "by") || strings.HasSuffix(w, "author") || strings.HasSuffix(w, "autor")
				if !(glued && unicode.IsUpper(r) && unicode.IsLower(last)) {
					continue
				}
			}
			t = strings.TrimLeft(rest, " :：-–—")
			changed = true
			break
		}
	}
	return t
}

// dateline splits "القاهرة - وكالات" or "Dubai - WAM" into place and
// source: a place of one or two words, a dash, the source.
func dateline(t string) (place, source string, ok bool) {
	for _, d := range []string{" - ", " ـ ", " – ", " — "} {
		if p, s, found := strings.Cut(t, d); found && len(strings.Fields(p)) <= 2 && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(p), strings.TrimSpace(s), true
		}
	}
	return "", t, false
}

func cutAtStop(t string) string {
	l := lowerSameLen(t)
	end := len(t)
	for _, s := range bylineStops {
		if i := strings.Index(l, s); i >= 0 && i < end {
			end = i
		}
	}
	return t[:end]
}

// lowerSameLen lower-cases the letters of s whose lower case has the same
// UTF-8 length, so that byte offsets found in the result hold in s ("İ"
// would shrink to "i": it stays).
func lowerSameLen(s string) string {
	return strings.Map(func(r rune) rune {
		if l := unicode.ToLower(r); utf8.RuneLen(l) == utf8.RuneLen(r) {
			return l
		}
		return r
	}, s)
}

// buttons are the words of share and follow buttons that run on after
// a byline: "By Jane Doe SHARE SHARE TWEET", "Jane DoeProfileFollow".
var buttons = regexp.MustCompile(`(?i:\s(share|tweet|follow|unfollow|profile|teilen|folgen|partager|compartir|مشاركة|تابع)(\s.*)?$)|` +
	`(\p{Ll})(Share|Tweet|Follow|Unfollow|Profile)(\p{Lu}.*)?$`)

// cleanSource cuts the button words off a source line.
func cleanSource(t string) string {
	for {
		loc := buttons.FindStringSubmatchIndex(t)
		if loc == nil {
			return t
		}
		end := loc[0]
		if loc[6] >= 0 { // glued to the name: keep its last letter
			end = loc[7]
		}
		t = strings.TrimRight(t[:end], " |•·-–—,:")
	}
}

// nameLike reports a string that can be a person's or an agency's name:
// one to six words, at most 60 characters, with a letter, and not one of
// the notNames.
func nameLike(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 60 || notNames[strings.ToLower(s)] {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 6 || slices.ContainsFunc(words, allDigits) {
		return false // "21 minutes", "4312 words"
	}
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// findAuthors lists the article's authors: the JSON-LD article's author
// names, else the names of the byline (source), else <meta name=author>
// (byl, dc.creator, article:author), else the elements marked
// itemprop=author or rel=author.
func (x *extraction) findAuthors(source string) []string {
	site := x.siteNames()
	var ld []string
	for _, a := range x.meta.article().authors {
		// One JSON-LD author may still be a byline: "Cairo - agencies",
		// "Jane Doe, Staff Writer".
		ld = append(ld, bylineNames(a, site)...)
	}
	byline := bylineNames(source, site)
	if len(ld) > 0 {
		if sameNames(ld, byline) {
			ld = byline // as the page prints them
		}
		x.step("authors", "json-ld author", len(ld), ld...)
		return dedupNames(ld)
	}
	if names := byline; len(names) > 0 {
		for i, n := range names {
			names[i] = x.metaCut(n)
		}
		x.step("authors", "source line", len(names), names...)
		return names
	}
	for _, k := range metaAuthors {
		v := normText(x.meta.metas[k])
		if v == "" || strings.Contains(v, "://") || strings.HasPrefix(v, "www.") {
			continue
		}
		if names := bylineNames(v, site); len(names) > 0 {
			x.step("authors", "meta "+k, len(names), names...)
			return names
		}
	}
	var marked []string
	for n := range x.doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if strings.EqualFold(getAttr(n, "itemprop"), "author") || relHas(getAttr(n, "rel"), "author") {
			if x.cleaner().inJunk(n) {
				continue
			}
			if names := bylineNames(authorText(n), site); len(names) > 0 {
				marked = append(marked, names...)
			}
		}
	}
	if len(marked) > 0 {
		marked = dedupNames(marked)
		x.step("authors", "itemprop=author, rel=author", len(marked), marked...)
		return marked
	}
	x.step("authors", "json-ld/source/meta/itemprop/rel", 0)
	return []string{}
}

// metaAuthors are the <meta> names that hold author names.
var metaAuthors = []string{"author", "byl", "dc.creator", "article:author", "parsely-author", "sailthru.author"}

// metaCut ends a byline name where a <meta> author name that starts it
// ends: "LENA FISCHER Associated Wire" with parsely-author "Lena
// Fischer" is "LENA FISCHER".
func (x *extraction) metaCut(name string) string {
	for _, k := range metaAuthors {
		m := normText(x.meta.metas[k])
		if m != "" && len(m) < len(name) && strings.EqualFold(name[:len(m)], m) && name[len(m)] == ' ' {
			return name[:len(m)]
		}
	}
	return name
}

// authorText is the name inside an author element: its itemprop=name
// when it has one, else its text.
func authorText(n *html.Node) string {
	for d := range n.Descendants() {
		if d != n && d.Type == html.ElementNode && strings.EqualFold(getAttr(d, "itemprop"), "name") {
			if v := getAttr(d, "content"); v != "" {
				return v
			}
			return nodeText(d)
		}
	}
	if v := getAttr(n, "content"); v != "" {
		return v
	}
	return nodeText(n)
}

func dedupNames(in []string) []string {
	out := in[:0]
	seen := map[string]bool{}
	for _, s := range in {
		if k := looseKey(s); !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// sameNames reports the same names, ignoring case.
func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}
