package extract

import (
	"fmt"
	"unicode"

	"github.com/abadojack/whatlanggo"
	"golang.org/x/text/language"
)

// minLetters is the least text, in letters, on which the language is
// guessed: below it trigram statistics say little.
const minLetters = 40

// detectLanguage guesses the language of sample (the headline and the
// start of the text) for a page whose markup names none, with whatlanggo.
// It returns the BCP 47 tag and the rule for Explain, or "" and why not:
// too little text, or a guess whatlanggo itself does not call reliable.
func detectLanguage(sample string) (string, string) {
	letters := 0
	for _, r := range sample {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < minLetters {
		return "", fmt.Sprintf("not stated; too little text to detect (%d letters)", letters)
	}
	info := whatlanggo.Detect(sample)
	if info.Lang < 0 || !info.IsReliable() {
		return "", fmt.Sprintf("not stated; detection unreliable (whatlanggo, confidence %.2f)", info.Confidence)
	}
	tag := bcp47(info.Lang)
	if tag == "" {
		return "", "not stated; detected language has no tag"
	}
	return tag, fmt.Sprintf("detected (whatlanggo, confidence %.2f)", info.Confidence)
}

// bcp47 is the language's tag: its ISO 639-1 code where it has one (ar,
// en, zh for Mandarin), else the macrolanguage's (fa for Iranian Persian,
// yi for Yiddish), else its ISO 639-3 code.
func bcp47(l whatlanggo.Lang) string {
	code := l.Iso6391()
	switch {
	case code != "":
	case l == whatlanggo.Pes:
		code = "fa"
	case l == whatlanggo.Ydd:
		code = "yi"
	default:
		code = l.Iso6393()
	}
	t, err := language.Parse(code)
	if err != nil || t == language.Und {
		return ""
	}
	return t.String()
}
