package extract

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestNFCFastPath checks nfc's table against x/text: the combining class of
// every rune it covers, and random strings of Arabic letters, marks and
// Latin text, composed or not, in and out of canonical order.
func TestNFCFastPath(t *testing.T) {
	for r := rune(0x600); r < 0x700; r++ {
		p := norm.NFC.PropertiesString(string(r))
		want := p.CCC()
		if got := arabicCCC[r-0x600]; got != want && got != composes {
			t.Errorf("U+%04X: ccc %d, x/text says %d", r, got, want)
		}
	}
	for _, r := range []rune{0x653, 0x654, 0x655} {
		if norm.NFC.String("\u0627"+string(r)) == "\u0627"+string(r) && norm.NFC.String("\u0648"+string(r)) == "\u0648"+string(r) {
			t.Errorf("U+%04X composes with nothing", r)
		}
	}
	for r := rune(0); r < 0x300; r++ {
		if s := string(r); norm.NFC.String(s) != s || norm.NFC.PropertiesString(s).CCC() != 0 {
			t.Errorf("U+%04X is not a plain starter", r)
		}
	}
	for r := rune(0x2010); r < 0x2070; r++ {
		if s := string(r); norm.NFC.String(s) != s || !norm.NFC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("U+%04X is not a plain starter", r)
		}
	}
	alphabet := []rune("اأإآؤئبتثجحخدذرزسشصضطظعغفقكلمنهوىيةـ ًٌٍَُِّْٰٖٜٕٓٔ٠١abcé\u0301\u0300\u064e\u0651“”…،؟")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		n := 1 + rng.IntN(8)
		rs := make([]rune, n)
		for j := range rs {
			rs[j] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(rs)
		if got, want := nfc(s), norm.NFC.String(s); got != want {
			t.Fatalf("nfc(%+q) = %+q, want %+q", s, got, want)
		}
	}
}
