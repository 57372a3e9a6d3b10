package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Dates written for readers: "March 3, 2024", "3 March 2024 10:15 AM",
// "الثلاثاء، ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م", "نشر في: 12 آذار 2024". Only forms
// that cannot be misread are taken: ISO dates (2024-03-12, 2024/03/12)
// and dates with a month name. 03/04/2024 is March or April depending on
// the country, and is left alone.

// textDate is one date found in a line of text.
type textDate struct {
	t       time.Time // UTC; midnight when the line gives no time
	hasTime bool
	kw      keyword // the keyword before it: "Published", "Updated", "آخر تحديث", ...
}

// lineDates is what a line of text says about dates: the dates in order,
// and how many letters and digits the line has besides them (their time,
// weekday names and keywords such as "Published" do not count).
type lineDates struct {
	dates   []textDate
	keyword bool // a date is preceded by a publication or update keyword
	other   int
}

// parseTextDate returns a date of s as RFC 3339 UTC, or "": the first
// that follows an update keyword when updated is true, the first that
// does not otherwise, else the first of any kind.
func parseTextDate(s string, updated bool) string {
	ld := scanDates(s)
	for _, d := range ld.dates {
		if (d.kw == kwUpdated) == updated {
			return d.t.Format(time.RFC3339)
		}
	}
	if len(ld.dates) > 0 {
		return ld.dates[0].t.Format(time.RFC3339)
	}
	return ""
}

type tokKind uint8

const (
	tWord  tokKind = iota // letters, folded: lower case, Arabic without diacritics
	tNum                  // digits only
	tClock                // 10:15 or 10:15:30
	tISO                  // 2024-03-12, 2024/03/12, 2024-03-12T10:15:00+02:00
	tOther                // other digit groups: 12/03/2024, 3.5
	tPunct                // any other character
)

type token struct {
	kind tokKind
	s    string
	n    int // value of a tNum
}

// isoDate matches a year-first date at the start of a digit run, with an
// optional ISO time and zone.
var isoDate = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(T\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?`)

// tokenize splits s (with ASCII digits) into words, digit groups and
// single punctuation characters; white space separates tokens.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || r == 0x200F || r == 0x200E || r == 0x061C: // marks of direction
			i += size
		case r >= '0' && r <= '9':
			if m := isoDate.FindString(s[i:]); m != "" && (i+len(m) == len(s) || !isDigitByte(s[i+len(m)])) {
				toks = append(toks, token{kind: tISO, s: m})
				i += len(m)
				continue
			}
			j, seps, colons := i, 0, 0
			for j < len(s) {
				c := s[j]
				if isDigitByte(c) {
					j++
				} else if (c == ':' || c == '/' || c == '.' || c == '-') && j+1 < len(s) && isDigitByte(s[j+1]) {
					seps++
					if c == ':' {
						colons++
					}
					j++
				} else {
					break
				}
			}
			t := token{kind: tOther, s: s[i:j]}
			switch {
			case seps == 0:
				t.kind = tNum
				if len(t.s) <= 9 {
					t.n, _ = strconv.Atoi(t.s)
				}
			case colons == seps && seps <= 2:
				t.kind = tClock
			}
			toks = append(toks, t)
			i = j
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.Is(unicode.Mn, r2) || r2 == 0x0640 {
					j += n2
				} else if r2 == '.' && j+1 < len(s) {
					if r3, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsLetter(r3) {
						j++ // a.m.
					} else {
						break
					}
				} else {
					break
				}
			}
			toks = append(toks, token{kind: tWord, s: foldWord(s[i:j])})
			i = j
		default:
			toks = append(toks, token{kind: tPunct, s: s[i : i+size]})
			i += size
		}
	}
	return toks
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// scanDates finds the dates of a line of text.
func scanDates(s string) lineDates {
	toks := tokenize(asciiDigits(s))
	var ld lineDates
	kw := kwNone
	pending, pendingSet := clock{}, false
	used := make([]bool, len(toks))
	for i := 0; i < len(toks); {
		if t, hasTime, j, ok := dateAt(toks, i); ok {
			if !hasTime {
				if c, k, ok := clockAfter(toks, j); ok {
					t, hasTime = c.on(t), true
					j = k
				} else if pendingSet {
					t, hasTime = pending.on(t), true
				}
			}
			for k := i; k < j; k++ {
				used[k] = true
			}
			ld.dates = append(ld.dates, textDate{t: t, hasTime: hasTime, kw: kw})
			if kw != kwNone {
				ld.keyword = true
			}
			kw, pendingSet = kwNone, false
			i = j
			continue
		}
		if c, j, ok := clockAt(toks, i); ok {
			pending, pendingSet = c, true
			for k := i; k < j; k++ {
				used[k] = true
			}
			i = j
			continue
		}
		switch t := toks[i]; t.kind {
		case tWord:
			if k := keywords[t.s]; k != kwNone {
				kw = k
				used[i] = true
			} else if weekdays[t.s] || t.s == "في" || t.s == "on" || t.s == "at" || t.s == "last" || t.s == "اخر" {
				used[i] = true
			} else {
				pendingSet = false
			}
		case tPunct:
		default:
			pendingSet = false
		}
		i++
	}
	for i, t := range toks {
		if !used[i] && t.kind != tPunct {
			ld.other += utf8.RuneCountInString(t.s)
		}
	}
	return ld
}

// dateAt reads a date starting at toks[i]: an ISO date, "3 March 2024",
// "3rd of March, 2024", "March 3, 2024", "Mar. 3 2024", "12 آذار 2024",
// "١٢ مارس ٢٠٢٤". It returns the time (midnight UTC unless an ISO date
// carried its time) and the index after the date.
func dateAt(toks []token, i int) (time.Time, bool, int, bool) {
	t := toks[i]
	switch t.kind {
	case tISO:
		if strings.Contains(t.s, "T") {
			if v := parseDate(strings.ReplaceAll(t.s, "/", "-")); v != "" {
				tt, _ := time.Parse(time.RFC3339, v)
				return tt, true, i + 1, true
			}
		}
		m := isoDate.FindStringSubmatch(t.s)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if tt, ok := mkDate(y, time.Month(mo), d); ok {
			return tt, false, i + 1, true
		}
	case tNum: // day month year
		day, j := t.n, i+1
		if len(t.s) > 2 || day < 1 || day > 31 {
			break
		}
		j = skipWord(toks, j, "st", "nd", "rd", "th", "of")
		j = skipWord(toks, j, "of")
		m, j, ok := monthAt(toks, j)
		if !ok {
			break
		}
		j = skipAltMonth(toks, j, m)
		j = skipPunct(toks, j, ",", "،", ".")
		if y, k, ok := yearAt(toks, j); ok {
			if tt, ok := mkDate(y, m, day); ok {
				return tt, false, k, true
			}
		}
	case tWord: // month day, year
		m, j, ok := monthAt(toks, i)
		if !ok {
			break
		}
		j = skipAltMonth(toks, j, m)
		j = skipPunct(toks, j, ".")
		if j >= len(toks) || toks[j].kind != tNum || len(toks[j].s) > 2 {
			break
		}
		day := toks[j].n
		j = skipWord(toks, j+1, "st", "nd", "rd", "th")
		j = skipPunct(toks, j, ",", "،")
		if y, k, ok := yearAt(toks, j); ok {
			if tt, ok := mkDate(y, m, day); ok {
				return tt, false, k, true
			}
		}
	}
	return time.Time{}, false, i, false
}

// skipAltMonth skips the same month in another naming after a month:
// "آذار/مارس", "مارس (آذار)".
func skipAltMonth(toks []token, j int, m time.Month) int {
	k := skipPunct(toks, j, "/", "(", "-")
	if k == j {
		return j
	}
	if m2, k2, ok := monthAt(toks, k); ok && m2 == m {
		return skipPunct(toks, k2, ")")
	}
	return j
}

func yearAt(toks []token, j int) (int, int, bool) {
	if j < len(toks) && toks[j].kind == tNum && len(toks[j].s) == 4 && toks[j].n >= 1900 && toks[j].n <= 2200 {
		return toks[j].n, j + 1, true
	}
	return 0, j, false
}

func mkDate(y int, m time.Month, d int) (time.Time, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d // not 31 April
}

func skipWord(toks []token, j int, words ...string) int {
	if j < len(toks) && toks[j].kind == tWord {
		for _, w := range words {
			if toks[j].s == w {
				return j + 1
			}
		}
	}
	return j
}

func skipPunct(toks []token, j int, ps ...string) int {
	if j < len(toks) && toks[j].kind == tPunct {
		for _, p := range ps {
			if toks[j].s == p {
				return j + 1
			}
		}
	}
	return j
}
