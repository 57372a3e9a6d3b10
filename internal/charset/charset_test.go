package charset_test

import (
	"testing"

	"github.com/newsarc/newsarc/internal/charset"
	"golang.org/x/text/encoding/charmap"
)

func TestDecode(t *testing.T) {
	arabic := "عاجل: وفد حماس"
	w1256, err := charmap.Windows1256.NewEncoder().String(arabic)
	if err != nil {
		t.Fatal(err)
	}
	iso, err := charmap.ISO8859_6.NewEncoder().String("عاجل")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, ct, want, enc string
	}{
		{"utf8 plain", "<p>" + arabic + "</p>", "text/html", "<p>" + arabic + "</p>", "utf-8"},
		{"header 1256", "<p>" + w1256 + "</p>", "text/html; charset=windows-1256", "<p>" + arabic + "</p>", "windows-1256"},
		{"meta 1256", `<html><head><meta charset="windows-1256"></head><p>` + w1256, "text/html", `<html><head><meta charset="windows-1256"></head><p>` + arabic, "windows-1256"},
		{"http-equiv iso-8859-6", `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6"><p>` + iso, "", `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6"><p>عاجل`, "iso-8859-6"},
		{"bom", "\xef\xbb\xbf<p>x</p>", "", "<p>x</p>", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := charset.Decode([]byte(tt.body), tt.ct)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || enc != tt.enc {
				t.Errorf("Decode = %q (%s), want %q (%s)", got, enc, tt.want, tt.enc)
			}
		})
	}
}
