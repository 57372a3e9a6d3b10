package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBylineNames(t *testing.T) {
	site := []string{"Phys.org", "phys.org", "CNN"}
	tests := []struct {
		line string
		want []string
	}{
		{"By Jane Doe", []string{"Jane Doe"}},
		{"By Jane Doe and John Roe", []string{"Jane Doe", "John Roe"}},
		{"Von Vanessa Franke", []string{"Vanessa Franke"}},
		{"كتب: محمد علي", []string{"محمد علي"}},
		{"بقلم أحمد سمير", []string{"أحمد سمير"}},
		{"القاهرة - وكالات", []string{"وكالات"}},
		{"By Tom Harris, Staff Writer", []string{"Tom Harris"}},
		{"by Bob Yirka , Phys.org", []string{"Bob Yirka"}},
		{"By Rob Picheta, CNN", []string{"Rob Picheta"}},
		{"Posted on September 21, 2020 by Adi Tzlil", []string{"Adi Tzlil"}},
		{"Von Felix Eisenreich // 1. November 2023", []string{"Felix Eisenreich"}},
		{"Author: Bo2man am 29.12.2010, 13:36 Uhr", []string{"Bo2man"}},
		{"By Eric Levitz @EricLevitz", []string{"Eric Levitz"}},
		{"View all posts by Daniel Lemire", []string{"Daniel Lemire"}},
		{"Veröffentlicht vonChris Jung", []string{"Chris Jung"}},
		{"Marwan H. Adwan1", []string{"Marwan H. Adwan"}},
		{"Par Renée Côté et Loïc Le Clerc", []string{"Renée Côté", "Loïc Le Clerc"}},
		{"أثينا - وكالات", []string{"وكالات"}},
		{"April Roach", []string{"April Roach"}},
		{"By Jane Doe - March 3, 2024", []string{"Jane Doe"}},
		{"By Jane Doe — Reuters", []string{"Jane Doe", "Reuters"}},
		{"كتب: محمد علي - ١٢ مارس ٢٠٢٤", []string{"محمد علي"}},
		{"كتب: محمد علي ١٠:١٥ ص", []string{"محمد علي"}},
		{"İsmail Yıldız | AA", []string{"İsmail Yıldız"}},
		{"By DiAnne Fuller", []string{"DiAnne Fuller"}},
		{"By Roberta Mayo", []string{"Roberta Mayo"}},
		{"TAG24", []string{"TAG24"}},
		{"Supported by", nil},
		{"Advertisement", nil},
		{"Powered by WordPress.com VIP", nil},
		{"Posted on", nil},
		{"21.01.2009", nil},
		{"By", nil},
		{"Foto: dpa", nil},
	}
	for _, tt := range tests {
		if got := bylineNames(tt.line, site); !cmp.Equal(got, tt.want) {
			t.Errorf("bylineNames(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestCleanSource(t *testing.T) {
	tests := []struct{ line, want string }{
		{"By Jane Doe and John Roe SHARE SHARE TWEET", "By Jane Doe and John Roe"},
		{"Jane DoeProfileFollowUnfollow", "Jane Doe"},
		{"كتب: محمد علي مشاركة فيسبوك", "كتب: محمد علي"},
		{"Shareholders meeting", "Shareholders meeting"},
		{"Anna Timeshare", "Anna Timeshare"},
		{"By Jane Doe", "By Jane Doe"},
	}
	for _, tt := range tests {
		if got := cleanSource(tt.line); got != tt.want {
			t.Errorf("cleanSource(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestRightsAndCreditLines(t *testing.T) {
	tests := []struct {
		line           string
		rights, credit bool
	}{
		{"© 2024 Harbour Times", true, false},
		{"(c) Johannes Wolf", true, false},
		{"Copyright 2023 Metro Post. All rights reserved.", true, false},
		{"(c) the operator shall publish the timetable a month ahead, the ruling says.", false, false},
		{"Copyright lawyers say the ruling will be appealed.", false, false},
		{"Foto: dpa", false, true},
		{"Ash over the crater. (Photo: Getty Images)", false, true},
		{"Getty Images said it would appeal the ruling.", false, false},
	}
	for _, tt := range tests {
		if got := rightsLine(tt.line); got != tt.rights {
			t.Errorf("rightsLine(%q) = %v", tt.line, got)
		}
		if got := creditLine(tt.line); got != tt.credit {
			t.Errorf("creditLine(%q) = %v", tt.line, got)
		}
	}
}
