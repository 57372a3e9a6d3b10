package extract

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Selectors are a site's raw CSS selectors as written in its site file;
// "sel@attr" takes an attribute. Every field is optional.
type Selectors struct {
	Label          string   `json:"label,omitempty"`
	Headline       string   `json:"headline,omitempty"`
	Source         string   `json:"source,omitempty"`
	Authors        string   `json:"authors,omitempty"`
	Published      string   `json:"published,omitempty"`
	Modified       string   `json:"modified,omitempty"`
	Body           string   `json:"body,omitempty"`
	SectionHeading string   `json:"section_heading,omitempty"`
	Paragraph      string   `json:"paragraph,omitempty"`
	Image          string   `json:"image,omitempty"`
	Caption        string   `json:"caption,omitempty"`
	LeadImage      string   `json:"lead_image,omitempty"`
	LeadCaption    string   `json:"lead_caption,omitempty"`
	Remove         []string `json:"remove,omitempty"`
}

// Defaults of the selectors applied inside the body when a site leaves
// them out.
const (
	DefaultSectionHeading = "h2, h3, h4"
	DefaultParagraph      = "p"
	DefaultImage          = "img@src"
	DefaultCaption        = "figcaption"
)

// SelectorError is a selector that does not compile. Field is the site
// file's key, e.g. "selectors.headline" or "selectors.remove[2]".
type SelectorError struct {
	Field    string
	Selector string
	Err      error
}

// Error names the field and says what is wrong with its selector.
func (e *SelectorError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SelectorError) Unwrap() error { return e.Err }

// Rules are a site's compiled extraction rules. A nil *Rules means: generic
// extractor. Rules are read-only once compiled and safe for concurrent use.
type Rules struct {
	name, id string

	label, headline, source, published field
	authors                            field
	modified                           field
	body                               field
	heading, paragraph, image, caption field
	leadImage, leadCaption             field
	remove                             []field

	drop map[string]bool
	// loose is true when paragraph is left to its default: loose text in
	// the body counts as paragraphs.
	loose bool
	// any is true when at least one selector is set; a site with only
	// drop_lines goes through the generic extractor.
	any bool
	// set lists the record fields whose selector the site file gives.
	set []string
}

// field is one compiled selector; a nil sel means the field is not set.
type field struct {
	raw  string
	sel  cascadia.SelectorGroup
	attr string // "" = the element's text
}

func (f field) set() bool { return f.sel != nil }

// Match reports whether n matches the field's selector.
func (f field) Match(n *html.Node) bool { return f.sel != nil && f.sel.Match(n) }

// Fields returns the keys of the selectors the site file sets (label,
// headline, source, authors, published, modified, body, section_heading,
// paragraph, image, caption, lead_image, lead_caption), in that order:
// what selector health is measured on.
func (r *Rules) Fields() []string {
	if r == nil {
		return nil
	}
	return slices.Clone(r.set)
}

// Name returns the site name the rules were compiled for; "" for nil.
func (r *Rules) Name() string {
	if r == nil {
		return ""
	}
	return r.name
}

// Compile checks and compiles a site's selectors, at config load time. name
// is the site name, id what goes in the record's extractor field (e.g.
// "site:cairo-news@0123456789ab"; "" gives "site:"+name). dropLines are
// lines removed from sections and text (exact match after normalisation).
// Errors are *SelectorError.
//
// An attribute ("sel@attr") is allowed on label, headline, source,
// authors, published, modified, image, caption, lead_image and
// lead_caption; body, section_heading, paragraph and remove select
// elements only.
func Compile(name, id string, sel Selectors, dropLines []string) (*Rules, error) {
	if id == "" {
		id = "site:" + name
	}
	r := &Rules{name: name, id: id, drop: dropSet(dropLines), loose: strings.TrimSpace(sel.Paragraph) == ""}
	specs := []struct {
		key, raw, def string
		attrOK        bool
		into          *field
	}{
		{"label", sel.Label, "", true, &r.label},
		{"headline", sel.Headline, "", true, &r.headline},
		{"source", sel.Source, "", true, &r.source},
		{"authors", sel.Authors, "", true, &r.authors},
		{"published", sel.Published, "", true, &r.published},
		{"modified", sel.Modified, "", true, &r.modified},
		{"body", sel.Body, "", false, &r.body},
		{"section_heading", sel.SectionHeading, DefaultSectionHeading, false, &r.heading},
		{"paragraph", sel.Paragraph, DefaultParagraph, false, &r.paragraph},
		{"image", sel.Image, DefaultImage, true, &r.image},
		{"caption", sel.Caption, DefaultCaption, true, &r.caption},
		{"lead_image", sel.LeadImage, "", true, &r.leadImage},
		{"lead_caption", sel.LeadCaption, "", true, &r.leadCaption},
	}
	for _, s := range specs {
		raw := strings.TrimSpace(s.raw)
		if raw != "" {
			r.any = true
			r.set = append(r.set, s.key)
		} else {
			raw = s.def
		}
		if raw == "" {
			continue
		}
		f, err := compileField(raw, s.attrOK)
		if err != nil {
			return nil, &SelectorError{Field: "selectors." + s.key, Selector: s.raw, Err: err}
		}
		*s.into = f
	}
	for i, raw := range sel.Remove {
		f, err := compileField(strings.TrimSpace(raw), false)
		if err != nil {
			return nil, &SelectorError{Field: fmt.Sprintf("selectors.remove[%d]", i), Selector: raw, Err: err}
		}
		r.remove = append(r.remove, f)
		r.any = true
	}
	return r, nil
}

// compileField parses "sel" or "sel@attr".
func compileField(raw string, attrOK bool) (field, error) {
	if raw == "" {
		return field{}, errors.New("empty selector")
	}
	css, attr := splitAttr(raw)
	if attr != "" || strings.HasSuffix(raw, "@") {
		if !attrOK {
			return field{}, fmt.Errorf("%q: this field selects elements, it takes no @attribute", raw)
		}
		if !validAttr(attr) {
			return field{}, fmt.Errorf("%q: bad attribute name %q after @", raw, attr)
		}
		if strings.TrimSpace(css) == "" {
			return field{}, fmt.Errorf("%q: no selector before @", raw)
		}
	}
	g, err := cascadia.ParseGroup(strings.TrimSpace(css))
	if err != nil {
		return field{}, fmt.Errorf("bad CSS selector %q: %v", css, err)
	}
	return field{raw: raw, sel: g, attr: strings.ToLower(attr)}, nil
}

// splitAttr splits "sel@attr" at the last "@" outside quotes, brackets and
// parentheses, so that "a[href*='@']" is a selector without attribute.
func splitAttr(raw string) (css, attr string) {
	var quote byte
	depth := 0
	at := -1
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == '@' && depth == 0:
			at = i
		}
	}
	if at < 0 {
		return raw, ""
	}
	return raw[:at], strings.TrimSpace(raw[at+1:])
}

// validAttr accepts HTML attribute names: letters, digits, '-', '_', ':'
// and '.', starting with a letter or '_'.
func validAttr(a string) bool {
	if a == "" {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '-' && c != ':' && c != '.' {
			return false
		}
	}
	return true
}
