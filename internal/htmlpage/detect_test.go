package htmlpage_test

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/newsarc/newsarc/internal/htmlpage"
)

// news is an undeclared Arabic news page around text, as a 2000s site
// served it: no charset in the header, none in a <meta>.
func news(text string) string {
	return `<html dir="rtl"><head><title>` + strings.SplitN(text, ".", 2)[0] + `</title></head><body>` +
		`<table><tr><td><h2>` + strings.SplitN(text, ".", 2)[0] + `</h2><p>` + text + `</p></td></tr></table></body></html>`
}

// Arabic text, and Arabic text with the Persian letters پ چ ژ گ ک that
// windows-1256 has (at 0x81, 0x8D, 0x8E, 0x90, 0x98) and iso-8859-6 has not.
const (
	arabicNews = "وفد حماس يبحث مع المخابرات المصرية آفاق التهدئة. التقى وفد من الحركة اليوم برئيس المخابرات العامة في القاهرة، وبحث الجانبان سبل تثبيت وقف إطلاق النار وإدخال المساعدات إلى القطاع."
	persianIn  = "وزير الخارجية الباكستاني يزور ميناء چابهار. وصل الوزير إلى پاکستان بعد جولة في گوادر، وقال إن ژنرالات الجيش يدعمون مشروع الطريق الذي يربط الميناءين بالصين."
)

// TestDetector checks what chardet's Arabic detectors really return for
// undeclared pages: windows-1256 and iso-8859-6 encode Arabic letters at
// different byte values (ل is 0xE1 in one, 0xE4 in the other), so a wrong
// guess would be mojibake.
func TestDetector(t *testing.T) {
	tests := []struct {
		name string
		cm   *charmap.Charmap
		text string
		enc  string
		rule string // its prefix
	}{
		{"windows-1256 arabic", charmap.Windows1256, arabicNews, "windows-1256", "detector: windows-1256 (confidence "},
		{"windows-1256 with persian letters", charmap.Windows1256, persianIn, "windows-1256", "detector: windows-1256 (confidence "},
		{"iso-8859-6 arabic", charmap.ISO8859_6, arabicNews, "iso-8859-6", "detector: iso-8859-6 (confidence "},
		{"windows-1252 english", charmap.Windows1252, "The council\u2019s \u201cbudget\u201d was approved on Tuesday \u2014 after a long debate about the harbour, the schools and the roads of the old town.", "windows-1252", "default windows-1252"}, // too few non-ASCII bytes to guess
		{"windows-1252 french", charmap.Windows1252, "Le conseil municipal a approuvé le budget mardi soir, après un long débat sur le port, les écoles et les routes de la vieille ville. Élus et électeurs ont été nombreux à s’exprimer : « Ça a été très difficile », a déclaré la présidente, qui a évoqué les dépenses prévues pour l’été et la rentrée.", "windows-1252", "detector: windows-1252 (confidence "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := news(tt.text)
			body := encode(t, tt.cm, page)
			got, err := htmlpage.Decode([]byte(body), "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Encoding != tt.enc || !strings.HasPrefix(got.Rule, tt.rule) {
				t.Errorf("Decode: %s, %q; want %s, %q...", got.Encoding, got.Rule, tt.enc, tt.rule)
			}
			if string(got.Text) != page {
				t.Errorf("text = %q", got.Text)
			}
			t.Logf("%s: %s", tt.name, got.Rule)
		})
	}
}

// TestDetectorDeterministic: the detector runs its recognisers
// concurrently; the answer must not depend on which finishes first.
func TestDetectorDeterministic(t *testing.T) {
	body := []byte(encode(t, charmap.Windows1256, news(arabicNews)))
	first, err := htmlpage.Decode(body, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		got, err := htmlpage.Decode(body, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Rule != first.Rule {
			t.Fatalf("rule %q, then %q", first.Rule, got.Rule)
		}
	}
}

// TestDetectorUTF8WithStrayBytes: UTF-8 with one invalid byte among many
// valid sequences stays UTF-8.
func TestDetectorUTF8WithStrayBytes(t *testing.T) {
	body := []byte(news(arabicNews + " \xff " + arabicNews))
	got, err := htmlpage.Decode(body, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Encoding != "utf-8" || !strings.HasPrefix(got.Rule, "detector: utf-8") {
		t.Errorf("Decode: %s, %q", got.Encoding, got.Rule)
	}
}
