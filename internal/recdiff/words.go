package recdiff

import (
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// words splits s into words: maximal runs of grapheme clusters that are not
// white space. A cluster is white space when all its runes are; a space
// carrying a combining mark is not, so no word boundary ever falls inside a
// grapheme cluster.
func words(s string) []string {
	var out []string
	start, pos := -1, 0
	state := -1
	for rest := s; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if isSpace(cluster) {
			if start >= 0 {
				out = append(out, s[start:pos])
				start = -1
			}
		} else if start < 0 {
			start = pos
		}
		pos += len(cluster)
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func isSpace(cluster string) bool {
	for _, r := range cluster {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// wordDiff is the word-level diff of a and b: its steps (runs of kept,
// removed and added words, a removal before the addition it replaces), the
// added and removed words in order, and the number of kept words.
type wordDiff struct {
	ops            []Op
	added, removed []string
	common         int
}

func diffWords(a, b []string) wordDiff {
	var d wordDiff
	i, j := 0, 0
	var del, ins []string
	flush := func() {
		if len(del) > 0 {
			d.ops = append(d.ops, Op{Op: "-", Text: strings.Join(del, " ")})
			d.removed = append(d.removed, del...)
		}
		if len(ins) > 0 {
			d.ops = append(d.ops, Op{Op: "+", Text: strings.Join(ins, " ")})
			d.added = append(d.added, ins...)
		}
		del, ins = nil, nil
	}
	for _, r := range seqDiff(a, b) {
		switch r.op {
		case diffmatchpatch.DiffDelete:
			del = append(del, a[i:i+r.n]...)
			i += r.n
		case diffmatchpatch.DiffInsert:
			ins = append(ins, b[j:j+r.n]...)
			j += r.n
		default:
			flush()
			d.ops = append(d.ops, Op{Op: "=", Text: strings.Join(a[i:i+r.n], " ")})
			d.common += r.n
			i += r.n
			j += r.n
		}
	}
	flush()
	return d
}

// similarity is the word similarity of two texts of na and nb words with
// common words in common: 2·common/(na+nb), 1 for two empty texts.
func similarity(common, na, nb int) float64 {
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}

// wordCache splits texts into words, and counts them, once.
type wordCache struct {
	texts  []string
	split  [][]string
	counts []map[string]int
}

func newWordCache(texts []string) *wordCache {
	return &wordCache{texts: texts, split: make([][]string, len(texts)), counts: make([]map[string]int, len(texts))}
}

func (c *wordCache) words(i int) []string {
	if c.split[i] == nil {
		c.split[i] = words(c.texts[i])
		if c.split[i] == nil {
			c.split[i] = []string{}
		}
	}
	return c.split[i]
}

func (c *wordCache) count(i int) map[string]int {
	if c.counts[i] == nil {
		m := make(map[string]int)
		for _, w := range c.words(i) {
			m[w]++
		}
		c.counts[i] = m
	}
	return c.counts[i]
}

// shared is the number of words two texts have in common regardless of
// order: an upper bound of the length of their common subsequence.
func shared(x, y map[string]int) int {
	if len(x) > len(y) {
		x, y = y, x
	}
	n := 0
	for w, cx := range x {
		n += min(cx, y[w])
	}
	return n
}

// textPairer pairs removed and added texts of a gap by word similarity. A
// pair whose words in common, in any order, cannot reach EditThreshold is
// dismissed before it is diffed.
func textPairer(a, b []string) pairer {
	wa, wb := newWordCache(a), newWordCache(b)
	sim := func(i, j int) float64 {
		x, y := wa.words(i), wb.words(j)
		return similarity(diffWords(x, y).common, len(x), len(y))
	}
	upper := func(i, j int) float64 {
		return similarity(shared(wa.count(i), wb.count(j)), len(wa.words(i)), len(wb.words(j)))
	}
	return pairBySimilarity(sim, upper)
}
