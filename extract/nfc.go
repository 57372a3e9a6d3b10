package extract

import "golang.org/x/text/unicode/norm"

// nfc is norm.NFC.String with a fast path: text made only of runes below
// U+0300, General Punctuation from U+2010, and the Arabic block (its marks
// in canonical order, none that can compose) is already NFC and is
// returned as is. Anything else goes through x/text. TestNFCFastPath
// checks the table against x/text.
func nfc(s string) string {
	last := uint8(0) // combining class of the previous rune
	for _, r := range s {
		var c uint8
		switch {
		case r < 0x300, r >= 0x2010 && r < 0x2070:
		case r >= 0x600 && r < 0x700:
			c = arabicCCC[r-0x600]
		default:
			return norm.NFC.String(s)
		}
		if c == composes || (c != 0 && last > c) {
			return norm.NFC.String(s)
		}
		last = c
	}
	return s
}

// composes marks the Arabic combining marks that can merge with the
// letter before them (madda, hamza above and below): NFC_QC=Maybe.
const composes = 0xFF

// arabicCCC is the canonical combining class of U+0600-U+06FF.
var arabicCCC = func() (t [256]uint8) {
	set := func(from, to rune, c uint8) {
		for r := from; r <= to; r++ {
			t[r-0x600] = c
		}
	}
	set(0x610, 0x617, 230)
	set(0x618, 0x618, 30)
	set(0x619, 0x619, 31)
	set(0x61A, 0x61A, 32)
	for i, c := range []uint8{27, 28, 29, 30, 31, 32, 33, 34} { // tanween, harakat, shadda, sukun
		t[0x4B+i] = c
	}
	set(0x653, 0x655, composes)
	for i, c := range []uint8{220, 230, 230, 230, 230, 230, 220, 230, 230, 220} { // U+0656-U+065F
		t[0x56+i] = c
	}
	set(0x670, 0x670, 35)
	set(0x6D6, 0x6DC, 230)
	set(0x6DF, 0x6E2, 230)
	set(0x6E3, 0x6E3, 220)
	set(0x6E4, 0x6E4, 230)
	set(0x6E7, 0x6E8, 230)
	set(0x6EA, 0x6EA, 220)
	set(0x6EB, 0x6EC, 230)
	set(0x6ED, 0x6ED, 220)
	return t
}()
