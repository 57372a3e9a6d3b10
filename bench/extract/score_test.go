package main

import (
	"reflect"
	"testing"
)

const sample = `package main

type ComparisonEntry struct {
	File    string   ` + "`json:\"file\"`" + `
	Title   string
	Authors []string
	With    []string
	Without []string
}

var comparisonData = map[string]ComparisonEntry{
	"https://b.example/2": {
		File:    "b.html",
		With:    []string{"kept \"quoted\"", "two"},
		Without: []string{"menu"},
	},
	"https://a.example/1": {
		File:    "a.html",
		Title:   "A  title" + " here",
		Authors: []string{"Jane Roe", ` + "`John Doe`" + `},
		With:    []string{"one"},
		Without: nil,
	},
}
`

func TestLoadEntries(t *testing.T) {
	got, err := loadEntries("data.go", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{
		{URL: "https://a.example/1", File: "a.html", Title: "A  title here", Authors: []string{"Jane Roe", "John Doe"}, With: []string{"one"}},
		{URL: "https://b.example/2", File: "b.html", With: []string{`kept "quoted"`, "two"}, Without: []string{"menu"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	if _, err := loadEntries("x.go", []byte("package main\nvar other = 1\n")); err == nil {
		t.Error("no comparisonData: want an error")
	}
}

func TestScoreContent(t *testing.T) {
	e := entry{With: []string{"alpha", "beta"}, Without: []string{"menu", "footer"}}
	c, missing, unwanted := scoreContent(e, "alpha and the menu")
	if c != (counts{TP: 1, FN: 1, FP: 1, TN: 1}) {
		t.Errorf("counts %+v", c)
	}
	if !reflect.DeepEqual(missing, []string{"beta"}) || !reflect.DeepEqual(unwanted, []string{"menu"}) {
		t.Errorf("missing %v unwanted %v", missing, unwanted)
	}
	if c, _, _ := scoreContent(e, ""); c != (counts{FN: 2, TN: 2}) {
		t.Errorf("empty text: %+v", c)
	}
	all := counts{TP: 6, FN: 2, FP: 2, TN: 10}
	if all.precision() != 0.75 || all.recall() != 0.75 || all.accuracy() != 0.8 || all.fscore() != 0.75 {
		t.Errorf("figures %v %v %v %v", all.precision(), all.recall(), all.accuracy(), all.fscore())
	}
}

func TestTitles(t *testing.T) {
	if !titleExact("  Caf\u0065\u0301 \n au  lait ", "Caf\u00e9 au lait") {
		t.Error("exact should ignore white space runs and NFD/NFC")
	}
	if titleExact("Café au lait | Site", "Café au lait") {
		t.Error("exact must not accept a site suffix")
	}
	if !titleFold("PEANUT BUTTER", "Peanut Butter") || titleFold("Peanut Butter | Site", "Peanut Butter") {
		t.Error("titleFold")
	}
	if !titleLoose("CAFÉ au lait | Site", "Café au lait") {
		t.Error("loose should accept a site suffix and case")
	}
	if titleLoose("", "") {
		t.Error("loose: empty title is not a match")
	}
}

func TestMojibake(t *testing.T) {
	for _, s := range []string{"fÃ¼r", "GrÃ¶ÃŸe", "cafÃ©", "itâ€™s", "broken \uFFFD", "Ã\u0080"} {
		if !hasMojibake(s) {
			t.Errorf("%q: want mojibake", s)
		}
	}
	for _, s := range []string{"für Größe café it’s", "ÃO PAULO", "Ãx", ""} {
		if hasMojibake(s) {
			t.Errorf("%q: want none", s)
		}
	}
}
