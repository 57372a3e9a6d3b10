package recdiff_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/recdiff"
)

// Texts added in the tests, in the style of the articles.
const (
	arCorrection = "تصحيح: نسبت نسخة سابقة من هذا الخبر التصريحات إلى مسؤول رسمي، والصحيح أنها لمصدر مصري مطلع."
	arAdvice     = "الابتعاد عن مجاري السيول والأودية وعدم عبورها بالسيارات."
	arOther      = "وأعلنت وزارة التربية والتعليم تعليق الدراسة في المدارس الواقعة بمناطق الأمطار."
	enCorrection = "Correction: An earlier version of this article misstated the number of committee members who backed the cut."
	enBullet     = "Tampa International Airport will close to passengers at 9 a.m. on Tuesday."
	enEntry      = "The National Weather Service issued a storm surge warning for the entire Gulf coast of the peninsula."
	enImage      = "https://static.harbourtimes.example/images/2024/09/18/trading-floor.jpg"
)

func TestDiffKinds(t *testing.T) {
	sections := "sections"
	tests := []struct {
		name     string
		file     string
		old, new func(t *testing.T, a *extract.Article)
		// want gets the untouched article.
		want func(base *extract.Article) []recdiff.Change
	}{
		{name: "ar equal", file: "ar-seed"},
		{name: "en equal", file: "en-rates"},
		{
			name: "ar label removed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { a.Label = "" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label removed", Field: "label", Old: "عاجل"}}
			},
		},
		{
			name: "en label removed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { a.Label = "" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label removed", Field: "label", Old: "Breaking"}}
			},
		},
		{
			name: "ar label added", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { a.Label = "عاجل" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label added", Field: "label", New: "عاجل"}}
			},
		},
		{
			name: "en label added", file: "en-live",
			old: func(t *testing.T, a *extract.Article) { a.Label = "" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label added", Field: "label", New: "Live"}}
			},
		},
		{
			name: "ar label changed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { a.Label = "تحديث" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label changed", Field: "label", Old: "عاجل", New: "تحديث"}}
			},
		},
		{
			name: "en label changed", file: "en-live",
			new: func(t *testing.T, a *extract.Article) { a.Label = "Breaking" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "label changed", Field: "label", Old: "Live", New: "Breaking"}}
			},
		},
		{
			name: "ar headline changed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) {
				a.Headline = "وفد حماس يناقش مع المخابرات المصرية آفاق التهدئة بغزة وسط تحركات دبلوماسية"
			},
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "headline changed", Field: "headline", Old: b.Headline,
					New:   "وفد حماس يناقش مع المخابرات المصرية آفاق التهدئة بغزة وسط تحركات دبلوماسية",
					Added: []string{"يناقش"}, Removed: []string{"يبحث"},
				}}
			},
		},
		{
			name: "en headline changed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) {
				a.Headline = "Central bank cuts interest rates by 50 basis points, first cut in four years"
			},
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "headline changed", Field: "headline", Old: b.Headline,
					New:   "Central bank cuts interest rates by 50 basis points, first cut in four years",
					Added: []string{"50", "basis", "points,"}, Removed: []string{"half", "a", "point,"},
				}}
			},
		},
		{
			// The source line of article-ar.txt, which the site's selector
			// did not take.
			name: "ar source changed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { a.Source = "مصدر مصري مطلع" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "source changed", Field: "source", Old: "القاهرة الإخبارية", New: "مصدر مصري مطلع",
					Added: []string{"مصدر", "مصري", "مطلع"}, Removed: []string{"القاهرة", "الإخبارية"},
				}}
			},
		},
		{
			name: "en source changed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { a.Source = "By Jane Doe" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "source changed", Field: "source", Old: "By Jane Doe and Omar Haddad", New: "By Jane Doe",
					Removed: []string{"and", "Omar", "Haddad"},
				}}
			},
		},
		{
			name: "ar published_at changed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { a.PublishedAt = "2024-05-12T12:10:00Z" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "published_at changed", Field: "published_at", Old: "2024-05-12T11:35:00Z", New: "2024-05-12T12:10:00Z"}}
			},
		},
		{
			name: "en published_at and language changed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { a.PublishedAt = ""; a.Language = "en" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{Kind: "published_at changed", Field: "published_at", Old: "2024-09-18T18:04:00Z"},
					{Kind: "language changed", Field: "language", Old: "en-GB", New: "en"},
				}
			},
		},
		{
			name: "ar section added in the middle", file: "ar-seed",
			old: func(t *testing.T, a *extract.Article) { removeSection(a, 4) },
			want: func(b *extract.Article) []recdiff.Change {
				s := b.Sections[3]
				return []recdiff.Change{
					{Kind: "section added", Field: sections, Section: 4, New: s.Heading},
					{Kind: "paragraph added", Field: sections, Section: 4, Paragraph: 1, New: s.Paragraphs[0]},
					{Kind: "paragraph added", Field: sections, Section: 4, Paragraph: 2, New: s.Paragraphs[1]},
				}
			},
		},
		{
			// A live blog adds its newest entry below the key points.
			name: "en section added", file: "en-live",
			new: func(t *testing.T, a *extract.Article) {
				a.Sections = append(a.Sections[:1:1], append([]extract.Section{{Heading: "Storm surge warning issued", Paragraphs: []string{enEntry}}}, a.Sections[1:]...)...)
			},
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{Kind: "section added", Field: sections, Section: 2, New: "Storm surge warning issued"},
					{Kind: "paragraph added", Field: sections, Section: 2, Paragraph: 1, New: enEntry},
				}
			},
		},
		{
			name: "ar section removed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { removeSection(a, 6) },
			want: func(b *extract.Article) []recdiff.Change {
				s := b.Sections[5]
				return []recdiff.Change{
					{Kind: "section removed", Field: sections, Section: 6, Old: s.Heading},
					{Kind: "paragraph removed", Field: sections, Section: 6, Paragraph: 1, Old: s.Paragraphs[0]},
					{Kind: "paragraph removed", Field: sections, Section: 6, Paragraph: 2, Old: s.Paragraphs[1]},
				}
			},
		},
		{
			name: "en last section removed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { removeSection(a, 3) },
			want: func(b *extract.Article) []recdiff.Change {
				s := b.Sections[2]
				cs := []recdiff.Change{{Kind: "section removed", Field: sections, Section: 3, Old: s.Heading}}
				for p, text := range s.Paragraphs {
					cs = append(cs, recdiff.Change{Kind: "paragraph removed", Field: sections, Section: 3, Paragraph: p + 1, Old: text})
				}
				return cs
			},
		},
		{
			// The tatweel (kashida) of the heading is dropped.
			name: "ar section heading changed", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { a.Sections[1].Heading = "نصائح للمواطنين" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "section heading changed", Field: sections, Section: 2, Old: "نصائــح للمواطنين", New: "نصائح للمواطنين",
					Added: []string{"نصائح"}, Removed: []string{"نصائــح"},
				}}
			},
		},
		{
			name: "en section heading changed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { a.Sections[2].Heading = "How markets reacted" },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "section heading changed", Field: sections, Section: 3, Old: "Markets react", New: "How markets reacted",
					Added: []string{"How", "markets", "reacted"}, Removed: []string{"Markets", "react"},
				}}
			},
		},
		{
			// Equal counts in the gap: the renamed section is paired by
			// position and its paragraphs are diffed.
			name: "ar heading changed and paragraph edited", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) {
				a.Sections[2].Heading = "تقدير حماس للدور المصري"
				replaceWord(t, a, 3, 1, "الكبير", "العميق")
			},
			want: func(b *extract.Article) []recdiff.Change {
				n := *b
				n.Sections = []extract.Section{{Paragraphs: []string{b.Sections[2].Paragraphs[0]}}}
				replaceWord(t, &n, 1, 1, "الكبير", "العميق")
				return []recdiff.Change{
					{
						Kind: "section heading changed", Field: sections, Section: 3, Old: b.Sections[2].Heading, New: "تقدير حماس للدور المصري",
						Added: []string{"للدور", "المصري"}, Removed: []string{"للجهود", "المصرية", "الإنسانية"},
					},
					{
						Kind: "paragraph edited", Field: sections, Section: 3, Paragraph: 1, Old: b.Sections[2].Paragraphs[0], New: n.Sections[0].Paragraphs[0],
						Added: []string{"العميق"}, Removed: []string{"الكبير"},
					},
				}
			},
		},
		{
			// Unequal counts in the gap: the renamed section is paired with
			// the old one by its text, the other one is added.
			name: "ar section added before a renamed one", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) {
				a.Sections[1].Heading = "نصائح للمواطنين"
				a.Sections = append(a.Sections[:1:1], append([]extract.Section{{Heading: "الدراسة", Paragraphs: []string{arOther}}}, a.Sections[1:]...)...)
			},
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{Kind: "section added", Field: sections, Section: 2, New: "الدراسة"},
					{Kind: "paragraph added", Field: sections, Section: 2, Paragraph: 1, New: arOther},
					{
						Kind: "section heading changed", Field: sections, Section: 3, Old: "نصائــح للمواطنين", New: "نصائح للمواطنين",
						Added: []string{"نصائح"}, Removed: []string{"نصائــح"},
					},
				}
			},
		},
		{
			name: "en paragraph edited", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { replaceWord(t, a, 1, 2, "Nine", "Eight") },
			want: func(b *extract.Article) []recdiff.Change {
				p := b.Sections[0].Paragraphs[1]
				return []recdiff.Change{{
					Kind: "paragraph edited", Field: sections, Section: 1, Paragraph: 2, Old: p,
					New:   "The decision lowers the policy rate to a range of 4.75% to 5%. Eight of the ten members of the rate-setting committee backed the move; one argued for a smaller, quarter-point cut.",
					Added: []string{"Eight"}, Removed: []string{"Nine"},
				}}
			},
		},
		{
			name: "ar paragraph added in the middle", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { insertParagraph(a, 2, 3, arAdvice) },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph added", Field: sections, Section: 2, Paragraph: 3, New: arAdvice}}
			},
		},
		{
			name: "en paragraph added in the middle", file: "en-live",
			new: func(t *testing.T, a *extract.Article) { insertParagraph(a, 1, 2, enBullet) },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph added", Field: sections, Section: 1, Paragraph: 2, New: enBullet}}
			},
		},
		{
			// Added at the end of a section that is not the last one.
			name: "en paragraph added at the end of a middle section", file: "en-live",
			new: func(t *testing.T, a *extract.Article) { insertParagraph(a, 1, 4, enBullet) },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph added", Field: sections, Section: 1, Paragraph: 4, New: enBullet}}
			},
		},
		{
			name: "ar paragraph appended", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) { insertParagraph(a, 7, 3, arCorrection) },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph appended", Field: sections, Section: 7, Paragraph: 3, New: arCorrection}}
			},
		},
		{
			name: "en paragraph appended", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { insertParagraph(a, 3, 4, enCorrection) },
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph appended", Field: sections, Section: 3, Paragraph: 4, New: enCorrection}}
			},
		},
		{
			// The last paragraph edited and a correction after it.
			name: "en last paragraph edited and one appended", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) {
				replaceWord(t, a, 3, 3, "governor’s", "governor's")
				insertParagraph(a, 3, 4, enCorrection)
			},
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{
						Kind: "paragraph edited", Field: sections, Section: 3, Paragraph: 3, Old: b.Sections[2].Paragraphs[2],
						New:   "This article has been updated with comments from the governor's news conference.",
						Added: []string{"governor's"}, Removed: []string{"governor’s"},
					},
					{Kind: "paragraph appended", Field: sections, Section: 3, Paragraph: 4, New: enCorrection},
				}
			},
		},
		{
			// The end replaced, not appended to.
			name: "ar last paragraph replaced", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { a.Sections[2].Paragraphs[1] = arOther },
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{Kind: "paragraph removed", Field: sections, Section: 3, Paragraph: 2, Old: b.Sections[2].Paragraphs[1]},
					{Kind: "paragraph added", Field: sections, Section: 3, Paragraph: 2, New: arOther},
				}
			},
		},
		{
			name: "ar paragraph removed", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { removeParagraph(a, 2, 3) },
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph removed", Field: sections, Section: 2, Paragraph: 3, Old: b.Sections[1].Paragraphs[2]}}
			},
		},
		{
			name: "en paragraph removed", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) { removeParagraph(a, 1, 3) },
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "paragraph removed", Field: sections, Section: 1, Paragraph: 3, Old: b.Sections[0].Paragraphs[2]}}
			},
		},
		{
			// Removal numbers count in the older version: section 6 of the
			// old one is section 5 of the new one.
			name: "ar paragraph removed after a removed section", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) {
				removeSection(a, 2)
				removeParagraph(a, 5, 1)
			},
			want: func(b *extract.Article) []recdiff.Change {
				s := b.Sections[1]
				return []recdiff.Change{
					{Kind: "section removed", Field: sections, Section: 2, Old: s.Heading},
					{Kind: "paragraph removed", Field: sections, Section: 2, Paragraph: 1, Old: s.Paragraphs[0]},
					{Kind: "paragraph removed", Field: sections, Section: 2, Paragraph: 2, Old: s.Paragraphs[1]},
					{Kind: "paragraph removed", Field: sections, Section: 6, Paragraph: 1, Old: b.Sections[5].Paragraphs[0]},
				}
			},
		},
		{
			name: "ar paragraph replaced by an unrelated one", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) { a.Sections[0].Paragraphs[1] = arOther },
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{Kind: "paragraph removed", Field: sections, Section: 1, Paragraph: 2, Old: b.Sections[0].Paragraphs[1]},
					{Kind: "paragraph added", Field: sections, Section: 1, Paragraph: 2, New: arOther},
				}
			},
		},
		{
			name: "ar paragraph moved to another section", file: "ar-rain",
			new: func(t *testing.T, a *extract.Article) {
				p := removeParagraph(a, 1, 3)
				insertParagraph(a, 3, 1, p)
			},
			want: func(b *extract.Article) []recdiff.Change {
				p := b.Sections[0].Paragraphs[2]
				return []recdiff.Change{
					{Kind: "paragraph removed", Field: sections, Section: 1, Paragraph: 3, Old: p},
					{Kind: "paragraph added", Field: sections, Section: 3, Paragraph: 1, New: p},
				}
			},
		},
		{
			name: "ar image removed and caption changed", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) {
				a.Images = a.Images[:1:1]
				a.Images[0].Caption = "وفد حماس في القاهرة"
			},
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{
					{
						Kind: "caption changed", Field: "images", Image: 1, Src: b.Images[0].Src, Old: "مصدر مصري مطلع", New: "وفد حماس في القاهرة",
						Added: []string{"وفد", "حماس", "في", "القاهرة"}, Removed: []string{"مصدر", "مصري", "مطلع"},
					},
					{Kind: "image removed", Field: "images", Image: 2, Src: b.Images[1].Src, Old: "مصدر مصر مطلع"},
				}
			},
		},
		{
			name: "en image added", file: "en-rates",
			new: func(t *testing.T, a *extract.Article) {
				a.Images = append([]extract.Image{{Src: enImage, Caption: "Traders on the floor after the decision."}}, a.Images...)
			},
			want: func(*extract.Article) []recdiff.Change {
				return []recdiff.Change{{Kind: "image added", Field: "images", Image: 1, Src: enImage, New: "Traders on the floor after the decision."}}
			},
		},
		{
			name: "en caption changed", file: "en-live",
			new: func(t *testing.T, a *extract.Article) {
				a.Images[0].Caption = "A satellite image shows Hurricane Milton in the Gulf of Mexico on Monday. (NOAA)"
			},
			want: func(b *extract.Article) []recdiff.Change {
				return []recdiff.Change{{
					Kind: "caption changed", Field: "images", Image: 1, Src: b.Images[0].Src, Old: b.Images[0].Caption,
					New:   "A satellite image shows Hurricane Milton in the Gulf of Mexico on Monday. (NOAA)",
					Added: []string{"(NOAA)"}, Removed: []string{"(NOAA", "via", "AP)"},
				}}
			},
		},
		{
			// Fetch fields, text and the url are not content.
			name: "ignored fields", file: "ar-seed",
			new: func(t *testing.T, a *extract.Article) {
				a.URL += "?amp=1"
				a.Site, a.FetchedAt, a.FirstSeen, a.LastSeen = "other", "2024-05-13T00:00:00Z", "x", "y"
				a.Version, a.Status, a.PayloadDigest, a.Extractor = 7, 304, "sha1:AAAA", "generic@1"
				a.ContentHash, a.Text = "sha256:00", "other text"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := load(t, tt.file)
			a, b := load(t, tt.file), load(t, tt.file)
			if tt.old != nil {
				tt.old(t, a)
			}
			if tt.new != nil {
				tt.new(t, b)
			}
			var want []recdiff.Change
			if tt.want != nil {
				want = tt.want(base)
			}
			got := recdiff.Diff(a, b)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(recdiff.Change{}, "Ops")); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
			if want == nil && got != nil {
				t.Errorf("Diff = %#v, want nil", got)
			}
			checkOps(t, got)
		})
	}
}

// checkOps checks that each edited paragraph's Ops spell its old text
// (kept and removed steps) and its new text (kept and added steps).
func checkOps(t *testing.T, cs []recdiff.Change) {
	t.Helper()
	for _, c := range cs {
		if c.Kind != "paragraph edited" {
			if c.Ops != nil {
				t.Errorf("%s has Ops", c.Kind)
			}
			continue
		}
		var old, new []string
		for _, op := range c.Ops {
			if op.Op != "+" {
				old = append(old, op.Text)
			}
			if op.Op != "-" {
				new = append(new, op.Text)
			}
		}
		if got := join(old); got != c.Old {
			t.Errorf("old side of ops = %q, want %q", got, c.Old)
		}
		if got := join(new); got != c.New {
			t.Errorf("new side of ops = %q, want %q", got, c.New)
		}
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

// A one-word edit in section 2, paragraph 4 is exactly one "paragraph
// edited" with exactly that word added and removed.
func TestDiffOneWordEdit(t *testing.T) {
	t.Run("ar", func(t *testing.T) {
		a, b := load(t, "ar-rain"), load(t, "ar-rain")
		replaceWord(t, b, 2, 4, "النشرات", "التحذيرات")
		want := []recdiff.Change{{
			Kind: "paragraph edited", Field: "sections", Section: 2, Paragraph: 4,
			Old:     "متابعة النشرات الجوية الصادرة عن الهيئة عبر موقعها الرسمي.",
			New:     "متابعة التحذيرات الجوية الصادرة عن الهيئة عبر موقعها الرسمي.",
			Added:   []string{"التحذيرات"},
			Removed: []string{"النشرات"},
			Ops: []recdiff.Op{
				{Op: "=", Text: "متابعة"}, {Op: "-", Text: "النشرات"}, {Op: "+", Text: "التحذيرات"},
				{Op: "=", Text: "الجوية الصادرة عن الهيئة عبر موقعها الرسمي."},
			},
		}}
		if diff := cmp.Diff(want, recdiff.Diff(a, b)); diff != "" {
			t.Errorf("Diff (-want +got):\n%s", diff)
		}
	})
	t.Run("en", func(t *testing.T) {
		a, b := load(t, "en-rates"), load(t, "en-rates")
		more := load(t, "en-live").Sections[1].Paragraphs
		for _, x := range []*extract.Article{a, b} {
			x.Sections[1].Paragraphs = append(x.Sections[1].Paragraphs, more...)
		}
		replaceWord(t, b, 2, 4, "leave,”", "go,”")
		got := recdiff.Diff(a, b)
		if len(got) != 1 {
			t.Fatalf("got %d changes, want 1: %+v", len(got), got)
		}
		c := got[0]
		if c.Kind != "paragraph edited" || c.Section != 2 || c.Paragraph != 4 {
			t.Errorf("got %s section %d paragraph %d, want paragraph edited section 2 paragraph 4", c.Kind, c.Section, c.Paragraph)
		}
		if !cmp.Equal(c.Added, []string{"go,”"}) || !cmp.Equal(c.Removed, []string{"leave,”"}) {
			t.Errorf("added %q removed %q", c.Added, c.Removed)
		}
	})
}

// A letter's diacritic is never split from it: the shadda edit replaces
// the whole word.
func TestDiffKeepsGraphemesWhole(t *testing.T) {
	a, b := load(t, "ar-seed"), load(t, "ar-seed")
	replaceWord(t, b, 2, 1, "عبّرت", "عبرت")
	got := recdiff.Diff(a, b)
	if len(got) != 1 {
		t.Fatalf("got %d changes, want 1", len(got))
	}
	if !cmp.Equal(got[0].Removed, []string{"عبّرت"}) || !cmp.Equal(got[0].Added, []string{"عبرت"}) {
		t.Errorf("added %q removed %q", got[0].Added, got[0].Removed)
	}
}

// An appended paragraph is exactly one change, whatever else is equal.
func TestDiffAppendedOnce(t *testing.T) {
	for _, file := range []string{"ar-seed", "ar-rain", "en-rates", "en-live"} {
		a, b := load(t, file), load(t, file)
		last := len(b.Sections)
		insertParagraph(b, last, len(b.Sections[last-1].Paragraphs)+1, enCorrection)
		got := recdiff.Diff(a, b)
		if len(got) != 1 || got[0].Kind != "paragraph appended" || got[0].Section != last {
			t.Errorf("%s: got %+v, want one paragraph appended in section %d", file, got, last)
		}
	}
}

func TestDiffEqual(t *testing.T) {
	for _, file := range []string{"ar-seed", "ar-rain", "en-rates", "en-live"} {
		if got := recdiff.Diff(load(t, file), load(t, file)); got != nil {
			t.Errorf("%s: Diff of equal records = %+v, want nil", file, got)
		}
	}
	if got := recdiff.Diff(nil, nil); got != nil {
		t.Errorf("Diff(nil, nil) = %+v", got)
	}
	// Nil and empty lists are the same content.
	a := &extract.Article{Headline: "x", Sections: []extract.Section{}, Images: nil}
	b := &extract.Article{Headline: "x", Sections: nil, Images: []extract.Image{}}
	if got := recdiff.Diff(a, b); got != nil {
		t.Errorf("Diff(empty, nil lists) = %+v", got)
	}
}

// A nil older version is an empty one: everything is added.
func TestDiffFromNothing(t *testing.T) {
	b := load(t, "en-live")
	got := recdiff.Diff(nil, b)
	want := []string{"label added", "headline changed", "source changed", "published_at changed", "language changed", "direction changed"}
	for _, s := range b.Sections {
		want = append(want, "section added")
		for range s.Paragraphs {
			want = append(want, "paragraph added")
		}
	}
	want = append(want, "image added")
	var kinds []string
	for _, c := range got {
		kinds = append(kinds, c.Kind)
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}

func TestDiffDeterministic(t *testing.T) {
	a, b := load(t, "ar-seed"), load(t, "ar-seed")
	b.Label = ""
	removeSection(b, 3)
	replaceWord(t, b, 1, 1, "الجهود", "المساعي")
	insertParagraph(b, 2, 1, arOther)
	b.Sections[3].Paragraphs[0] = arAdvice
	insertParagraph(b, 6, 3, arCorrection)
	b.Images[1].Caption = ""
	first, err := json.Marshal(recdiff.Diff(a, b))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		got, err := json.Marshal(recdiff.Diff(load(t, "ar-seed"), b))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(first) {
			t.Fatalf("Diff differs between runs:\n%s\n%s", first, got)
		}
	}
}

func TestFields(t *testing.T) {
	cs := []recdiff.Change{
		{Kind: "paragraph edited", Field: "sections"}, {Kind: "headline changed", Field: "headline"},
		{Kind: "section added", Field: "sections"}, {Kind: "caption changed", Field: "images"},
		{Kind: "label removed", Field: "label"},
	}
	want := []string{"headline", "images", "label", "sections"}
	if diff := cmp.Diff(want, recdiff.Fields(cs)); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
	if got := recdiff.Fields(nil); got != nil {
		t.Errorf("Fields(nil) = %q", got)
	}
}

// The JSON form uses the record's field names and leaves out empty parts.
func TestChangeJSON(t *testing.T) {
	c := recdiff.Change{
		Kind: "paragraph edited", Field: "sections", Section: 2, Paragraph: 4, Old: "a b", New: "a c",
		Added: []string{"c"}, Removed: []string{"b"}, Ops: []recdiff.Op{{Op: "=", Text: "a"}, {Op: "-", Text: "b"}, {Op: "+", Text: "c"}},
	}
	got, err := json.Marshal([]recdiff.Change{c, {Kind: "label removed", Field: "label", Old: "عاجل"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"kind":"paragraph edited","field":"sections","section":2,"paragraph":4,"old":"a b","new":"a c","added":["c"],"removed":["b"],` +
		`"ops":[{"op":"=","text":"a"},{"op":"-","text":"b"},{"op":"+","text":"c"}]},{"kind":"label removed","field":"label","old":"عاجل"}]`
	if string(got) != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}
