package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normText is the normal form of every string the record carries: white
// space of any kind (tabs, newlines, NBSP and the other Unicode spaces)
// collapsed to one ASCII space and trimmed; control characters, U+FEFF and
// U+200B dropped; invalid UTF-8 replaced by U+FFFD; then NFC. Letters are
// never touched: Arabic diacritics, tatweel, hamza forms and ZWNJ/ZWJ stay
// as written.
func normText(s string) string {
	s = strings.Trim(s, " \t\n\r\f\v")
	if s == "" {
		return ""
	}
	if isClean(s) {
		return nfc(s)
	}
	b := make([]byte, 0, len(s))
	space := false // a space is pending before the next kept text
	start := 0     // start of the run of kept bytes not yet copied
	flush := func(end int) {
		if start < end {
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, s[start:end]...)
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		drop, isSpace := false, false
		if c < utf8.RuneSelf {
			isSpace = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
			drop = !isSpace && (c < ' ' || c == 0x7f) // control characters
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				flush(i)
				b = append(b, "\uFFFD"...)
				start = i + 1
				i++
				continue
			case isSpaceRune(r):
				isSpace = true
			case r == '\uFEFF' || r == '\u200B' || r < 0xA0:
				drop = true // invisible, carries nothing
			}
		}
		if isSpace || drop {
			flush(i)
			start = i + size
			if isSpace {
				space = true
			}
		}
		i += size
	}
	flush(len(s))
	return nfc(string(b))
}

// isSpaceRune is unicode.IsSpace for runes from U+0080.
func isSpaceRune(r rune) bool {
	switch r {
	case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// isClean reports whether s needs no white-space work: printable ASCII
// or valid UTF-8 without control characters, single ASCII spaces only,
// nothing leading or trailing.
func isClean(s string) bool {
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return isCleanSlow(s)
		}
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		if c < ' ' || c == 0x7f {
			return false
		}
		prevSpace = false
	}
	return !prevSpace
}

func isCleanSlow(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	prevSpace := true
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else if c < ' ' || c == 0x7f {
				return false
			} else {
				prevSpace = false
			}
			i++
			continue
		case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF:
			// The only lead bytes of spaces, C1 controls, U+200B, U+FEFF.
			r, size := utf8.DecodeRuneInString(s[i:])
			if isSpaceRune(r) || r == '\uFEFF' || r == '\u200B' || r < 0xA0 {
				return false
			}
			i += size
		case c >= 0xF0:
			i += 4
		case c >= 0xE0:
			i += 3
		default:
			i += 2
		}
		prevSpace = false
	}
	return !prevSpace
}

// isBlank reports whether s carries no words: no letter and no number,
// only spaces, direction marks and separators such as "___" or "* * *".
func isBlank(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// block is one line of the body before it is grouped into sections.
type block struct {
	heading bool
	text    string
}

// finishBlocks normalises the body's blocks and applies the line rules:
// empty blocks go, drop lines go, a paragraph that only repeats an image
// caption goes, and a block equal to its predecessor is kept once.
// dropped, when not nil, hears of every non-empty line removed and why.
func finishBlocks(raw []block, drop map[string]bool, captions map[string]bool, dropped func(text, why string)) []block {
	out := raw[:0]
	prev := ""
	for _, bl := range raw {
		bl.text = normText(bl.text)
		why := ""
		switch {
		case isBlank(bl.text):
			continue
		case drop[bl.text]:
			why = "drop line"
		case !bl.heading && captions[bl.text]:
			why = "image caption"
		case bl.text == prev:
			why = "repeats the line before"
		}
		if why != "" {
			if dropped != nil {
				dropped(bl.text, why)
			}
			continue
		}
		prev = bl.text
		out = append(out, bl)
	}
	return out
}

// sectionsOf groups blocks: a heading starts a new section; paragraphs
// before the first heading go to a first section with heading "". The
// result and every paragraph list are non-nil, so they encode as [].
func sectionsOf(blocks []block) []Section {
	secs := []Section{}
	for _, bl := range blocks {
		if bl.heading {
			secs = append(secs, Section{Heading: bl.text, Paragraphs: []string{}})
			continue
		}
		if len(secs) == 0 {
			secs = append(secs, Section{Heading: "", Paragraphs: []string{}})
		}
		last := &secs[len(secs)-1]
		last.Paragraphs = append(last.Paragraphs, bl.text)
	}
	return secs
}

// textOf is the record's text field: headings (when not empty) and
// paragraphs joined by blank lines.
func textOf(secs []Section) string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	for _, s := range secs {
		add(s.Heading)
		for _, p := range s.Paragraphs {
			add(p)
		}
	}
	return b.String()
}

// dropSet normalises a site's drop_lines into a lookup set.
func dropSet(lines []string) map[string]bool {
	m := make(map[string]bool, len(lines))
	for _, l := range lines {
		if n := normText(l); n != "" {
			m[n] = true
		}
	}
	return m
}

// cleanLabel trims the punctuation kickers are often decorated with
// ("عاجل:", "| Breaking").
func cleanLabel(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":|•·-–—/»«>", r)
	})
}

// looseKey folds s for comparing titles: letters and digits only, lower
// case. It is used for matching, never stored.
func looseKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
