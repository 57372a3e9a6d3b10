package htmlpage

import (
	"cmp"
	"slices"
	"strings"

	"github.com/saintfish/chardet"
)

const (
	// detectLen bounds what the detector reads; it keeps 8 KiB of text
	// once it has stripped the tags.
	detectLen = 64 << 10
	// minConfidence is the least confidence (1 to 100) at which the
	// detector's guess is taken. Its single-byte guesses score 3 × the share
	// of their language's frequent trigrams in the text (98 above a third):
	// an undeclared Arabic paragraph scores 35 to 80 in the right one of
	// windows-1256 and iso-8859-6, and half that in the wrong one.
	minConfidence = 30
	// minConfidenceUTF8 is the least for a UTF-8 guess: chardet says 25 for
	// bytes with at least ten valid multi-byte sequences per invalid one,
	// UTF-8 with stray bytes, which UTF-8 reads better than any other.
	minConfidenceUTF8 = 25
	// minHighBytes is the least number of non-ASCII bytes worth a guess:
	// on fewer the detector's trigram counts are noise ("\xe9" alone
	// scores 42 as koi8-r), and windows-1252 is what browsers would use.
	minHighBytes = 16
)

// detect guesses the encoding of body, which is not valid UTF-8, with
// chardet: its most confident guess (ties broken by name, so that the
// answer does not depend on goroutine scheduling) that names an encoding
// browsers know, if confident enough.
func detect(body []byte) (name string, confidence int, ok bool) {
	if len(body) > detectLen {
		body = body[:detectLen]
	}
	high := 0
	for _, c := range body {
		if c >= 0x80 {
			high++
		}
	}
	if high < minHighBytes {
		return "", 0, false
	}
	all, err := chardet.NewHtmlDetector().DetectAll(body)
	if err != nil {
		return "", 0, false
	}
	slices.SortStableFunc(all, func(a, b chardet.Result) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return strings.Compare(a.Charset, b.Charset)
	})
	for _, r := range all {
		name, ok := resolve(r.Charset)
		if !ok || isUTF16(name) {
			continue // IBM420 and the like, or UTF-16 without a BOM
		}
		least := minConfidence
		if name == "utf-8" {
			least = minConfidenceUTF8
		}
		return name, r.Confidence, r.Confidence >= least
	}
	return "", 0, false
}
