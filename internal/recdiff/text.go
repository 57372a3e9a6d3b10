package recdiff

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextOptions selects how WriteText marks up its output.
type TextOptions struct {
	// Color marks removed text red and struck through, added text green,
	// and headers bold, with ANSI escapes. Without it, removed and added
	// words are marked [-…-] and {+…+}, as `git diff --word-diff=plain`
	// does.
	Color bool
	// BidiIsolate wraps every piece of user text in FSI (U+2068) … PDI
	// (U+2069), so that right-to-left text is laid out by itself and the
	// labels and markers around it stay in place.
	//
	// It is meant to be on for every text output, pipes included: text
	// output is for people even when piped (to less, a file, a ticket, a
	// web page), and every renderer that implements the Unicode bidi
	// algorithm (browsers, editors, bidi-capable terminals) needs the
	// isolates to keep "  - " and "[-…-]" in place around Arabic. The
	// isolates are invisible format characters that never fall inside a
	// word, so grep on words still matches. Programs should read
	// --format json, whose texts carry no isolates.
	BidiIsolate bool
}

// Unicode bidi isolates and the ANSI escapes of colour output.
const (
	lri = '\u2066'
	rli = '\u2067'
	fsi = '\u2068'
	pdi = '\u2069'

	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiStrike = "\x1b[9;31m"
	ansiGreen  = "\x1b[32m"
)

// contextWords is how many unchanged words an edited paragraph shows on
// each side of a change; longer unchanged stretches are shortened to "...".
const contextWords = 5

// WriteText writes cs for people: per change, a header line (its kind and
// location) and the text below it, indented by two spaces. It writes
// nothing for no changes.
func WriteText(w io.Writer, cs []Change, opt TextOptions) error {
	p := printer{opt: opt}
	for _, c := range cs {
		p.change(c)
	}
	if _, err := w.Write(p.buf.Bytes()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

type printer struct {
	opt TextOptions
	buf bytes.Buffer
}

func (p *printer) change(c Change) {
	p.header(title(c))
	switch c.Kind {
	case KindParagraphEdited:
		if len(c.Ops) > 0 {
			p.buf.WriteString("  ")
			p.quotePieces(inline(c.Ops))
			p.buf.WriteByte('\n')
			return
		}
	case KindImageAdded, KindImageRemoved:
		sign := "+"
		caption := c.New
		if c.Kind == KindImageRemoved {
			sign, caption = "-", c.Old
		}
		p.line(sign, "", c.Src)
		if caption != "" {
			p.line(sign, "caption: ", caption)
		}
		return
	}
	if c.Old != "" {
		p.line("-", "", c.Old)
	}
	if c.New != "" {
		p.line("+", "", c.New)
	}
}

// title is the header of c, naming its kind and its place. Edits read as
// the issue words them ("section 2, paragraph 4 edited"); removals give the
// place in the older version ("was section 3").
func title(c Change) string {
	switch c.Kind {
	case KindParagraphEdited:
		return fmt.Sprintf("section %d, paragraph %d edited", c.Section, c.Paragraph)
	case KindParagraphAdded, KindParagraphAppended:
		return fmt.Sprintf("%s (section %d, paragraph %d)", c.Kind, c.Section, c.Paragraph)
	case KindParagraphRemoved:
		return fmt.Sprintf("%s (was section %d, paragraph %d)", c.Kind, c.Section, c.Paragraph)
	case KindSectionAdded, KindHeadingChanged:
		return fmt.Sprintf("%s (section %d)", c.Kind, c.Section)
	case KindSectionRemoved:
		return fmt.Sprintf("%s (was section %d)", c.Kind, c.Section)
	case KindImageAdded, KindCaptionChanged:
		return fmt.Sprintf("%s (image %d)", c.Kind, c.Image)
	case KindImageRemoved:
		return fmt.Sprintf("%s (was image %d)", c.Kind, c.Image)
	}
	var at []string
	if c.Section > 0 {
		at = append(at, "section "+strconv.Itoa(c.Section))
	}
	if c.Paragraph > 0 {
		at = append(at, "paragraph "+strconv.Itoa(c.Paragraph))
	}
	if c.Image > 0 {
		at = append(at, "image "+strconv.Itoa(c.Image))
	}
	if len(at) == 0 {
		return c.Kind
	}
	return c.Kind + " (" + strings.Join(at, ", ") + ")"
}

func (p *printer) header(s string) {
	if p.opt.Color {
		s = ansiBold + s + ansiReset
	}
	p.buf.WriteString(s)
	p.buf.WriteByte('\n')
}

// line writes "  SIGN label text": label is ours, text the user's.
func (p *printer) line(sign, label, text string) {
	if p.opt.Color {
		if sign == "-" {
			p.buf.WriteString(ansiRed)
		} else {
			p.buf.WriteString(ansiGreen)
		}
	}
	p.buf.WriteString("  " + sign + " " + label)
	p.quote(text)
	if p.opt.Color {
		p.buf.WriteString(ansiReset)
	}
	p.buf.WriteByte('\n')
}

// piece is a stretch of an edited paragraph: user text and how to mark it.
type piece struct {
	op   string // "=", "-", "+" or "..." (an elision)
	text string
}

// inline lays out the word diff of an edited paragraph as pieces, with
// long unchanged stretches shortened.
func inline(ops []Op) []piece {
	var out []piece
	for k, op := range ops {
		if op.Op != "=" {
			out = append(out, piece{op.Op, op.Text})
			continue
		}
		ws := words(op.Text)
		first, last := k == 0, k == len(ops)-1
		switch {
		case first && last:
			out = append(out, piece{"=", op.Text})
		case first && len(ws) > contextWords:
			out = append(out, piece{"...", ""}, piece{"=", strings.Join(ws[len(ws)-contextWords:], " ")})
		case last && len(ws) > contextWords:
			out = append(out, piece{"=", strings.Join(ws[:contextWords], " ")}, piece{"...", ""})
		case !first && !last && len(ws) > 2*contextWords+1:
			out = append(out, piece{"=", strings.Join(ws[:contextWords], " ")}, piece{"...", ""},
				piece{"=", strings.Join(ws[len(ws)-contextWords:], " ")})
		default:
			out = append(out, piece{"=", op.Text})
		}
	}
	return out
}

// quote writes user text, control characters escaped, isolated when
// BidiIsolate is set.
func (p *printer) quote(s string) {
	var b strings.Builder
	writeEscaped(&b, s)
	p.isolate(b.String())
}

// quotePieces writes an edited paragraph with its markers. The whole
// paragraph shares one isolate: it is one run of text, whose words must
// keep their reading order around the markers (an isolate per piece would
// lay the pieces out left to right).
func (p *printer) quotePieces(ps []piece) {
	var b strings.Builder
	for k, pc := range ps {
		if k > 0 && !(ps[k-1].op == "-" && pc.op == "+") {
			b.WriteByte(' ')
		}
		p.mark(&b, pc)
	}
	p.isolate(b.String())
}

// isolate writes s, wrapped in FSI … PDI when BidiIsolate is set.
func (p *printer) isolate(s string) {
	if !p.opt.BidiIsolate {
		p.buf.WriteString(s)
		return
	}
	open, stray := isolateBalance(s)
	p.buf.WriteRune(fsi)
	for range stray {
		p.buf.WriteRune(fsi)
	}
	p.buf.WriteString(s)
	for range open {
		p.buf.WriteRune(pdi)
	}
	p.buf.WriteRune(pdi)
}

// mark writes one piece of an edited paragraph with its markers.
func (p *printer) mark(b *strings.Builder, pc piece) {
	switch {
	case pc.op == "...":
		b.WriteString("...")
	case pc.op == "=":
		writeEscaped(b, pc.text)
	case p.opt.Color && pc.op == "-":
		b.WriteString(ansiStrike)
		writeEscaped(b, pc.text)
		b.WriteString(ansiReset)
	case p.opt.Color:
		b.WriteString(ansiGreen)
		writeEscaped(b, pc.text)
		b.WriteString(ansiReset)
	case pc.op == "-":
		b.WriteString("[-")
		writeEscaped(b, pc.text)
		b.WriteString("-]")
	default:
		b.WriteString("{+")
		writeEscaped(b, pc.text)
		b.WriteString("+}")
	}
}

// writeEscaped writes s with control characters and invalid bytes escaped
// as Go does (\x1b, \n, \u0085, \xff), so that a record cannot move the
// cursor, clear the screen or break a line. Control characters are
// grapheme cluster boundaries, so no cluster is cut.
func writeEscaped(b *strings.Builder, s string) {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[0])
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
}

// isolateBalance counts the isolates user text leaves open and the PDIs it
// has with no initiator. The quote adds as many PDIs after the text and
// FSIs before it, so that its own closing PDI always matches its own FSI
// and the text cannot leak out of its isolate. Embeddings and overrides
// (LRE … PDF) end at the closing PDI by the bidi algorithm (rule X6a).
func isolateBalance(s string) (open, stray int) {
	for _, r := range s {
		switch r {
		case lri, rli, fsi:
			open++
		case pdi:
			if open > 0 {
				open--
			} else {
				stray++
			}
		}
	}
	return open, stray
}
