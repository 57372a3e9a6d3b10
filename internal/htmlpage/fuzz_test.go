package htmlpage_test

import (
	"testing"
	"unicode/utf8"

	"github.com/newsarc/newsarc/internal/htmlpage"
)

// FuzzDecode: any body and Content-Type are judged and decoded without a
// panic, to valid UTF-8, by a named rule. Run: go test
// ./internal/htmlpage -run=^$ -fuzz=FuzzDecode -fuzztime=30s
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=windows-1256><p>\xc7\xe1"), "")
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"), "text/html; charset=utf-16")
	f.Add([]byte("<p>caf\xc3\xa9"), "text/html; charset=iso-8859-1")
	f.Add([]byte("0"), "teXt/html;\xadChArset")
	f.Add([]byte(`<meta http-equiv="Content-Type" content="text/html; charset='x">`), "application/octet-stream")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		htmlpage.IsHTML(contentType, body)
		d, err := htmlpage.Decode(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(d.Text) {
			t.Fatalf("invalid UTF-8 from %s (%s)", d.Encoding, d.Rule)
		}
		if d.Encoding == "" || d.Rule == "" {
			t.Fatalf("no encoding or rule: %+v", d)
		}
	})
}
