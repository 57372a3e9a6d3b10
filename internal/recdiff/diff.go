package recdiff

import (
	"strings"

	"github.com/newsarc/newsarc/extract"
)

// Record JSON field names used in Change.Field.
const (
	fieldSections = "sections"
	fieldImages   = "images"
)

// Diff returns the changes from a (older) to b (newer), in record order:
// label, headline, source, published_at, language, direction, then
// sections and images in document order. It returns nil when the content
// fields are equal. A nil article counts as an empty one. Diff is
// deterministic.
func Diff(a, b *extract.Article) []Change {
	if a == nil {
		a = &extract.Article{}
	}
	if b == nil {
		b = &extract.Article{}
	}
	var cs []Change
	cs = appendLabel(cs, a.Label, b.Label)
	cs = appendProse(cs, KindHeadlineChanged, "headline", a.Headline, b.Headline)
	cs = appendProse(cs, KindSourceChanged, "source", a.Source, b.Source)
	cs = appendScalar(cs, KindPublishedChanged, "published_at", a.PublishedAt, b.PublishedAt)
	cs = appendScalar(cs, KindLanguageChanged, "language", a.Language, b.Language)
	cs = appendScalar(cs, KindDirectionChanged, "direction", a.Direction, b.Direction)
	cs = appendSections(cs, a.Sections, b.Sections)
	cs = appendImages(cs, a.Images, b.Images)
	return cs
}

func appendLabel(cs []Change, a, b string) []Change {
	switch {
	case a == b:
		return cs
	case a == "":
		return append(cs, Change{Kind: KindLabelAdded, Field: "label", New: b})
	case b == "":
		return append(cs, Change{Kind: KindLabelRemoved, Field: "label", Old: a})
	}
	return append(cs, Change{Kind: KindLabelChanged, Field: "label", Old: a, New: b})
}

func appendScalar(cs []Change, kind, field, a, b string) []Change {
	if a == b {
		return cs
	}
	return append(cs, Change{Kind: kind, Field: field, Old: a, New: b})
}

// appendProse reports a changed text with the words added and removed.
func appendProse(cs []Change, kind, field, a, b string) []Change {
	if a == b {
		return cs
	}
	return append(cs, prose(Change{Kind: kind, Field: field}, a, b))
}

// prose fills c's Old, New, Added and Removed.
func prose(c Change, a, b string) Change {
	d := diffWords(words(a), words(b))
	c.Old, c.New, c.Added, c.Removed = a, b, d.added, d.removed
	return c
}

func appendSections(cs []Change, a, b []extract.Section) []Change {
	ha, hb := headings(a), headings(b)
	steps := align(ha, hb, pairByPosition(textPairer(sectionTexts(a), sectionTexts(b))))
	for _, s := range steps {
		switch {
		case s.j < 0:
			cs = append(cs, Change{Kind: KindSectionRemoved, Field: fieldSections, Section: s.i + 1, Old: a[s.i].Heading})
			for p, text := range a[s.i].Paragraphs {
				cs = append(cs, Change{Kind: KindParagraphRemoved, Field: fieldSections, Section: s.i + 1, Paragraph: p + 1, Old: text})
			}
		case s.i < 0:
			cs = append(cs, Change{Kind: KindSectionAdded, Field: fieldSections, Section: s.j + 1, New: b[s.j].Heading})
			for p, text := range b[s.j].Paragraphs {
				cs = append(cs, Change{Kind: KindParagraphAdded, Field: fieldSections, Section: s.j + 1, Paragraph: p + 1, New: text})
			}
		default:
			if a[s.i].Heading != b[s.j].Heading {
				cs = append(cs, prose(Change{Kind: KindHeadingChanged, Field: fieldSections, Section: s.j + 1}, a[s.i].Heading, b[s.j].Heading))
			}
			cs = appendParagraphs(cs, a[s.i].Paragraphs, b[s.j].Paragraphs, s.i+1, s.j+1, s.j == len(b)-1)
		}
	}
	return cs
}

// appendParagraphs reports the changes between the paragraphs of a kept
// section, numbered secA in the older version and secB in the newer;
// last says whether it is the newer version's last section.
func appendParagraphs(cs []Change, a, b []string, secA, secB int, last bool) []Change {
	steps := align(a, b, textPairer(a, b))
	// An added paragraph is appended when it comes after the section's
	// last old paragraph and that one was kept (or edited): if it was
	// removed, the end of the section was replaced, not appended to.
	lastOld := -1
	for k, s := range steps {
		if s.i >= 0 {
			lastOld = k
		}
	}
	appendable := last && (lastOld < 0 || steps[lastOld].j >= 0)
	for k, s := range steps {
		switch {
		case s.j < 0:
			cs = append(cs, Change{Kind: KindParagraphRemoved, Field: fieldSections, Section: secA, Paragraph: s.i + 1, Old: a[s.i]})
		case s.i < 0:
			kind := KindParagraphAdded
			if appendable && k > lastOld {
				kind = KindParagraphAppended
			}
			cs = append(cs, Change{Kind: kind, Field: fieldSections, Section: secB, Paragraph: s.j + 1, New: b[s.j]})
		case a[s.i] != b[s.j]:
			d := diffWords(words(a[s.i]), words(b[s.j]))
			cs = append(cs, Change{
				Kind: KindParagraphEdited, Field: fieldSections, Section: secB, Paragraph: s.j + 1,
				Old: a[s.i], New: b[s.j], Added: d.added, Removed: d.removed, Ops: d.ops,
			})
		}
	}
	return cs
}

func headings(ss []extract.Section) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Heading
	}
	return out
}

// sectionTexts is each section's paragraphs as one text, for pairing
// sections whose heading changed.
func sectionTexts(ss []extract.Section) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Join(s.Paragraphs, "\n")
	}
	return out
}

func appendImages(cs []Change, a, b []extract.Image) []Change {
	srcA, srcB := make([]string, len(a)), make([]string, len(b))
	for i, im := range a {
		srcA[i] = im.Src
	}
	for i, im := range b {
		srcB[i] = im.Src
	}
	for _, s := range align(srcA, srcB, nil) {
		switch {
		case s.j < 0:
			cs = append(cs, Change{Kind: KindImageRemoved, Field: fieldImages, Image: s.i + 1, Src: a[s.i].Src, Old: a[s.i].Caption})
		case s.i < 0:
			cs = append(cs, Change{Kind: KindImageAdded, Field: fieldImages, Image: s.j + 1, Src: b[s.j].Src, New: b[s.j].Caption})
		case a[s.i].Caption != b[s.j].Caption:
			cs = append(cs, prose(Change{Kind: KindCaptionChanged, Field: fieldImages, Image: s.j + 1, Src: b[s.j].Src}, a[s.i].Caption, b[s.j].Caption))
		}
	}
	return cs
}
