package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/language"
)

// pageMeta is what the page says about itself outside its visible text:
// gathered in one walk before anything is removed.
type pageMeta struct {
	lang, dir   string // <html lang>/<html dir> (or <body dir>)
	metaLang    string // content-language, og:locale, <meta name=language>
	canonical   string // raw href of <link rel=canonical>
	baseHref    string // raw href of the first <base>
	title       string // <title>
	metas       map[string]string
	jsonLDTexts []string // raw <script type=application/ld+json>, parsed on demand
	ld          *ldArticle
}

// article is the page's JSON-LD article (zero when it has none), parsed
// the first time a field needs it: site rules that name every field never
// pay for it.
func (m *pageMeta) article() *ldArticle {
	if m.ld == nil {
		m.ld = &ldArticle{}
		for _, raw := range m.jsonLDTexts {
			if a, ok := parseJSONLD(raw); ok {
				*m.ld = a
				break
			}
		}
	}
	return m.ld
}

// metaKeys are the <meta> names and properties kept, lower case.
var metaKeys = map[string]bool{
	"og:title": true, "og:site_name": true, "og:locale": true, "twitter:title": true,
	"article:published_time": true, "og:published_time": true, "og:article:published_time": true,
	"datepublished": true, "pubdate": true, "publishdate": true, "publish-date": true,
	"publish_date": true, "date": true, "dc.date": true, "dc.date.issued": true,
	"dcterms.date": true, "dcterms.created": true, "sailthru.date": true,
	"parsely-pub-date": true, "article.published": true,
	"article:modified_time": true, "og:updated_time": true, "datemodified": true,
	"last-modified": true, "dc.date.modified": true, "dcterms.modified": true,
	"author": true, "article:author": true, "dc.creator": true, "byl": true,
	"parsely-author": true, "sailthru.author": true,
	"og:image": true, "og:image:url": true, "og:image:alt": true, "twitter:image": true,
	"application-name": true, "language": true, "content-language": true,
}

// readMeta walks the document once for metadata.
func readMeta(doc *html.Node) *pageMeta {
	m := &pageMeta{metas: map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				m.lang = strings.TrimSpace(getAttr(n, "lang"))
				if m.lang == "" {
					m.lang = strings.TrimSpace(getAttr(n, "xml:lang"))
				}
				m.dir = strings.ToLower(strings.TrimSpace(getAttr(n, "dir")))
			case atom.Body:
				if m.dir == "" || m.dir == "auto" {
					m.dir = strings.ToLower(strings.TrimSpace(getAttr(n, "dir")))
				}
			case atom.Base:
				if m.baseHref == "" {
					m.baseHref = getAttr(n, "href")
				}
			case atom.Link:
				if m.canonical == "" && relHas(getAttr(n, "rel"), "canonical") {
					m.canonical = strings.TrimSpace(getAttr(n, "href"))
				}
			case atom.Title:
				if m.title == "" && !inSVG(n) {
					m.title = nodeText(n)
				}
			case atom.Meta:
				m.addMeta(n)
			case atom.Script:
				if t := strings.ToLower(strings.TrimSpace(getAttr(n, "type"))); t == "application/ld+json" && n.FirstChild != nil {
					m.jsonLDTexts = append(m.jsonLDTexts, n.FirstChild.Data)
				}
				return
			case atom.Style, atom.Svg:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

func (m *pageMeta) addMeta(n *html.Node) {
	content := getAttr(n, "content")
	if he := strings.ToLower(getAttr(n, "http-equiv")); he == "content-language" {
		m.metas["content-language"] = content
		return
	}
	for _, k := range []string{"property", "name", "itemprop"} {
		key := strings.ToLower(strings.TrimSpace(getAttr(n, k)))
		if key == "" || !metaKeys[key] {
			continue
		}
		if _, dup := m.metas[key]; !dup && strings.TrimSpace(content) != "" {
			m.metas[key] = content
		}
	}
}

func inSVG(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Svg {
			return true
		}
	}
	return false
}

// relHas reports whether the space-separated rel list has tok.
func relHas(rel, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(rel)) {
		if f == tok {
			return true
		}
	}
	return false
}

// language returns the page's BCP 47 tag and the rule that gave it:
// <html lang>, else Content-Language, <meta name=language>, JSON-LD
// inLanguage, og:locale. ("", "") when none of them names a language.
func (m *pageMeta) language() (string, string) {
	for i := 0; i < 5; i++ {
		var c, rule string
		switch i {
		case 0:
			c, rule = m.lang, "html lang"
		case 1:
			c, rule = m.metas["content-language"], "content-language"
		case 2:
			c, rule = m.metas["language"], "meta language"
		case 3:
			c, rule = m.article().inLanguage, "json-ld inLanguage"
		case 4:
			c, rule = m.metas["og:locale"], "og:locale"
		}
		c = strings.TrimSpace(c)
		if i := strings.IndexAny(c, ", "); i >= 0 { // "ar, en" in Content-Language
			c = c[:i]
		}
		if c == "" {
			continue
		}
		if t, err := language.Parse(strings.ReplaceAll(c, "_", "-")); err == nil && t != language.Und {
			return t.String(), rule
		}
	}
	return "", ""
}

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true,
}

// direction is the dir attribute when it says rtl or ltr, else the
// direction of the language's script, else that of the sample text.
func direction(dir, lang, sample string) string {
	if dir == "rtl" || dir == "ltr" {
		return dir
	}
	if lang != "" {
		if t, err := language.Parse(lang); err == nil {
			if s, _ := t.Script(); rtlScripts[s.String()] {
				return "rtl"
			}
			return "ltr"
		}
	}
	return textDirection(sample)
}

// textDirection counts strong letters: rtl when most are Arabic or Hebrew.
func textDirection(s string) string {
	rtl, ltr := 0, 0
	for _, r := range s {
		switch {
		case r >= 0x0590 && r <= 0x08FF, r >= 0xFB1D && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF:
			rtl++
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= 0xC0 && r <= 0x024F, r >= 0x0370 && r <= 0x052F:
			ltr++
		}
	}
	if rtl > ltr {
		return "rtl"
	}
	return "ltr"
}

// baseURL is the URL relative links of the page resolve against: the
// first <base href> resolved against the page URL, else the page URL.
func (m *pageMeta) baseURL(page *url.URL) *url.URL {
	if m.baseHref != "" {
		if b, err := page.Parse(strings.TrimSpace(m.baseHref)); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
			return b
		}
	}
	return page
}

// siteNames are the names the page gives its publisher, for cleaning
// " | Site" off titles.
func (m *pageMeta) siteNames() []string {
	var out []string
	for _, s := range []string{m.metas["og:site_name"], m.article().publisher, m.metas["application-name"]} {
		if s = normText(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
