package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// hashVersion starts the hashed encoding, so that a change of encoding can
// never collide with an older one.
const hashVersion = "newsarc-content-v1\n"

// Hash returns the content hash, "sha256:" + hex, over the record's
// label, headline, source, published_at and sections as they are (Extract
// has normalised them). The encoding is a version line, then netstrings
// ("<byte length>:<bytes>,") of label, headline, source, published_at,
// the number of sections, and for each section its heading, its number of
// paragraphs and the paragraphs. url, the fetch fields, images, text and
// extractor are left out: the same article at another URL, fetched again,
// with other ads or another photo URL hashes the same. A nil and an empty
// list hash alike.
func (a *Article) Hash() string {
	h := sha256.New()
	buf := make([]byte, 0, 512)
	put := func(s string) {
		buf = strconv.AppendInt(buf[:0], int64(len(s)), 10)
		buf = append(buf, ':')
		if len(s) <= cap(buf)-len(buf)-1 {
			buf = append(buf, s...)
			buf = append(buf, ',')
			h.Write(buf)
			return
		}
		h.Write(buf)
		h.Write([]byte(s))
		h.Write([]byte{','})
	}
	h.Write([]byte(hashVersion))
	put(a.Label)
	put(a.Headline)
	put(a.Source)
	put(a.PublishedAt)
	put(strconv.Itoa(len(a.Sections)))
	for _, s := range a.Sections {
		put(s.Heading)
		put(strconv.Itoa(len(s.Paragraphs)))
		for _, p := range s.Paragraphs {
			put(p)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
