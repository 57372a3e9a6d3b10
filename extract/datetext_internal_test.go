package extract

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScanDates(t *testing.T) {
	type d struct {
		At string // RFC 3339
		Kw keyword
	}
	for _, tc := range []struct {
		in    string
		want  []d
		other int // -1: not checked
	}{
		// English, month names.
		{"March 3, 2024", []d{{"2024-03-03T00:00:00Z", kwNone}}, 0},
		{"3 March 2024", []d{{"2024-03-03T00:00:00Z", kwNone}}, 0},
		{"3rd of March, 2024", []d{{"2024-03-03T00:00:00Z", kwNone}}, 0},
		{"Mar 3, 2024 at 10:15", []d{{"2024-03-03T10:15:00Z", kwNone}}, 0},
		{"Jan. 15, 2024, 8:30 a.m.", []d{{"2024-01-15T08:30:00Z", kwNone}}, 0},
		{"Sept 9 2024 12:05 AM", []d{{"2024-09-09T00:05:00Z", kwNone}}, 0},
		{"Monday, March 4, 2024 9:00 PM EST", []d{{"2024-03-05T02:00:00Z", kwNone}}, 0},
		{"March 4, 2024 21:00 GMT+3", []d{{"2024-03-04T18:00:00Z", kwNone}}, 0},
		{"4 March 2024 21:00 +03:00", []d{{"2024-03-04T18:00:00Z", kwNone}}, 0},
		{"10:15 AM, March 3, 2024", []d{{"2024-03-03T10:15:00Z", kwNone}}, 0},
		{"Updated: March 3, 2024 10:15 AM", []d{{"2024-03-03T10:15:00Z", kwUpdated}}, 0},
		{"Last updated 3 March 2024", []d{{"2024-03-03T00:00:00Z", kwUpdated}}, 0},
		{"Published March 3, 2024 | Updated March 4, 2024 9:00",
			[]d{{"2024-03-03T00:00:00Z", kwPublished}, {"2024-03-04T09:00:00Z", kwUpdated}}, 0},
		{"By Jane Doe | March 3, 2024", []d{{"2024-03-03T00:00:00Z", kwNone}}, 9},
		// ISO and year-first forms.
		{"2024-03-12", []d{{"2024-03-12T00:00:00Z", kwNone}}, 0},
		{"2024/03/12 14:05", []d{{"2024-03-12T14:05:00Z", kwNone}}, 0},
		{"Posted 2024-03-12T14:05:00+02:00", []d{{"2024-03-12T12:05:00Z", kwPublished}}, 0},
		// Arabic: Arabic-Indic and Persian digits, Egyptian/Gulf months.
		{"الثلاثاء، ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م", []d{{"2024-03-12T15:45:00Z", kwNone}}, 0},
		{"الإثنين، 18 نوفمبر 2024 09:12 ص", []d{{"2024-11-18T09:12:00Z", kwNone}}, 0},
		{"۱۲ مارس ۲۰۲۴", []d{{"2024-03-12T00:00:00Z", kwNone}}, 0},
		{"الأحد 9 فبراير 2025 - 01:05 م", []d{{"2025-02-09T13:05:00Z", kwNone}}, 0},
		{"5 أبريل 2024", []d{{"2024-04-05T00:00:00Z", kwNone}}, 0},
		{"5 ابريل 2024", []d{{"2024-04-05T00:00:00Z", kwNone}}, 0},
		{"20 يونية 2024", []d{{"2024-06-20T00:00:00Z", kwNone}}, 0},
		{"20 يوليو 2024", []d{{"2024-07-20T00:00:00Z", kwNone}}, 0},
		{"1 أكتوبر 2024", []d{{"2024-10-01T00:00:00Z", kwNone}}, 0},
		{"الخميس 14 مارس 2024م - 10:30 مساءً", []d{{"2024-03-14T22:30:00Z", kwNone}}, 0},
		{"12 مارس 2024 الساعة 07:10 صباحاً", []d{{"2024-03-12T07:10:00Z", kwNone}}, 0},
		{"12 مارس 2024 10:00 بتوقيت مكة", []d{{"2024-03-12T07:00:00Z", kwNone}}, 0},
		// Levantine months, one and two words.
		{"نشر في: 12 آذار 2024", []d{{"2024-03-12T00:00:00Z", kwPublished}}, 0},
		{"2 شباط 2008", []d{{"2008-02-02T00:00:00Z", kwNone}}, 0},
		{"15 كانون الثاني 2024", []d{{"2024-01-15T00:00:00Z", kwNone}}, 0},
		{"15 كانون الأول 2024", []d{{"2024-12-15T00:00:00Z", kwNone}}, 0},
		{"3 تشرين الأول 2023", []d{{"2023-10-03T00:00:00Z", kwNone}}, 0},
		{"3 تشرين الثاني 2023", []d{{"2023-11-03T00:00:00Z", kwNone}}, 0},
		{"1 آب 2024", []d{{"2024-08-01T00:00:00Z", kwNone}}, 0},
		{"9 أيلول 2024", []d{{"2024-09-09T00:00:00Z", kwNone}}, 0},
		{"12 آذار/مارس 2024", []d{{"2024-03-12T00:00:00Z", kwNone}}, 0},
		// Updates in Arabic.
		{"آخر تحديث: الأربعاء، ١٣ مارس ٢٠٢٤ - ١٠:٢٠ ص", []d{{"2024-03-13T10:20:00Z", kwUpdated}}, 0},
		{"تاريخ التحديث 13 مارس 2024", []d{{"2024-03-13T00:00:00Z", kwUpdated}}, 5},
		{"مُحدَّث 13 مارس 2024", []d{{"2024-03-13T00:00:00Z", kwUpdated}}, 0},
		{"تاريخ النشر: 12 مارس 2024 | آخر تحديث: 13 مارس 2024",
			[]d{{"2024-03-12T00:00:00Z", kwPublished}, {"2024-03-13T00:00:00Z", kwUpdated}}, 5},
		// Not dates: ambiguous, partial, impossible.
		{"Published 03/03/2024", nil, 10},
		{"14/11/2009", nil, -1},
		{"Posted Saturday, August 10", nil, -1},
		{"March 2024", nil, -1},
		{"31 April 2024", nil, -1},
		{"12 مارس", nil, -1},
		{"2 رمضان 1445 هـ", nil, -1},
		{"Updated 2 hours ago", nil, -1},
		{"The May 3 vote", nil, -1},
		{"", nil, 0},
		// A bad time keeps the date.
		{"March 3, 2024 at 25:10", []d{{"2024-03-03T00:00:00Z", kwNone}}, -1},
		{"March 3, 2024 13:10 PM", []d{{"2024-03-03T00:00:00Z", kwNone}}, -1},
	} {
		ld := scanDates(tc.in)
		var got []d
		for _, x := range ld.dates {
			got = append(got, d{x.t.Format(time.RFC3339), x.kw})
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("scanDates(%q) (-want +got):\n%s", tc.in, diff)
		}
		if tc.other >= 0 && ld.other != tc.other {
			t.Errorf("scanDates(%q).other = %d, want %d", tc.in, ld.other, tc.other)
		}
	}
}

func TestParseTextDate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		updated bool
		want    string
	}{
		{"الثلاثاء، ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م", false, "2024-03-12T15:45:00Z"},
		{"الثلاثاء، ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م", true, "2024-03-12T15:45:00Z"},
		{"Published March 3, 2024 · Updated March 4, 2024", false, "2024-03-03T00:00:00Z"},
		{"Published March 3, 2024 · Updated March 4, 2024", true, "2024-03-04T00:00:00Z"},
		{"Updated March 4, 2024", false, "2024-03-04T00:00:00Z"},
		{"no date here", false, ""},
		{"03/04/2024", true, ""},
	} {
		if got := parseTextDate(tc.in, tc.updated); got != tc.want {
			t.Errorf("parseTextDate(%q, %v) = %q, want %q", tc.in, tc.updated, got, tc.want)
		}
	}
}

func TestLastKeyword(t *testing.T) {
	for in, want := range map[string]keyword{
		"Last updated":                 kwUpdated,
		"Updated:":                     kwUpdated,
		"آخر تحديث:":                   kwUpdated,
		"نُشر في":                      kwPublished,
		"Updated March 4, 2024 · By":   kwNone,
		"Published 2024-03-03 Updated": kwUpdated,
		"By Jane Doe":                  kwNone,
	} {
		if got := lastKeyword(in); got != want {
			t.Errorf("lastKeyword(%q) = %d, want %d", in, got, want)
		}
	}
}
