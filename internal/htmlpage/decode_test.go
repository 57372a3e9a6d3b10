package htmlpage_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/newsarc/newsarc/internal/htmlpage"
)

const arabic = "عاجل: وفد حماس يبحث مع المخابرات المصرية آفاق التهدئة في القاهرة"

func encode(t *testing.T, e encoding.Encoding, s string) string {
	t.Helper()
	b, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// metaAt is the rule text of a meta declaration that starts where tag
// does in body.
func metaAt(kind, body, tag string) string {
	return fmt.Sprintf("meta %s (byte %d)", kind, strings.Index(body, tag))
}

func TestDecode(t *testing.T) {
	w1256 := encode(t, charmap.Windows1256, arabic)
	iso6 := encode(t, charmap.ISO8859_6, arabic)
	utf16le := encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "<p>"+arabic+"</p>")
	utf16be := encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "<p>"+arabic+"</p>")
	utf16leNoBOM := encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "<p>"+arabic+"</p>")
	longHead := "<html><head><style>" + strings.Repeat("p { margin: 0 }\n", 150) + "</style>"
	lateMeta := longHead + `<meta charset="windows-1256"></head><body><p>` + w1256
	lateEquiv := longHead + `<meta http-equiv="content-type" content="text/html; charset=windows-1256"></head><p>` + w1256
	metaLatin1UTF8 := `<html><head><meta charset="iso-8859-1"></head><p>café “quoted” — ’</p>`
	twoMetas := `<head><meta charset="no-such-charset"><meta charset="windows-1256"></head><p>` + w1256

	tests := []struct {
		name, body, ct string
		want, enc      string
		rule           string
	}{
		{"utf-8 bom", "\xef\xbb\xbf<p>café</p>", "text/html; charset=windows-1256", "<p>café</p>", "utf-8", "bom"},
		{"utf-16le bom", utf16le, "", "<p>" + arabic + "</p>", "utf-16le", "bom"},
		{"utf-16be bom", utf16be, "text/html; charset=utf-8", "<p>" + arabic + "</p>", "utf-16be", "bom"},
		{"http charset", "<p>" + w1256 + "</p>", "text/html; charset=windows-1256", "<p>" + arabic + "</p>", "windows-1256", "http charset"},
		{"http charset quoted", "<p>" + iso6 + "</p>", `text/html; charset="ISO-8859-6"`, "<p>" + arabic + "</p>", "iso-8859-6", "http charset"},
		{"http charset without space", "<p>caf\xe9</p>", "text/html;charset=latin1", "<p>café</p>", "windows-1252", "http charset"},
		{"http charset wins over meta", `<meta charset="windows-1252"><p>` + w1256, "text/html; charset=windows-1256", `<meta charset="windows-1252"><p>` + arabic, "windows-1256", "http charset"},
		{"http iso-8859-1, bytes are UTF-8", "<p>café — “x”</p>", "text/html; charset=iso-8859-1", "<p>café — “x”</p>", "utf-8", "declared iso-8859-1 in http charset, bytes are UTF-8"},
		{"http windows-1256, bytes are UTF-8", "<p>" + arabic + "</p>", "text/html; charset=windows-1256", "<p>" + arabic + "</p>", "utf-8", "declared windows-1256 in http charset, bytes are UTF-8"},
		{"http us-ascii, ASCII bytes", "<p>plain</p>", "text/html; charset=us-ascii", "<p>plain</p>", "windows-1252", "http charset"},
		{"http unknown label", "<p>café</p>", "text/html; charset=x-no-such", "<p>café</p>", "utf-8", "valid utf-8"},
		{"http replacement label", "<p>café</p>", "text/html; charset=iso-2022-kr", "<p>café</p>", "utf-8", "valid utf-8"},
		{"http utf-16 without NUL bytes", "<p>café</p>", "text/html; charset=utf-16", "<p>café</p>", "utf-8", "valid utf-8"},
		{"http utf-16le without bom", utf16leNoBOM, "text/html; charset=utf-16le", "<p>" + arabic + "</p>", "utf-16le", "http charset"},
		{"http charset after non-ASCII", "<p>" + w1256 + "</p>", "text/html; \xadİ charset=windows-1256", "<p>" + arabic + "</p>", "windows-1256", "http charset"},
		{"http charset without a value", "<p>café</p>", "text/html; charset", "<p>café</p>", "utf-8", "valid utf-8"},
		{"http charset unterminated quote", "<p>café</p>", `text/html; charset="utf-8`, "<p>café</p>", "utf-8", "valid utf-8"},
		{"http utf-8, invalid bytes", "<p>a\xffb</p>", "text/html; charset=utf-8", "<p>a\uFFFDb</p>", "utf-8", "http charset"},
		{"meta charset after 2 KiB", lateMeta, "text/html", strings.Replace(lateMeta, w1256, arabic, 1), "windows-1256", metaAt("charset", lateMeta, "<meta")},
		{"meta http-equiv after 2 KiB", lateEquiv, "", strings.Replace(lateEquiv, w1256, arabic, 1), "windows-1256", metaAt("http-equiv", lateEquiv, "<meta")},
		{"meta iso-8859-1, bytes are UTF-8", metaLatin1UTF8, "", metaLatin1UTF8, "utf-8", "declared iso-8859-1 in " + metaAt("charset", metaLatin1UTF8, "<meta") + ", bytes are UTF-8"},
		{"meta unknown label, then a known one", twoMetas, "", strings.Replace(twoMetas, w1256, arabic, 1), "windows-1256", metaAt("charset", twoMetas, `<meta charset="windows`)},
		{"meta utf-16 ignored", `<meta charset="utf-16"><p>café`, "", `<meta charset="utf-16"><p>café`, "utf-8", "valid utf-8"},
		{"meta x-user-defined is windows-1252", "<meta charset=x-user-defined><p>caf\xe9", "", "<meta charset=x-user-defined><p>café", "windows-1252", "meta charset (byte 0)"},
		{"meta after </head> ignored", "<head></head><meta charset=windows-1256><p>café", "", "<head></head><meta charset=windows-1256><p>café", "utf-8", "valid utf-8"},
		{"meta in body ignored", "<body><meta charset=windows-1256><p>café", "", "<body><meta charset=windows-1256><p>café", "utf-8", "valid utf-8"},
		{"meta in a script ignored", `<script>x = '<meta charset="windows-1256">'</script><p>café`, "", `<script>x = '<meta charset="windows-1256">'</script><p>café`, "utf-8", "valid utf-8"},
		{"valid utf-8", "<p>" + arabic + "</p>", "", "<p>" + arabic + "</p>", "utf-8", "valid utf-8"},
		{"valid utf-8 cut mid-rune", "<p>café caf\xc3", "", "<p>café caf\uFFFD", "utf-8", "valid utf-8"},
		{"a cut rune alone is no evidence", "<p>caf\xc3", "", "<p>cafÃ", "windows-1252", "default windows-1252"},
		{"no text to guess from", "<p>\xe9</p>", "", "<p>é</p>", "windows-1252", "default windows-1252"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := htmlpage.Decode([]byte(tt.body), tt.ct)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Text) != tt.want || got.Encoding != tt.enc || got.Rule != tt.rule {
				t.Errorf("Decode = %q, %s, %q\nwant       %q, %s, %q", got.Text, got.Encoding, got.Rule, tt.want, tt.enc, tt.rule)
			}
		})
	}
}

// TestDecodeNoCopy: a body that is UTF-8 already is returned as is.
func TestDecodeNoCopy(t *testing.T) {
	body := []byte("<p>" + arabic + "</p>")
	got, err := htmlpage.Decode(body, "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	if &got.Text[0] != &body[0] {
		t.Error("UTF-8 body copied")
	}
}

// TestDecodeMetaBound: a <meta> past 64 KiB is not looked for.
func TestDecodeMetaBound(t *testing.T) {
	body := "<head><style>" + strings.Repeat("x", 70<<10) + "</style><meta charset=windows-1256></head><p>café"
	got, err := htmlpage.Decode([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Encoding != "utf-8" || got.Rule != "valid utf-8" {
		t.Errorf("Decode = %s, %q", got.Encoding, got.Rule)
	}
	if !bytes.HasSuffix(got.Text, []byte("café")) {
		t.Errorf("text ends %q", got.Text[len(got.Text)-8:])
	}
}
