package extract

import (
	"strings"
	"time"
)

// dateLayouts are the forms published dates take in markup, tried in
// order. Layouts without a zone are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"20060102T150405Z0700",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
	"20060102",
}

// parseDate reads a stated publication time and returns it as RFC 3339 in
// UTC, or "" when s is not a date it knows. Arabic-Indic digits are read
// as digits; a date without time is midnight UTC.
func parseDate(s string) string {
	s = strings.TrimSpace(asciiDigits(s))
	if s == "" || len(s) > 64 {
		return ""
	}
	s = strings.Replace(s, "Z[UTC]", "Z", 1)
	for _, layout := range dateLayouts {
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			continue
		}
		if t.Year() < 1900 || t.Year() > 2200 {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	// Unix seconds, as some CMSes write them.
	if len(s) == 10 && allDigits(s) {
		var sec int64
		for i := 0; i < len(s); i++ {
			sec = sec*10 + int64(s[i]-'0')
		}
		return time.Unix(sec, 0).UTC().Format(time.RFC3339)
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// asciiDigits maps Arabic-Indic and Eastern Arabic-Indic digits to ASCII.
func asciiDigits(s string) string {
	if !strings.ContainsFunc(s, isArabicDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		}
		return r
	}, s)
}

func isArabicDigit(r rune) bool { return r >= '٠' && r <= '٩' || r >= '۰' && r <= '۹' }

// maxAhead is how far after the fetch a stated time may lie: a day, for
// clocks and zones that are off. Anything later is a mistake of the page
// (a wrong year, an event date taken for the article's) and is passed
// over.
const maxAhead = 24 * time.Hour

// afterFetch reports whether v (RFC 3339) lies more than maxAhead after
// the page's fetch. Without a fetch time nothing is.
func (x *extraction) afterFetch(v string) bool {
	if x.in.FetchedAt.IsZero() {
		return false
	}
	t, err := time.Parse(time.RFC3339, v)
	return err == nil && t.After(x.in.FetchedAt.Add(maxAhead))
}

// before reports whether RFC 3339 time a is earlier than b; false when
// either is empty.
func before(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	return err1 == nil && err2 == nil && ta.Before(tb)
}

// publishedOK accepts a candidate publication time, recording in Explain
// why one is passed over.
func (x *extraction) publishedOK(rule, raw, v string) bool {
	if x.afterFetch(v) {
		x.step("published_at", rule+": more than a day after the fetch, passed over", 1, raw)
		return false
	}
	return true
}

// modifiedOK accepts a candidate update time: not after the fetch, not
// before the publication.
func (x *extraction) modifiedOK(published string) func(rule, raw, v string) bool {
	return func(rule, raw, v string) bool {
		switch {
		case x.afterFetch(v):
			x.step("modified_at", rule+": more than a day after the fetch, passed over", 1, raw)
			return false
		case before(v, published):
			x.step("modified_at", rule+": before published_at, passed over", 1, raw)
			return false
		}
		return true
	}
}
