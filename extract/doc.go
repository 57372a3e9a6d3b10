// Package extract turns one fetched news page into an Article record. It
// is a pure function of its input: bytes (or a parsed document) plus a
// site's compiled rules in, (*Article, error) out; no network, no globals,
// no logging. The crawler, the CLI and the tests run the same code.
//
// # Pages and charsets
//
// Whether a body is an HTML page, and how it is decoded, is decided by
// internal/htmlpage, which the crawler uses too. A body declared
// text/html or application/xhtml+xml is a page; one declared as anything
// else (text/plain, JSON, an image, a PDF) is not, and Extract returns
// ErrNotHTML; an undeclared (or application/octet-stream) body is a page
// when it is not binary and starts like an HTML document or has an
// <html>, <head>, <body>, <p> or <div> tag early. It is decoded to UTF-8
// by the first of: a byte-order mark; the Content-Type's charset; a <meta
// charset> or <meta http-equiv> anywhere in the head (up to 64 KiB); UTF-8
// when the bytes are valid UTF-8; chardet's guess when it is confident
// (windows-1256 and iso-8859-6 Arabic, windows-1252...); windows-1252. A
// declared charset that the bytes contradict (declared iso-8859-1 or
// windows-1256, bytes valid UTF-8 with multi-byte sequences) gives way to
// UTF-8. Explain's first step, "charset", names the rule and the encoding.
//
// # Two extractors
//
// A site with selectors (Compile, at config load time) is read with them;
// its records say extractor "site:NAME@HASH". A page of a site without
// selectors, or of no configured site (Rules nil), goes through the
// generic extractor, "generic@" + GenericVersion. So does a page on which
// the site's body selector matches nothing: its record says generic@…
// while site still names the site, and the caller counts the miss. A site
// with drop_lines but no selectors is generic too, with its drop lines.
//
// The generic extractor reads structured data first: JSON-LD NewsArticle,
// Article, ReportageNewsArticle and the other article types (at the top,
// in arrays, in @graph, as mainEntity), then OpenGraph and <time
// datetime>. On the page it takes the h1 matching that title (else an
// element whose class says title), a kicker near it, a byline near it, a
// date written in words near it when no machine date exists, and the body
// chosen by content scoring once boilerplate (nav, aside, footer, forms,
// share, related, comments, ads, cookie banners, tickers, hidden elements)
// is set aside.
//
// # Selector rules
//
// Selectors are CSS (cascadia, as goquery uses). "sel@attr" takes the
// attribute instead of the text; the attribute applies to every selector of
// a comma list, and is allowed on label, headline, source, published,
// modified, image and caption only.
//
//   - remove is applied to the whole page first. Metadata (<link
//     rel=canonical>, JSON-LD, <meta>, <html lang>) is read before that.
//   - label, headline, source, published and modified are looked up in
//     the whole page: the first match with a non-empty value (for
//     published and modified: the first that parses as a date, in markup
//     form or written in words, and passes the date checks below; without
//     @attr, a match's datetime or content attribute is tried before its
//     text). A field whose selector is empty falls back to the generic
//     rule for that field. A label is trimmed of decoration (":", "|",
//     "-").
//   - body is the first match. Inside it, in document order: a
//     section_heading match (default "h2, h3, h4") starts a new section; a
//     paragraph match (default "p") is one paragraph, unless it contains
//     further paragraph matches, which are then taken one by one; an image
//     match (default "img@src"; for src, the lazy-loading data-src,
//     data-lazy-src and data-original win when present) is an image whose
//     caption is the caption match (default "figcaption") of its figure,
//     of a small wrapper around it alone, or right after it, else its alt
//     text. Everything inside a <figure> is image or caption, never text.
//     When paragraph is left to its default, text standing loose in the
//     body (div soup split by <br>) counts as paragraphs too. The elements
//     taken for label, headline, source and published are never
//     paragraphs. An empty body selector means the body is chosen by the
//     generic content scoring.
//
// # Text rules
//
// Every string is NFC with white space (NBSP, tabs, newlines included)
// collapsed and trimmed; letters are never changed (Arabic diacritics,
// tatweel and hamza forms stay). A paragraph without any letter or digit
// ("", "___", "* * *") is dropped; a heading or paragraph equal to its
// predecessor is kept once; drop_lines (exact, after normalisation) and a
// few share-button toasts ("تم نسخ الرابط", "Link copied") are removed; a
// paragraph equal to an image caption is dropped, so captions never stand
// as lines of sections or text. text is the section headings (when not
// empty) and the paragraphs joined by blank lines.
//
// url is the page's <link rel=canonical> when its host is allowed
// (Input.Domains, subdomains included, or else the page's own host), else
// the page URL; both normalised with internal/urlnorm.
//
// # Date rules
//
// published_at and modified_at are RFC 3339 in UTC (a time without zone is
// read as UTC; a date alone is midnight UTC) or "" when the page states
// none. published_at: JSON-LD datePublished, the publication metas
// (article:published_time, ...), the first <time datetime> or
// itemprop=datePublished near the headline (its <article> or <main>, else
// its third ancestor), then on the page; modified_at: JSON-LD
// dateModified, article:modified_time, og:updated_time, <meta
// name=last-modified|dc.date.modified|dcterms.modified>,
// itemprop=dateModified, a <time datetime> marked as the update (class or
// itemprop says updated/modified, or "Updated" before it). When none
// exists, a short line near the headline that gives a date in words is
// read (datetext.go): an ISO date or one with a month name (English;
// Arabic in its Egyptian/Gulf, Maghrebi and Levantine names, with
// Arabic-Indic digits, ص/م and صباحًا/مساءً), never 03/04/2024, whose
// day and month depend on the country; a line after "Updated", "آخر
// تحديث", "تاريخ التحديث" or "محدث" is the update, any other the
// publication. A date more than a day after Input.FetchedAt (when known),
// and a modified_at before published_at, is passed over for the next
// source. Boilerplate is never read.
//
// # Language rule
//
// language is the BCP 47 tag of <html lang>, else Content-Language, <meta
// name=language>, JSON-LD inLanguage or og:locale. When none names one, it
// is detected (whatlanggo) on the headline and the first 2,000 characters
// of the text, given at least 40 letters and a guess whatlanggo calls
// reliable; else "". direction is the dir attribute, else that of the
// language's script, else that of the text.
//
// # Hash rule
//
// content_hash is Article.Hash: "sha256:" + hex over a version line and
// netstrings of label, headline, source, published_at and the sections
// (heading, number of paragraphs, paragraphs), as extracted. url, the
// fetch fields, images, text and extractor are not part of it: the same
// article with other ads or another photo URL hashes the same; any change
// of wording, punctuation or structure of those fields does not.
package extract
