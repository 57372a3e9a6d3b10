package main

import (
	"bytes"
	"fmt"
	nurl "net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/newsarc/newsarc/extract"
)

// page is one page of the set that all extractors get: its URL and the
// raw bytes of its file.
type page struct {
	entry
	path string
	url  *nurl.URL
	raw  []byte
}

// output is what an extractor returned for a page.
type output struct {
	text, title, authors string
	err                  error
	panicked             bool
}

type extractor struct {
	name string
	run  func(p *page) (output, error)
}

// extractors in the order they run; -only selects among them.
var extractors = []extractor{
	{"newsarc", runNewsarc},
	{"readability", runReadability},
	{"trafilatura", func(p *page) (output, error) { return runTrafilatura(p, false) }},
	{"trafilatura-fallback", func(p *page) (output, error) { return runTrafilatura(p, true) }},
}

// runNewsarc is what `newsarc extract FILE` does: the generic extractor on
// the raw bytes, charset sniffed from the page itself.
func runNewsarc(p *page) (output, error) {
	a, err := extract.Extract(extract.Input{URL: p.URL, Body: p.raw}, nil)
	if err != nil {
		return output{}, err
	}
	return output{text: a.Text, title: a.Headline, authors: strings.Join(a.Authors, "; ")}, nil
}

// runReadability parses the file with go-shiori/dom as upstream's
// comparison does, then runs go-readability on that document.
func runReadability(p *page) (output, error) {
	doc, err := dom.Parse(bytes.NewReader(p.raw))
	if err != nil {
		return output{}, fmt.Errorf("dom.Parse: %w", err)
	}
	parser := readability.NewParser()
	art, err := parser.ParseAndMutate(doc, p.url)
	if err != nil {
		return output{}, err
	}
	var o output
	o.title, o.authors = art.Title(), art.Byline()
	if art.Node != nil {
		var b strings.Builder
		if err := art.RenderText(&b); err != nil {
			return o, err
		}
		o.text = b.String()
	}
	return o, nil
}

// runTrafilatura parses the file with go-shiori/dom and runs
// go-trafilatura with the options of upstream's content.go.
func runTrafilatura(p *page, fallback bool) (output, error) {
	doc, err := dom.Parse(bytes.NewReader(p.raw))
	if err != nil {
		return output{}, fmt.Errorf("dom.Parse: %w", err)
	}
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		EnableFallback:  fallback,
		ExcludeComments: true,
		ExcludeTables:   false,
		Focus:           trafilatura.Balanced,
		OriginalURL:     p.url,
	})
	if err != nil {
		return output{}, err
	}
	if res == nil {
		return output{}, fmt.Errorf("no result")
	}
	return output{text: res.ContentText, title: res.Metadata.Title, authors: res.Metadata.Author}, nil
}

// safeRun runs an extractor on a page; a panic becomes an empty output
// marked as panicked, an error an empty output with the error.
func safeRun(x extractor, p *page) (o output) {
	defer func() {
		if r := recover(); r != nil {
			o = output{panicked: true, err: fmt.Errorf("panic: %v", r)}
		}
	}()
	o, err := x.run(p)
	if err != nil {
		return output{err: err}
	}
	return o
}
