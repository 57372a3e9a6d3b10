package warc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IndexEntry is one line of a CDXJ index: a response or revisit record.
type IndexEntry struct {
	URL      string    // WARC-Target-URI
	Date     time.Time // WARC-Date
	Mime     string    // media type of the response ("warc/revisit" for revisits); omitted when empty
	Status   int       // HTTP status; omitted when 0
	Digest   string    // payload digest, "sha1:..." (written without the algorithm, as pywb and warcio do); omitted when empty
	Length   int64     // length of the record (gzip member) in the WARC file
	Offset   int64     // offset of the record (gzip member) in the WARC file
	Filename string    // WARC file name, no directory
}

// CDXJLine returns e as one CDXJ line without the trailing newline, in the
// form pywb and warcio write:
//
//	<surt> <yyyyMMddHHmmss> {"url":...,"mime":...,"status":"200","digest":"...","length":"N","offset":"N","filename":"..."}
//
// The JSON is compact (as warcio.js writes it; pywb's Python indexer puts a
// space after ':' and ','; both read either). status, length and offset are
// strings. digest has no "sha1:" prefix, as both write it. If the URL has no
// SURT form (no host), the key is the URL itself.
func CDXJLine(e IndexEntry) string {
	key, err := SURT(e.URL)
	if err != nil || key == "" {
		key = e.URL
	}
	var b bytes.Buffer
	b.WriteString(key)
	b.WriteByte(' ')
	b.WriteString(e.Date.UTC().Format("20060102150405"))
	b.WriteString(` {"url":`)
	b.Write(jsonString(e.URL))
	if e.Mime != "" {
		b.WriteString(`,"mime":`)
		b.Write(jsonString(e.Mime))
	}
	if e.Status != 0 {
		b.WriteString(`,"status":"` + strconv.Itoa(e.Status) + `"`)
	}
	if e.Digest != "" {
		d := e.Digest
		if _, v, ok := strings.Cut(d, ":"); ok {
			d = v
		}
		b.WriteString(`,"digest":`)
		b.Write(jsonString(d))
	}
	b.WriteString(`,"length":"` + strconv.FormatInt(e.Length, 10) + `"`)
	b.WriteString(`,"offset":"` + strconv.FormatInt(e.Offset, 10) + `"`)
	if e.Filename != "" {
		b.WriteString(`,"filename":`)
		b.Write(jsonString(e.Filename))
	}
	b.WriteByte('}')
	return b.String()
}

// jsonString encodes s as a JSON string without HTML escaping (pywb and
// warcio leave <, > and & as they are).
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimRight(b.Bytes(), "\n")
}

// WriteCDXJ writes entries as a sorted CDXJ index: lines in byte order,
// which is SURT key, then timestamp, then the rest. Entries with an empty
// Filename get filename.
func WriteCDXJ(w io.Writer, entries []IndexEntry, filename string) error {
	lines := make([]string, len(entries))
	for i, e := range entries {
		if e.Filename == "" {
			e.Filename = filename
		}
		lines[i] = CDXJLine(e)
	}
	slices.Sort(lines)
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write cdxj: %w", err)
	}
	return nil
}
