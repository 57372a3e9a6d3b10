package warc

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// Digest returns the WARC digest of b as newsarc writes it everywhere:
// "sha1:" followed by the standard base32 encoding of the SHA-1 sum
// (32 characters, no padding needed).
func Digest(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// DigestError reports a WARC-Block-Digest or WARC-Payload-Digest that does
// not match the record's content, or whose value cannot be decoded. It is
// found in [Record.Warnings]; [Record.DigestErrors] collects them.
type DigestError struct {
	Field    string // "WARC-Block-Digest" or "WARC-Payload-Digest"
	Expected string // the value in the record header
	// Computed is the digest computed over the content, same algorithm, in
	// base32; for the payload of a chunked response, over the dechunked
	// body (the raw chunked body did not match either).
	Computed string
}

func (e *DigestError) Error() string {
	return fmt.Sprintf("%s mismatch: header %s, computed %s", e.Field, e.Expected, e.Computed)
}

// newHash returns a hash for a WARC digest algorithm label, or nil when the
// algorithm is not supported.
func newHash(alg string) hash.Hash {
	switch strings.ToLower(strings.ReplaceAll(alg, "-", "")) {
	case "sha1":
		return sha1.New()
	case "sha256":
		return sha256.New()
	case "sha512":
		return sha512.New()
	case "md5":
		return md5.New()
	}
	return nil
}

// checkDigest reports whether value ("alg:encoded") is the digest of the
// concatenation of parts. known is false when the algorithm is not
// recognised (nothing can be said); a value that is empty or cannot be
// decoded for a known algorithm is known and not ok. computed is the digest
// in the conventional encoding for error messages.
func checkDigest(value string, parts ...[]byte) (ok, known bool, computed string) {
	alg, enc, _ := strings.Cut(strings.TrimSpace(value), ":")
	h := newHash(alg)
	if h == nil {
		return false, false, ""
	}
	for _, p := range parts {
		h.Write(p)
	}
	sum := h.Sum(nil)
	computed = strings.ToLower(alg) + ":" + base32.StdEncoding.EncodeToString(sum)
	want, decoded := decodeDigestValue(enc, len(sum))
	return decoded && bytes.Equal(want, sum), true, computed
}

// decodeDigestValue decodes a digest value in base32 (padded or not, any
// case), base16 or base64, choosing by length.
func decodeDigestValue(s string, size int) ([]byte, bool) {
	if len(s) == size*2 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, true
		}
	}
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding)
	if t := strings.ToUpper(strings.TrimRight(s, "=")); len(t) == b32.EncodedLen(size) {
		if b, err := b32.DecodeString(t); err == nil {
			return b, true
		}
	}
	if b, err := base64.StdEncoding.WithPadding(base64.NoPadding).DecodeString(strings.TrimRight(s, "=")); err == nil && len(b) == size {
		return b, true
	}
	return nil, false
}
