package recdiff

import (
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// maxPairCells bounds the similarity table of one gap (removed × added
// items). Past it, a gap is paired by position only, so that a rewrite of a
// whole long article stays quick.
const maxPairCells = 4096

// run is a stretch of an edit script: n items kept, removed or added.
type run struct {
	op diffmatchpatch.Operation
	n  int
}

// seqDiff is a shortest edit script from a to b, comparing items whole. It
// maps each distinct item to one rune, as go-diff's DiffLinesToRunes does
// for lines, and diffs the rune strings with no time limit, so the result
// is a longest common subsequence and does not depend on the machine.
func seqDiff(a, b []string) []run {
	ra, rb, ok := toRunes(a, b)
	if !ok {
		// More distinct items than runes: no alignment, all replaced.
		return []run{{diffmatchpatch.DiffDelete, len(a)}, {diffmatchpatch.DiffInsert, len(b)}}
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	var out []run
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		if n := utf8.RuneCountInString(d.Text); n > 0 {
			out = append(out, run{d.Type, n})
		}
	}
	return out
}

// toRunes maps each distinct item of a and b to a distinct valid rune
// (surrogates skipped, so that the runes survive go-diff's conversions to
// string and back).
func toRunes(a, b []string) (ra, rb []rune, ok bool) {
	ids := make(map[string]rune, len(a)+len(b))
	next := rune(1)
	conv := func(items []string) []rune {
		rs := make([]rune, len(items))
		for i, it := range items {
			r, seen := ids[it]
			if !seen {
				if next > utf8.MaxRune {
					ok = false
					return nil
				}
				r = next
				ids[it] = r
				next++
				if next == 0xD800 {
					next = 0xE000
				}
			}
			rs[i] = r
		}
		return rs
	}
	ok = true
	ra = conv(a)
	if ok {
		rb = conv(b)
	}
	return ra, rb, ok
}

// step is one step of an alignment of a and b: a[i] kept as or paired with
// b[j] (both ≥ 0), a[i] removed (j < 0), or b[j] added (i < 0).
type step struct{ i, j int }

// pairer pairs items of a gap between kept items: a[a0:a1] removed and
// b[b0:b1] added. It returns pairs (i, j), absolute indices, increasing in
// both.
type pairer func(a0, a1, b0, b1 int) []step

// align aligns a and b: the items of an LCS are kept, and in each gap the
// pairs chosen by pair (nil: none) are kept too. Within a gap, removed items
// come before added ones, up to each pair.
func align(a, b []string, pair pairer) []step {
	var out []step
	i, j := 0, 0
	gapA, gapB := 0, 0
	flush := func() {
		a0, b0 := i-gapA, j-gapB
		var pairs []step
		if pair != nil && gapA > 0 && gapB > 0 {
			pairs = pair(a0, i, b0, j)
		}
		x, y := a0, b0
		for _, p := range append(pairs, step{i, j}) {
			for ; x < p.i; x++ {
				out = append(out, step{x, -1})
			}
			for ; y < p.j; y++ {
				out = append(out, step{-1, y})
			}
			if p.i < i {
				out = append(out, p)
				x, y = p.i+1, p.j+1
			}
		}
		gapA, gapB = 0, 0
	}
	for _, r := range seqDiff(a, b) {
		switch r.op {
		case diffmatchpatch.DiffDelete:
			i += r.n
			gapA += r.n
		case diffmatchpatch.DiffInsert:
			j += r.n
			gapB += r.n
		default:
			flush()
			for k := 0; k < r.n; k++ {
				out = append(out, step{i + k, j + k})
			}
			i += r.n
			j += r.n
		}
	}
	flush()
	return out
}

// pairBySimilarity returns a pairer that pairs a[i] with b[j] when
// sim(i, j) ≥ EditThreshold, choosing the order-preserving pairing with the
// largest total similarity. Ties prefer pairing, then the earlier removal,
// so the choice is deterministic. upper(i, j), when not nil, is a cheap
// upper bound of sim used to skip hopeless pairs.
func pairBySimilarity(sim, upper func(i, j int) float64) pairer {
	return func(a0, a1, b0, b1 int) []step {
		k, m := a1-a0, b1-b0
		score := func(x, y int) float64 {
			if upper != nil && upper(a0+x, b0+y) < EditThreshold {
				return -1
			}
			return sim(a0+x, b0+y)
		}
		if k*m > maxPairCells {
			var out []step
			for t := 0; t < k && t < m; t++ {
				if score(t, t) >= EditThreshold {
					out = append(out, step{a0 + t, b0 + t})
				}
			}
			return out
		}
		const (
			skipOld = iota
			skipNew
			take
		)
		w := m + 1
		best := make([]float64, (k+1)*w)
		choice := make([]uint8, (k+1)*w)
		for x := k - 1; x >= 0; x-- {
			choice[x*w+m] = skipOld
			for y := m - 1; y >= 0; y-- {
				v, c := best[(x+1)*w+y], uint8(skipOld)
				if n := best[x*w+y+1]; n > v {
					v, c = n, skipNew
				}
				if s := score(x, y); s >= EditThreshold {
					if p := s + best[(x+1)*w+y+1]; p >= v {
						v, c = p, take
					}
				}
				best[x*w+y], choice[x*w+y] = v, c
			}
		}
		var out []step
		for x, y := 0, 0; x < k && y < m; {
			switch choice[x*w+y] {
			case take:
				out = append(out, step{a0 + x, b0 + y})
				x++
				y++
			case skipNew:
				y++
			default:
				x++
			}
		}
		return out
	}
}

// pairByPosition pairs the items of a gap by position when both sides have
// as many, and otherwise uses otherwise (which may be nil).
func pairByPosition(otherwise pairer) pairer {
	return func(a0, a1, b0, b1 int) []step {
		if a1-a0 == b1-b0 {
			out := make([]step, 0, a1-a0)
			for t := 0; t < a1-a0; t++ {
				out = append(out, step{a0 + t, b0 + t})
			}
			return out
		}
		if otherwise == nil {
			return nil
		}
		return otherwise(a0, a1, b0, b1)
	}
}
