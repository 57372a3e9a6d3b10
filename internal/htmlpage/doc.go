// Package htmlpage is the one place that decides what a fetched response
// is and how its bytes are read: whether it is an HTML page (IsHTML), and
// which encoding turns it into UTF-8 (Decode). The crawler, extract (and
// through it newsarc extract, WARC import and reextract) all call it, so a
// response is an HTML page, decoded the same way, whichever path reads it.
//
// # What is an HTML page
//
// The media type of the Content-Type decides when there is one:
// text/html and application/xhtml+xml are HTML; any other declared type
// (text/plain, application/json, image/*, application/pdf...) is not. A
// response that declares nothing, application/octet-stream or an unknown
// type (application/unknown, unknown/unknown, */*) is sniffed: it is HTML when its first 512 bytes do not
// look binary (a magic number, control bytes) and it starts like an HTML
// document (after a BOM, white space, comments, an <?xml?> declaration: a
// <!DOCTYPE html> or the tag of an HTML element) or has an <html>, <head>,
// <body>, <p> or <div> tag in its first 1,024 bytes. A UTF-16 body with its
// BOM is sniffed as the text it encodes.
//
// # How it is decoded
//
// Decode takes the first rule that applies and reports it (Decoded.Rule,
// shown by newsarc extract --explain):
//
//  1. a byte-order mark: UTF-8, UTF-16LE or UTF-16BE ("bom");
//  2. the charset parameter of the Content-Type ("http charset");
//  3. a <meta charset> or <meta http-equiv=Content-Type content="...;
//     charset=..."> anywhere in the head: up to </head>, <body> or 64 KiB
//     ("meta charset (byte N)", "meta http-equiv (byte N)");
//  4. bytes that are valid UTF-8 ("valid utf-8");
//  5. the statistical detector github.com/saintfish/chardet, when the body
//     has at least 16 non-ASCII bytes and the detector's confidence is at
//     least 30 (25 for UTF-8 with stray invalid bytes) for an encoding
//     browsers know ("detector: windows-1256 (confidence 80)"); it tells
//     windows-1256 and iso-8859-6 Arabic from windows-1252;
//  6. windows-1252, as browsers do ("default windows-1252").
//
// Labels are resolved as browsers resolve them (x/text's htmlindex, the
// WHATWG Encoding Standard): "iso-8859-1", "latin1" and "us-ascii" all mean
// windows-1252. An unknown label, and the "replacement" encoding, are
// ignored; so is UTF-16 named in a <meta>, as browsers do, and UTF-16 named
// in the header of a body without a single NUL byte. x-user-defined in a
// <meta> means windows-1252, as it does for browsers.
//
// A declaration (2 or 3) that the bytes contradict loses: a body declared
// in any encoding other than UTF-8 whose bytes are valid UTF-8 and contain
// multi-byte sequences is UTF-8 ("declared iso-8859-1 in http charset,
// bytes are UTF-8"). Valid UTF-8 allows a sequence cut at the very end, as
// a body cut at a size limit has, after at least one whole multi-byte
// sequence. Bytes invalid in the chosen encoding become U+FFFD.
package htmlpage
