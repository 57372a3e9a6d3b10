// Package recdiff compares two versions of an article record field by
// field, for `newsarc diff` and for the per-field change report of
// `newsarc reextract`.
//
// # What is compared
//
// Diff compares the content fields: label, headline, source, published_at,
// sections and images, plus language and direction (reported only when they
// differ). Fetch and bookkeeping fields are ignored: url, site, fetched_at,
// first_seen, last_seen, version, status, payload_digest, extractor,
// content_hash, and text, which is derived from sections.
//
// # Alignment
//
// Sequences are aligned with github.com/sergi/go-diff (Myers' algorithm, no
// time limit, so results never depend on the machine's speed): each distinct
// item (heading, paragraph, image src or word) is mapped to one rune, as
// go-diff's DiffLinesToRunes does for lines, and the rune strings are
// diffed. So paragraphs are diffed as whole items and paragraph edits word
// by word, never character by character.
//
//   - Sections are aligned by an LCS of their headings. In each gap between
//     matched headings, removed and added sections are paired by position
//     when the gap has as many on each side (a heading renamed); otherwise
//     they are paired when their text is similar (see below) and the rest are
//     reported as removed and added.
//   - Within a pair of sections, paragraphs are aligned by an LCS of whole
//     paragraphs. In each gap, a removed and an added paragraph are paired as
//     "paragraph edited" when their word similarity is at least
//     EditThreshold; the pairing is the order-preserving one with the
//     largest total similarity. Unpaired paragraphs are removed or added. A
//     paragraph moved to another section is reported as removed and added.
//   - Images are aligned by an LCS of their src; a kept image whose caption
//     differs is "caption changed".
//
// Word similarity is 2·common/(words of a + words of b), common being the
// length of the longest common word subsequence (Python difflib's ratio, on
// words). At 0.5 at least half of the words survive on average: a one-word
// fix in a sentence is an edit (about 0.95), a replaced sentence is not
// (near 0). Words are runs of grapheme clusters (github.com/rivo/uniseg)
// that are not white space, so a word boundary never falls inside a
// grapheme: Arabic letters keep their diacritics (shadda, tanwin).
//
// # Numbering
//
// Section, Paragraph and Image numbers are 1-based and count in the newer
// version, except for removals, which count in the older one.
// "paragraph appended" is an added paragraph of a section present in both
// versions that is the last section of the newer one, placed after that
// section's last old paragraph, which was kept or edited: corrections and
// updates are appended there. When the old last paragraph was removed, the
// end was replaced, and the new paragraph is "paragraph added".
// The paragraphs of an added (removed) section follow its "section added"
// ("section removed") change as "paragraph added" ("paragraph removed").
//
// # Text output
//
// WriteText prints one header line per change (the kind, with the
// location) and the text below it, indented: "- " old, "+ " new, and for
// edited paragraphs the word diff in the convention of
// `git diff --word-diff=plain`: [-removed-]{+added+}, with long unchanged
// stretches shortened to "...". User text is never reordered, reshaped or
// cut inside a grapheme; the bidirectional algorithm of the terminal lays
// it out. With BidiIsolate, each piece of user text is wrapped in FSI
// (U+2068) … PDI (U+2069), so that an Arabic line is laid out right to
// left by itself and cannot pull the LTR labels and markers around it into
// its run. Control characters in user text are printed escaped (\x1b), so
// a record cannot drive the terminal.
package recdiff
