package recdiff

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Words end only at grapheme cluster boundaries: a space that carries a
// combining mark, or follows a prepended mark, belongs to the word.
func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n\t ", nil},
		{"وخلال الاجتماع، عبّرت حركة", []string{"وخلال", "الاجتماع،", "عبّرت", "حركة"}},
		{"a  b\u00a0c\u2003d", []string{"a", "b", "c", "d"}},
		{" \u0651a b", []string{" \u0651a", "b"}}, // space + shadda is one cluster
		{"\u0600 5 x", []string{"\u0600 5", "x"}}, // ARABIC NUMBER SIGN is Prepend
		{"e\u0301 👩\u200d👩\u200d👧 z", []string{"e\u0301", "👩\u200d👩\u200d👧", "z"}},
		{"a\r\nb", []string{"a", "b"}},
		{"\xff \xc3", []string{"\xff", "\xc3"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, words(tt.in)); diff != "" {
			t.Errorf("words(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSeqDiffManyDistinctItems(t *testing.T) {
	// Past the surrogate range: items keep distinct runes.
	a := make([]string, 0xE100)
	for i := range a {
		a[i] = strconv.Itoa(i)
	}
	b := append(append([]string{}, a[:0xD900]...), append([]string{"new"}, a[0xD900:]...)...)
	runs := seqDiff(a, b)
	want := []run{{diffmatchpatch.DiffEqual, 0xD900}, {diffmatchpatch.DiffInsert, 1}, {diffmatchpatch.DiffEqual, len(a) - 0xD900}}
	if diff := cmp.Diff(want, runs, cmp.AllowUnexported(run{})); diff != "" {
		t.Errorf("seqDiff (-want +got):\n%s", diff)
	}
}
