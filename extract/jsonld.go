package extract

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
)

// ldArticle is the part of a JSON-LD article the extractor uses.
type ldArticle struct {
	typ           string
	headline      string
	datePublished string
	dateModified  string
	authors       []string
	publisher     string
	inLanguage    string
	articleBody   string
	image         string // URL of the article's image
	imageCaption  string
}

// articleTypes are the schema.org types read as the page's article.
var articleTypes = map[string]bool{
	"newsarticle": true, "article": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "askpublicnewsarticle": true, "blogposting": true,
	"liveblogposting": true, "report": true,
}

// trailingComma finds ",}" and ",]", which hand-written JSON-LD often has.
var trailingComma = regexp.MustCompile(`,\s*([}\]])`)

// parseJSONLD finds the first article object in one <script
// type="application/ld+json">: at the top, in an array, in @graph or as a
// page's mainEntity. It forgives HTML comments, CDATA markers, raw control
// characters in strings and trailing commas.
func parseJSONLD(raw string) (ldArticle, bool) {
	s := strings.TrimSpace(raw)
	for _, junk := range []string{"<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"} {
		s = strings.ReplaceAll(s, junk, "")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != ' ' }) {
		b := []byte(s)
		for i, c := range b {
			if c < ' ' {
				b[i] = ' ' // raw newlines inside strings are invalid JSON
			}
		}
		s = string(b)
	}
	values := decodeAll(s)
	if values == nil {
		values = decodeAll(trailingComma.ReplaceAllString(s, "$1"))
	}
	for _, v := range values {
		if a, ok := findArticle(v, 0); ok {
			return a, true
		}
	}
	return ldArticle{}, false
}

// decodeAll decodes the JSON values in s, one after another.
func decodeAll(s string) []any {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	var out []any
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if len(out) == 0 && strings.TrimSpace(s) != "" {
				return nil
			}
			return out
		}
		out = append(out, v)
	}
}

func findArticle(v any, depth int) (ldArticle, bool) {
	if depth > 6 {
		return ldArticle{}, false
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if a, ok := findArticle(e, depth+1); ok {
				return a, true
			}
		}
	case map[string]any:
		if typ, ok := isArticleType(t["@type"]); ok {
			return readArticle(t, typ), true
		}
		for _, k := range []string{"@graph", "mainEntity", "itemListElement"} {
			if sub, ok := t[k]; ok {
				if a, ok := findArticle(sub, depth+1); ok {
					return a, true
				}
			}
		}
	}
	return ldArticle{}, false
}

func isArticleType(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		k := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/"))
		return t, articleTypes[k]
	case []any:
		for _, e := range t {
			if s, ok := isArticleType(e); ok {
				return s, true
			}
		}
	}
	return "", false
}

func readArticle(m map[string]any, typ string) ldArticle {
	a := ldArticle{typ: typ}
	a.headline = ldString(m["headline"])
	if a.headline == "" {
		a.headline = ldString(m["name"])
	}
	a.datePublished = ldString(m["datePublished"])
	if a.datePublished == "" {
		a.datePublished = ldString(m["dateCreated"])
	}
	a.dateModified = ldString(m["dateModified"])
	a.authors = ldNames(m["author"])
	if p := ldNames(m["publisher"]); len(p) > 0 {
		a.publisher = p[0]
	}
	a.inLanguage = ldString(m["inLanguage"])
	if a.inLanguage == "" {
		if l, ok := m["inLanguage"].(map[string]any); ok {
			a.inLanguage = ldString(l["alternateName"])
		}
	}
	a.image, a.imageCaption = ldImage(m["image"])
	if body, ok := m["articleBody"].(string); ok {
		a.articleBody = html.UnescapeString(body) // lines kept: they are the paragraphs
	}
	return a
}

// ldImage reads image: a URL, an ImageObject {url, caption} or a list of
// either (the first).
func ldImage(v any) (src, caption string) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), ""
	case []any:
		if len(t) > 0 {
			return ldImage(t[0])
		}
	case map[string]any:
		src = ldString(t["url"])
		if src == "" {
			src = ldString(t["contentUrl"])
		}
		return src, ldString(t["caption"])
	}
	return "", ""
}

// ldString is a JSON-LD text value, HTML entities decoded, normalised.
func ldString(v any) string {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, "&") {
			t = html.UnescapeString(t)
		}
		return normText(t)
	case []any:
		if len(t) > 0 {
			return ldString(t[0])
		}
	case map[string]any:
		if s := ldString(t["@value"]); s != "" {
			return s
		}
	}
	return ""
}

// ldNames reads author/publisher: a string, a {name} object or a list.
func ldNames(v any) []string {
	switch t := v.(type) {
	case string:
		if s := ldString(t); s != "" && !strings.HasPrefix(s, "http") {
			return []string{s}
		}
	case map[string]any:
		if s := ldString(t["name"]); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, ldNames(e)...)
		}
		return out
	}
	return nil
}
