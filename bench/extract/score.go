package main

import (
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// counts are the content figures of upstream's content.go.
type counts struct {
	TP int `json:"tp"`
	FN int `json:"fn"`
	FP int `json:"fp"`
	TN int `json:"tn"`
}

func (c *counts) add(o counts) {
	c.TP += o.TP
	c.FN += o.FN
	c.FP += o.FP
	c.TN += o.TN
}

// scoreContent is upstream's evaluateEntry: each With snippet contained
// in text is a true positive, else a false negative; each Without snippet
// contained is a false positive, else a true negative. An empty text
// makes every With a false negative and every Without a true negative.
// It also returns the With snippets missing and the Without present.
func scoreContent(e entry, text string) (c counts, missing, unwanted []string) {
	if text == "" {
		c.FN = len(e.With)
		c.TN = len(e.Without)
		return c, append([]string(nil), e.With...), nil
	}
	for _, s := range e.With {
		if strings.Contains(text, s) {
			c.TP++
		} else {
			c.FN++
			missing = append(missing, s)
		}
	}
	for _, s := range e.Without {
		if strings.Contains(text, s) {
			c.FP++
			unwanted = append(unwanted, s)
		} else {
			c.TN++
		}
	}
	return c, missing, unwanted
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (c counts) precision() float64 { return ratio(float64(c.TP), float64(c.TP+c.FP)) }
func (c counts) recall() float64    { return ratio(float64(c.TP), float64(c.TP+c.FN)) }
func (c counts) accuracy() float64 {
	return ratio(float64(c.TP+c.TN), float64(c.TP+c.TN+c.FP+c.FN))
}
func (c counts) fscore() float64 { return ratio(float64(2*c.TP), float64(2*c.TP+c.FP+c.FN)) }

// normTitle is a title as compared: NFC, white space runs collapsed to
// one space, trimmed.
func normTitle(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// titleExact: the extracted title equals the annotated one after normTitle.
func titleExact(got, want string) bool {
	return normTitle(got) == normTitle(want)
}

// titleFold: the extracted title equals the annotated one after normTitle
// and case folding. Many annotations write a title as the page shows it
// through CSS text-transform ("PEANUT BUTTER TRUFFLES" for an h1 written
// "Peanut Butter Truffles"), which no extractor reading the HTML gives.
func titleFold(got, want string) bool {
	return strings.EqualFold(normTitle(got), normTitle(want)) && normTitle(want) != ""
}

// titleLoose: after normTitle and lower-casing, the extracted title
// contains the annotated one (it may keep a site name or a kicker).
func titleLoose(got, want string) bool {
	g, w := strings.ToLower(normTitle(got)), strings.ToLower(normTitle(want))
	return w != "" && strings.Contains(g, w)
}

// mojibakeSecond holds the characters that follow "Ã" when a UTF-8 two-byte
// sequence C3 80..C3 BF is read as windows-1252 (or as ISO-8859-1, which
// gives the C1 controls for 80..9F): "Ã©", "Ã¤", "ÃŸ", ...
var mojibakeSecond = func() map[rune]bool {
	m := map[rune]bool{}
	dec := charmap.Windows1252.NewDecoder()
	for b := 0x80; b <= 0xBF; b++ {
		m[rune(b)] = true
		if s, err := dec.String(string([]byte{byte(b)})); err == nil {
			for _, r := range s {
				if r != '\uFFFD' {
					m[r] = true
				}
			}
		}
	}
	return m
}()

// hasMojibake reports U+FFFD, "â€" (the start of UTF-8 punctuation such as
// ’ “ ” – read as windows-1252) or "Ã" followed by a character of
// mojibakeSecond.
func hasMojibake(s string) bool {
	if strings.ContainsRune(s, '\uFFFD') || strings.Contains(s, "â€") {
		return true
	}
	afterA := false
	for _, r := range s {
		if afterA && mojibakeSecond[r] {
			return true
		}
		afterA = r == 'Ã'
	}
	return false
}
