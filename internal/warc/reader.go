package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// ErrBlockTooLarge is wrapped by the warning of a record whose block is
// larger than Reader.MaxBlockSize.
var ErrBlockTooLarge = errors.New("record block too large")

// maxHeadKept is how much of an oversized block is kept.
const maxHeadKept = 64 << 10

// Reader reads WARC records from a plain or gzipped WARC stream. It is not
// safe for concurrent use.
type Reader struct {
	// MaxBlockSize, when positive, bounds the blocks Next holds in memory:
	// a larger block (a video, say) is read through (to disk, by gowarc)
	// and returned cut to its first 64 KiB, with BlockTruncated set.
	// Zero means no limit.
	MaxBlockSize int64

	cr     *countingReader
	br     *bufio.Reader // over cr
	closer io.Closer
	um     gowarc.Unmarshaler

	gz            *gzip.Reader
	gzbr          *bufio.Reader // over gz, or over spool once the member is verified
	inMember      bool          // reading records from the gzip member at memberOff
	memberOff     int64
	memberRecords int
	spool         *spool  // the rest of a member holding several records
	spoolMem      int     // bytes of a spool kept in memory before a temporary file is used
	skipped       []error // warnings for the next record
}

// spoolMemDefault is how much of a gzip member holding several records
// (a whole file gzipped as one stream) is kept in memory; the rest goes to
// a temporary file.
const spoolMemDefault = 32 << 20

// Open opens a .warc or .warc.gz file; gzip is recognised by its magic
// bytes, not by the name.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open warc: %w", err)
	}
	r, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open warc %s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// NewReader returns a Reader over r. It fails when r starts with neither a
// gzip member nor "WARC/" (after blank lines), e.g. for a zstd-compressed
// WARC, which is not supported.
func NewReader(r io.Reader) (*Reader, error) {
	cr := &countingReader{r: r}
	rd := &Reader{
		cr:       cr,
		spoolMem: spoolMemDefault,
		br:       bufio.NewReaderSize(cr, 256<<10),
		// Lenient, but with SpecViolationPolicy at ErrWarn so that gowarc
		// reads each block fully, caches it and checks its block digest.
		um: gowarc.NewUnmarshaler(
			gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
			gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
			gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore),
			gowarc.WithSkipParseBlock(),
			gowarc.WithDefaultDigestAlgorithm("sha1"),
		),
	}
	for {
		b, err := rd.br.Peek(5)
		if len(b) > 0 && (b[0] == '\r' || b[0] == '\n' || b[0] == ' ') {
			rd.br.Discard(1)
			continue
		}
		switch {
		case isGzipMagic(b), bytes.HasPrefix(b, []byte("WARC/")):
			return rd, nil
		case len(b) == 0 && err == io.EOF:
			return rd, nil // empty file: Next returns io.EOF
		case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
			return nil, errors.New("zstd-compressed WARC files are not supported")
		case err != nil && err != io.EOF:
			return nil, fmt.Errorf("read warc: %w", err)
		default:
			return nil, fmt.Errorf("not a WARC file: starts with %q", b)
		}
	}
}

// Close removes the temporary file a gzip member holding several records
// may need (see Next) and closes the file opened by Open; it does not close
// the io.Reader given to NewReader.
func (r *Reader) Close() error {
	err := r.endMember()
	if r.closer != nil {
		err = errors.Join(err, r.closer.Close())
		r.closer = nil
	}
	return err
}

// endMember ends the reading of the current gzip member, dropping any part
// of it not read yet.
func (r *Reader) endMember() error {
	r.inMember = false
	if r.spool == nil {
		return nil
	}
	err := r.spool.release()
	r.spool = nil
	return err
}

func isGzipMagic(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// pos is the offset in the input of the next unread byte.
func (r *Reader) pos() int64 { return r.cr.n - int64(r.br.Buffered()) }

// Next returns the next record, or io.EOF at the end.
//
// A record that cannot be read returns an error that names its offset. The
// caller may call Next again: it resynchronises at the next "WARC/" line or
// gzip member, so the records after a damaged one can still be read (those
// in the damaged stretch are lost).
//
// No record is returned from a gzip member before the member has been read
// to its end and its CRC and size checked: a corrupt member gives an error
// naming its offset, never a record. When a member holds more than one
// record (a file gzipped as a whole), the rest of it is decompressed ahead,
// into memory and then a temporary file, which Close removes.
func (r *Reader) Next() (*Record, error) {
	for {
		if r.inMember {
			more, err := skipBlank(r.gzbr)
			if err != nil {
				r.endMember()
				return nil, fmt.Errorf("warc: gzip member at offset %d: %w", r.memberOff, err)
			}
			if !more {
				if err := r.endMember(); err != nil {
					return nil, fmt.Errorf("warc: gzip member at offset %d: %w", r.memberOff, err)
				}
				continue
			}
			rec, err := r.unmarshal(r.gzbr, r.memberOff)
			if err != nil {
				r.endMember() // drop the rest of the member
				return nil, err
			}
			r.memberRecords++
			// Reaching the end of the member makes gzip check its CRC and
			// size; bytes after the record mean reading them all first.
			more, err = skipBlank(r.gzbr)
			if err == nil && more && r.spool == nil {
				err = r.spoolMember()
			}
			switch {
			case err != nil: // e.g. a CRC mismatch: the record cannot be trusted
				r.endMember()
				return nil, fmt.Errorf("warc: gzip member at offset %d: %w", r.memberOff, err)
			case more:
				rec.Warnings = append(rec.Warnings, errors.New("several records in one gzip member: Offset is the member's, Length unknown"))
			default:
				if err := r.endMember(); err != nil {
					return nil, fmt.Errorf("warc: gzip member at offset %d: %w", r.memberOff, err)
				}
				if r.memberRecords == 1 {
					rec.Length = r.pos() - r.memberOff
				} else {
					rec.Warnings = append(rec.Warnings, errors.New("several records in one gzip member: Offset is the member's, Length unknown"))
				}
			}
			return rec, nil
		}
		start := r.pos()
		b, err := r.br.Peek(5)
		if len(b) == 0 {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("warc: read at offset %d: %w", start, err)
		}
		switch {
		case isGzipMagic(b):
			if r.gz == nil {
				r.gz, err = gzip.NewReader(r.br)
			} else {
				err = r.gz.Reset(r.br)
			}
			if err != nil {
				r.resync(start)
				return nil, fmt.Errorf("warc: gzip member at offset %d: %w", start, err)
			}
			r.gz.Multistream(false)
			if r.gzbr == nil {
				r.gzbr = bufio.NewReaderSize(r.gz, 256<<10)
			} else {
				r.gzbr.Reset(r.gz)
			}
			r.inMember, r.memberOff, r.memberRecords = true, start, 0
		case bytes.HasPrefix(b, []byte("WARC/")):
			rec, err := r.unmarshal(r.br, start)
			if err != nil {
				if r.pos() == start {
					r.br.Discard(1) // make progress for a caller that goes on
				}
				return nil, err
			}
			rec.Length = r.pos() - start
			if rec.headerLen > 0 && rec.headerLen+rec.contentLength < rec.Length {
				rec.Length = rec.headerLen + rec.contentLength
			}
			return rec, nil
		case b[0] == '\r' || b[0] == '\n':
			r.br.Discard(1) // blank lines between records are common
		default:
			r.resync(start)
		}
	}
}

// spoolMember reads the rest of the current gzip member into a spool, so
// that gzip checks the member's CRC and size, and goes on reading the
// member's records from the spool.
func (r *Reader) spoolMember() error {
	sp := &spool{memMax: r.spoolMem}
	if _, err := io.Copy(sp, r.gzbr); err != nil {
		return errors.Join(err, sp.release())
	}
	rd, err := sp.reader()
	if err != nil {
		return errors.Join(err, sp.release())
	}
	r.spool = sp
	r.gzbr.Reset(rd)
	return nil
}

// spool holds bytes in memory up to memMax, the rest in a temporary file.
type spool struct {
	memMax int
	mem    bytes.Buffer
	file   *os.File
}

func (s *spool) Write(p []byte) (int, error) {
	done := 0
	if s.file == nil {
		n := max(0, min(len(p), s.memMax-s.mem.Len()))
		s.mem.Write(p[:n])
		done, p = n, p[n:]
		if len(p) == 0 {
			return done, nil
		}
		f, err := os.CreateTemp("", "newsarc-warc-member-*")
		if err != nil {
			return done, fmt.Errorf("spool gzip member: %w", err)
		}
		s.file = f
	}
	n, err := s.file.Write(p)
	if err != nil {
		err = fmt.Errorf("spool gzip member: %w", err)
	}
	return done + n, err
}

// reader returns the spooled bytes from the start.
func (s *spool) reader() (io.Reader, error) {
	if s.file == nil {
		return &s.mem, nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("spool gzip member: %w", err)
	}
	return io.MultiReader(&s.mem, s.file), nil
}

// release removes the temporary file, if any.
func (s *spool) release() error {
	s.mem = bytes.Buffer{}
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := errors.Join(s.file.Close(), os.Remove(name))
	s.file = nil
	if err != nil {
		return fmt.Errorf("spool gzip member: %w", err)
	}
	return nil
}

// skipBlank discards CR, LF and spaces and reports whether more bytes follow.
func skipBlank(br *bufio.Reader) (more bool, err error) {
	for {
		b, err := br.Peek(1)
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if b[0] != '\r' && b[0] != '\n' && b[0] != ' ' {
			return true, nil
		}
		br.Discard(1)
	}
}

// resync skips to the next "WARC/" or gzip magic after start, noting the
// skipped bytes as a warning for the next record.
func (r *Reader) resync(start int64) {
	r.br.Discard(1)
	for {
		b, err := r.br.Peek(5)
		if len(b) == 0 || isGzipMagic(b) || bytes.HasPrefix(b, []byte("WARC/")) || (err != nil && len(b) < 5) {
			break
		}
		r.br.Discard(1)
	}
	r.skipped = append(r.skipped, fmt.Errorf("skipped %d bytes at offset %d: no record there", r.pos()-start, start))
}

// isDigestValidation tells a gowarc validation finding about a block or
// payload digest: a mismatch, or a value it cannot decode.
func isDigestValidation(v error) bool {
	var de *gowarc.DigestError
	return errors.As(v, &de) || strings.HasPrefix(v.Error(), "block: ") || strings.HasPrefix(v.Error(), "payload: ")
}

// unmarshal reads one uncompressed record from br with gowarc.
func (r *Reader) unmarshal(br *bufio.Reader, off int64) (*Record, error) {
	raw, rawOK := peekHeader(br)
	wr, _, validation, err := r.um.Unmarshal(br)
	if err != nil {
		if wr != nil {
			wr.Close()
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("warc: record at offset %d: %w", off, err)
	}
	defer wr.Close()
	if !rawOK { // a header larger than the read buffer: use gowarc's copy
		raw = rawHeader{version: wr.Version().String()}
		for _, nv := range *wr.WarcHeader() {
			raw.fields = append(raw.fields, [2]string{nv.Name, nv.Value})
		}
	}
	rec := &Record{Offset: off, Warnings: r.skipped, Header: raw.fields, Version: raw.version, headerLen: raw.n}
	r.skipped = nil
	for _, v := range validation {
		var he *gowarc.HeaderFieldError
		switch {
		case isDigestValidation(v):
			continue // digests are checked below, or just after for a truncated block
		case errors.As(v, &he) && strings.HasSuffix(he.FieldName, "URI") && strings.HasPrefix(raw.get(he.FieldName), "<"):
			continue // "<uri>", as WARC/1.0 examples and wget write it
		}
		rec.Warnings = append(rec.Warnings, v)
	}
	rec.contentLength, _ = wr.ContentLength()
	block, err := wr.Block().RawBytes()
	if err == nil {
		if r.MaxBlockSize > 0 && rec.contentLength > r.MaxBlockSize {
			// Keep the start, enough for an HTTP head; gowarc has checked
			// the block digest over the whole block.
			rec.Block, err = io.ReadAll(io.LimitReader(block, maxHeadKept))
			rec.BlockTruncated = true
			rec.Warnings = append(rec.Warnings, fmt.Errorf("%w: %d bytes, %d kept", ErrBlockTooLarge, rec.contentLength, len(rec.Block)))
			for _, v := range validation {
				// gowarc checked the block digest over the whole block
				// (with WithSkipParseBlock a "payload" check is only
				// the block digest again, for resource records).
				if !isDigestValidation(v) || !strings.HasPrefix(v.Error(), "block: ") {
					continue
				}
				de := &DigestError{Field: gowarc.WarcBlockDigest, Expected: raw.get(gowarc.WarcBlockDigest)}
				var gde *gowarc.DigestError
				if errors.As(v, &gde) {
					de.Computed = gde.Algorithm + ":" + gde.Computed
				}
				rec.Warnings = append(rec.Warnings, de)
			}
		} else {
			rec.Block, err = io.ReadAll(block)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("warc: record at offset %d: read block: %w", off, err)
	}
	id := func(v string) string { return strings.Trim(strings.TrimSpace(v), "<>") }
	rec.Type = strings.ToLower(raw.get(gowarc.WarcType))
	rec.ID = id(raw.get(gowarc.WarcRecordID))
	for _, v := range raw.getAll(gowarc.WarcConcurrentTo) {
		rec.ConcurrentTo = append(rec.ConcurrentTo, id(v))
	}
	rec.TargetURI = id(raw.get(gowarc.WarcTargetURI))
	rec.ContentType = raw.get(gowarc.ContentType)
	rec.Profile = raw.get(gowarc.WarcProfile)
	rec.RefersTo = id(raw.get(gowarc.WarcRefersTo))
	rec.RefersToTargetURI = id(raw.get(gowarc.WarcRefersToTargetURI))
	rec.PayloadDigest = raw.get(gowarc.WarcPayloadDigest)
	rec.BlockDigest = raw.get(gowarc.WarcBlockDigest)
	rec.Date = rec.parseDate(gowarc.WarcDate, raw.get(gowarc.WarcDate))
	if raw.has(gowarc.WarcRefersToDate) {
		rec.RefersToDate = rec.parseDate(gowarc.WarcRefersToDate, raw.get(gowarc.WarcRefersToDate))
	}
	rec.checkDigests()
	return rec, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
