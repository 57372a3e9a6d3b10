package extract_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/extract"
)

// page wraps body markup in a minimal article page.
func page(lang, body string) []byte {
	return []byte(`<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><title>t</title></head><body>
<h1 class="title">عنوان الخبر</h1><div class="body">` + body + `</div></body></html>`)
}

func mustCompile(t *testing.T, sel extract.Selectors, drop ...string) *extract.Rules {
	t.Helper()
	r, err := extract.Compile("test", "site:test@000000000000", sel, drop)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNormalisation(t *testing.T) {
	rules := mustCompile(t, extract.Selectors{Headline: "h1.title", Body: ".body"}, "تم نسخ الرابط", "  Share\u00a0this  ")
	tests := []struct {
		name string
		body string
		want []string // paragraphs of the single section
	}{
		{"NFC composes", "<p>Cafe\u0301 au lait</p><p>\u0627\u0654حمد</p>", []string{"Café au lait", "أحمد"}},
		{"Arabic diacritics and tatweel kept", "<p>عَرَبِيٌّ فَصِيحٌ</p><p>المرحلة الثانيـــة</p>", []string{"عَرَبِيٌّ فَصِيحٌ", "المرحلة الثانيـــة"}},
		{"white space collapsed", "<p>\n\t أول&nbsp;&nbsp;سطر\u2003ثم\r\nالثاني \u00a0</p>", []string{"أول سطر ثم الثاني"}},
		{"line repeating its predecessor kept once", "<p>مصدر مصري مطلع</p><p>مصدر  مصري مطلع&nbsp;</p><p>ب</p><p>مصدر مصري مطلع</p>", []string{"مصدر مصري مطلع", "ب", "مصدر مصري مطلع"}},
		{"drop_lines after normalisation", "<p>خبر</p><p>تم&nbsp;نسخ   الرابط</p><p>Share this</p><p>تم نسخ الرابط اليوم</p>", []string{"خبر", "تم نسخ الرابط اليوم"}},
		{"empty paragraphs dropped", "<p>&nbsp;</p><p>نص</p><p> </p><p>___</p><p>\u200f</p>", []string{"نص"}},
		{"br inside a paragraph is a space", "<p>سطر<br>وسطر</p>", []string{"سطر وسطر"}},
		{"ZWNJ kept", "<p>می\u200cخواهم</p>", []string{"می\u200cخواهم"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: page("ar", tt.body)}, rules)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range a.Sections {
				got = append(got, s.Paragraphs...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paragraphs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextAndSections(t *testing.T) {
	rules := mustCompile(t, extract.Selectors{Body: ".body"})
	body := `<p>مقدمة</p><h2>أول</h2><p>أ</p><h3> </h3><p>ب</p><h2>بلا فقرات</h2>
<figure><img src="/a.jpg" alt="بديل"><figcaption>تعليق الصورة</figcaption></figure><p>تعليق الصورة</p>`
	a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: page("ar", body)}, rules)
	if err != nil {
		t.Fatal(err)
	}
	want := []extract.Section{
		{Heading: "", Paragraphs: []string{"مقدمة"}},
		{Heading: "أول", Paragraphs: []string{"أ", "ب"}},
		{Heading: "بلا فقرات", Paragraphs: []string{}},
	}
	if diff := cmp.Diff(want, a.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if want := "مقدمة\n\nأول\n\nأ\n\nب\n\nبلا فقرات"; a.Text != want {
		t.Errorf("text = %q, want %q", a.Text, want)
	}
	if diff := cmp.Diff([]extract.Image{{Src: "https://n.example/a.jpg", Caption: "تعليق الصورة"}}, a.Images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
}

func TestEmptyListsEncodeAsArrays(t *testing.T) {
	for _, r := range []*extract.Rules{nil, mustCompile(t, extract.Selectors{Body: ".body"})} {
		a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: page("en", "")}, r)
		if err != nil {
			t.Fatal(err)
		}
		b := encode(t, a)
		for _, want := range []string{`"sections": []`, `"images": []`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("record lacks %s:\n%s", want, b)
			}
		}
	}
}
