package extract

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Many pages state their article's text in JSON-LD articleBody. When they
// do, the block whose text agrees with it best is the body: it settles
// the cases where scoring prefers a long comment thread or a teaser
// stream to a shorter article.

// minAgreeBody is how long (in bytes) an articleBody must be to be
// trusted as the article's text rather than a summary.
const minAgreeBody = 300

// agree returns, among the scored candidates and the chosen block's
// ancestors, the element whose text agrees best with body (the Dice
// coefficient of their sets of three-word shingles), when it agrees
// clearly better than choice does; else choice.
func (st *scoreState) agree(choice *html.Node, body string) *html.Node {
	if len(body) < minAgreeBody {
		return choice
	}
	seed := maphash.MakeSeed()
	want := shingles(seed, body)
	if len(want) < 20 {
		return choice
	}
	cands := []*html.Node{choice}
	for a, i := choice.Parent, 0; a != nil && a.Type == html.ElementNode && i < 3; a, i = a.Parent, i+1 {
		cands = append(cands, a)
	}
	ranked := slices.Clone(st.order)
	slices.SortFunc(ranked, func(a, b *html.Node) int {
		switch {
		case st.score[a] > st.score[b]:
			return -1
		case st.score[a] < st.score[b]:
			return 1
		}
		return 0
	})
	cands = append(cands, ranked[:min(len(ranked), 8)]...)

	best, bestDice := choice, -1.0
	choiceDice := 0.0
	seen := map[*html.Node]bool{}
	for _, c := range cands {
		if seen[c] {
			continue
		}
		seen[c] = true
		d := dice(want, shingles(seed, nodeText(c)))
		if c == choice {
			choiceDice = d
		}
		if d > bestDice {
			best, bestDice = c, d
		}
	}
	if bestDice >= choiceDice+0.15 {
		return best
	}
	return choice
}

// shingles hashes the runs of three words of s, folded to lower case.
func shingles(seed maphash.Seed, s string) map[uint64]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := make(map[uint64]bool, len(words))
	for i := 0; i+3 <= len(words); i++ {
		out[maphash.String(seed, words[i]+" "+words[i+1]+" "+words[i+2])] = true
	}
	return out
}

// dice is 2|a∩b| / (|a|+|b|).
func dice(a, b map[uint64]bool) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	both := 0
	for k := range b {
		if a[k] {
			both++
		}
	}
	return 2 * float64(both) / float64(len(a)+len(b))
}
