package extract

import (
	"strings"
	"time"
	"unicode"
)

// The words of dates written for readers (datetext.go): month and weekday
// names in English and Arabic, and the keywords that say whether a date is
// the publication or the update.

// foldWord lower-cases w, drops dots, Arabic diacritics and tatweel, and
// folds alef, yeh and teh marbuta forms, for matching against the tables
// below (never for stored text).
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch {
		case r == '.' || r == 0x0640 || r >= 0x064B && r <= 0x065F || r == 0x0670:
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			b.WriteRune('ا')
		case r == 'ى':
			b.WriteRune('ي')
		case r == 'ة':
			b.WriteRune('ه')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// months maps folded month names to their number: English, the
// Egyptian/Gulf Arabic names, the Maghrebi ones, and the Levantine
// (Syriac) ones of a single word; كانون and تشرين take a second word.
var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
	"november": 11, "nov": 11, "december": 12, "dec": 12,

	"يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
	"يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
	// Morocco and Algeria/Tunisia.
	"ماي": 5, "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
	"جانفي": 1, "فيفري": 2, "افريل": 4, "جوان": 6, "جويليه": 7, "اوت": 8,
	// Levant and Iraq.
	"شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9,
}

// monthAt reads a month name at toks[i]: one word, or كانون/تشرين and
// الأول/الثاني.
func monthAt(toks []token, i int) (time.Month, int, bool) {
	if i >= len(toks) || toks[i].kind != tWord {
		return 0, i, false
	}
	w := toks[i].s
	if w == "كانون" || w == "تشرين" {
		if i+1 >= len(toks) || toks[i+1].kind != tWord {
			return 0, i, false
		}
		second := 0
		switch toks[i+1].s {
		case "الاول", "اول":
			second = 1
		case "الثاني", "ثاني":
			second = 2
		default:
			return 0, i, false
		}
		switch {
		case w == "كانون" && second == 1:
			return time.December, i + 2, true
		case w == "كانون":
			return time.January, i + 2, true
		case second == 1:
			return time.October, i + 2, true
		default:
			return time.November, i + 2, true
		}
	}
	if m, ok := months[w]; ok {
		return m, i + 1, true
	}
	return 0, i, false
}

// weekdays are ignored between the parts of a date line.
var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "mon": true, "tue": true, "tues": true, "wed": true,
	"thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"السبت": true, "الاحد": true, "الاثنين": true, "الثلاثاء": true, "الاربعاء": true,
	"الخميس": true, "الجمعه": true, "احد": true, "اثنين": true, "ثلاثاء": true,
	"اربعاء": true, "خميس": true, "جمعه": true, "سبت": true, "يوم": true,
}

type keyword uint8

const (
	kwNone keyword = iota
	kwPublished
	kwUpdated
)

// keywords say what the date after them is.
var keywords = map[string]keyword{
	"published": kwPublished, "posted": kwPublished, "publish": kwPublished,
	"نشر": kwPublished, "النشر": kwPublished, "نشرت": kwPublished, "منشور": kwPublished,
	"updated": kwUpdated, "update": kwUpdated, "modified": kwUpdated,
	"تحديث": kwUpdated, "التحديث": kwUpdated, "محدث": kwUpdated, "تعديل": kwUpdated, "التعديل": kwUpdated,
}

// lastKeyword is the publication or update keyword that ends s ("Last
// updated:", "آخر تحديث"), when no digit comes after it.
func lastKeyword(s string) keyword {
	kw := kwNone
	for _, t := range tokenize(asciiDigits(s)) {
		switch t.kind {
		case tWord:
			if k := keywords[t.s]; k != kwNone {
				kw = k
			}
		case tPunct:
		default:
			kw = kwNone
		}
	}
	return kw
}
