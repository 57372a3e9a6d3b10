package recdiff

import "sort"

// Kinds of change. They are the values of Change.Kind and part of the JSON
// output of `newsarc diff --format json`.
const (
	KindLabelChanged      = "label changed"
	KindLabelAdded        = "label added"
	KindLabelRemoved      = "label removed"
	KindHeadlineChanged   = "headline changed"
	KindSourceChanged     = "source changed"
	KindPublishedChanged  = "published_at changed"
	KindLanguageChanged   = "language changed"
	KindDirectionChanged  = "direction changed"
	KindSectionAdded      = "section added"
	KindSectionRemoved    = "section removed"
	KindHeadingChanged    = "section heading changed"
	KindParagraphEdited   = "paragraph edited"
	KindParagraphAdded    = "paragraph added"
	KindParagraphAppended = "paragraph appended"
	KindParagraphRemoved  = "paragraph removed"
	KindImageAdded        = "image added"
	KindImageRemoved      = "image removed"
	KindCaptionChanged    = "caption changed"
)

// EditThreshold is the word similarity from which a removed and an added
// paragraph (or, in a gap with unequal counts, a removed and an added
// section) at the same place are reported as one edit.
const EditThreshold = 0.5

// Op is one step of a word-level diff: Op is "=" (kept), "-" (removed) or
// "+" (added); Text is the words of the step joined by single spaces.
type Op struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Change is one difference between two versions of a record.
//
// Field is the record's JSON field name. Section, Paragraph and Image are
// 1-based and count in the newer version, or in the older one for
// removals. Old and New are the texts of the field (for images: the
// caption); Added and Removed are the words added and removed, in order,
// for changes of prose (headline, source, section heading, caption,
// paragraph edited); Ops is the word-level diff of an edited paragraph.
type Change struct {
	Kind      string   `json:"kind"`
	Field     string   `json:"field"`
	Section   int      `json:"section,omitempty"`
	Paragraph int      `json:"paragraph,omitempty"`
	Image     int      `json:"image,omitempty"`
	Src       string   `json:"src,omitempty"`
	Old       string   `json:"old,omitempty"`
	New       string   `json:"new,omitempty"`
	Added     []string `json:"added,omitempty"`
	Removed   []string `json:"removed,omitempty"`
	Ops       []Op     `json:"ops,omitempty"`
}

// Fields returns the distinct Field values of cs, sorted.
func Fields(cs []Change) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cs {
		if !seen[c.Field] {
			seen[c.Field] = true
			out = append(out, c.Field)
		}
	}
	sort.Strings(out)
	return out
}
