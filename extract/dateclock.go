package extract

import (
	"strconv"
	"strings"
	"time"
)

// The time of day after (or before) a date written for readers
// (datetext.go): "10:15", "10:15 AM", "٠٣:٤٥ م", "10:15 EDT", "GMT+3".

// meridiem: +1 for AM, +2 for PM.
var meridiem = map[string]int{
	"am": 1, "pm": 2, "ص": 1, "صباحا": 1, "صباح": 1, "م": 2, "مساء": 2, "مساءا": 2,
}

// zones are the zone abbreviations read after a time, in hours east of UTC.
var zones = map[string]int{
	"gmt": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7,
	"mdt": -6, "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3,
}

// clock is a time of day with its zone offset in seconds.
type clock struct{ h, m, s, off int }

// on puts the clock on the day of t (midnight UTC).
func (c clock) on(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), c.h, c.m, c.s, 0, time.FixedZone("", c.off)).UTC()
}

// clockAfter reads the time that follows a date: "at 10:15", ", 10:15 AM",
// "- ٠٣:٤٥ م", "الساعة 10:15 مساءً", "10:15 GMT+3".
func clockAfter(toks []token, j int) (clock, int, bool) {
	for n := 0; n < 3 && j < len(toks); n++ {
		t := toks[j]
		if t.kind == tPunct && strings.Contains(",،-–—|@(·•/", t.s) ||
			t.kind == tWord && (t.s == "at" || t.s == "الساعه" || t.s == "ساعه" || t.s == "في" || t.s == "م" || t.s == "ميلادي" || t.s == "ميلاديه") {
			j++
			continue
		}
		break
	}
	return clockAt(toks, j)
}

// clockAt reads "10:15", "10:15:30", "10:15 AM", "03:45 م", "10:15 p.m.
// EDT", "10:15 GMT+3", "10:15 +03:00", "10:15 بتوقيت غرينتش".
func clockAt(toks []token, j int) (clock, int, bool) {
	if j >= len(toks) || toks[j].kind != tClock {
		return clock{}, j, false
	}
	var c clock
	parts := strings.Split(toks[j].s, ":")
	vals := make([]int, 3)
	for k, p := range parts {
		if len(p) > 2 {
			return clock{}, j, false
		}
		vals[k], _ = strconv.Atoi(p)
	}
	c.h, c.m, c.s = vals[0], vals[1], vals[2]
	if len(parts[1]) != 2 || c.m > 59 || c.s > 59 {
		return clock{}, j, false
	}
	j++
	if j < len(toks) && toks[j].kind == tWord {
		if ap := meridiem[toks[j].s]; ap != 0 {
			if c.h < 1 || c.h > 12 {
				return clock{}, j, false
			}
			c.h %= 12
			if ap == 2 {
				c.h += 12
			}
			j++
		}
	}
	if c.h > 23 {
		return clock{}, j, false
	}
	c.off, j = zoneAt(toks, j)
	return c, j, true
}

// zoneAt reads a zone after a time; 0 (UTC) when there is none.
func zoneAt(toks []token, j int) (int, int) {
	k := skipPunct(toks, j, "(")
	if k >= len(toks) {
		return 0, j
	}
	t := toks[k]
	switch {
	case t.kind == tWord && t.s == "بتوقيت" && k+1 < len(toks) && toks[k+1].kind == tWord:
		switch toks[k+1].s {
		case "غرينتش", "جرينتش", "غرينيتش", "جرينيتش", "gmt":
			return 0, skipPunct(toks, k+2, ")")
		case "مكه":
			return 3 * 3600, skipPunct(toks, k+2, ")")
		}
	case t.kind == tWord:
		h, ok := zones[t.s]
		if !ok {
			break
		}
		off, end := h*3600, k+1
		if h == 0 { // GMT+3, UTC+03:00
			if o, e, ok := offsetAt(toks, k+1, true); ok {
				off, end = o, e
			}
		}
		return off, skipPunct(toks, end, ")")
	case t.kind == tPunct && (t.s == "+" || t.s == "-"):
		if o, e, ok := offsetAt(toks, k, false); ok {
			return o, skipPunct(toks, e, ")")
		}
	}
	return 0, j
}

// offsetAt reads "+3", "+03:00", "-0500" (short forms only after GMT/UTC).
func offsetAt(toks []token, k int, short bool) (int, int, bool) {
	if k+1 >= len(toks) || toks[k].kind != tPunct || (toks[k].s != "+" && toks[k].s != "-") {
		return 0, k, false
	}
	sign := 1
	if toks[k].s == "-" {
		sign = -1
	}
	t := toks[k+1]
	h, m := 0, 0
	switch {
	case t.kind == tClock && len(t.s) == 5:
		h, _ = strconv.Atoi(t.s[:2])
		m, _ = strconv.Atoi(t.s[3:])
	case t.kind == tNum && len(t.s) == 4:
		h, m = t.n/100, t.n%100
	case t.kind == tNum && short && len(t.s) <= 2:
		h = t.n
	default:
		return 0, k, false
	}
	if h > 14 || m > 59 {
		return 0, k, false
	}
	return sign * (h*3600 + m*60), k + 2, true
}
