package pipeline

import (
	"slices"
	"strings"
	"sync"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/metrics"
)

// FieldHealth is how often one selector of a site took something over the
// article pages of a run.
type FieldHealth struct {
	Site, Field string
	Hits, Pages int64
}

// Rate is Hits/Pages; 1 when there were no pages.
func (h FieldHealth) Rate() float64 {
	if h.Pages == 0 {
		return 1
	}
	return float64(h.Hits) / float64(h.Pages)
}

// Expected reports whether the field should be on nearly every article
// page, so that a low hit rate means a broken selector: not so for a
// breaking-news label, an update time, images, a lead image or captions.
func (h FieldHealth) Expected() bool {
	switch h.Field {
	case "label", "modified", "image", "caption", "lead_image", "lead_caption":
		return false
	}
	return true
}

// Unhealthy returns the expected fields of hs measured on at least
// minPages pages whose hit rate is below threshold: selectors that have
// most likely stopped matching (the site was redesigned).
func Unhealthy(hs []FieldHealth, minPages int64, threshold float64) []FieldHealth {
	var out []FieldHealth
	for _, h := range hs {
		if h.Expected() && h.Pages >= minPages && h.Rate() < threshold {
			out = append(out, h)
		}
	}
	return out
}

// selectorHealth counts, per site and field, the pages on which a
// configured selector took something.
type selectorHealth struct {
	mu      sync.Mutex
	counts  map[[2]string]*FieldHealth
	metrics *metrics.Registry
}

// measured are the fields whose result shows in the record; section
// headings and paragraphs are parts of the body.
var measured = map[string]func(*extract.Article) bool{
	"label":     func(a *extract.Article) bool { return a.Label != "" },
	"headline":  func(a *extract.Article) bool { return a.Headline != "" },
	"source":    func(a *extract.Article) bool { return a.Source != "" },
	"authors":   func(a *extract.Article) bool { return len(a.Authors) > 0 },
	"published": func(a *extract.Article) bool { return a.PublishedAt != "" },
	"modified":  func(a *extract.Article) bool { return a.ModifiedAt != "" },
	"image":     func(a *extract.Article) bool { return len(a.Images) > 0 },
	"caption": func(a *extract.Article) bool {
		return slices.ContainsFunc(a.Images, func(i extract.Image) bool { return i.Caption != "" })
	},
	// The lead picture is images[0]; the health of the selectors is
	// whether there is one, and whether it has a caption.
	"lead_image":   func(a *extract.Article) bool { return len(a.Images) > 0 },
	"lead_caption": func(a *extract.Article) bool { return len(a.Images) > 0 && a.Images[0].Caption != "" },
}

// observe counts one article page of site extracted with rules. When the
// body selector missed, the generic extractor produced every field, so only
// the body's miss is counted.
func (s *selectorHealth) observe(site string, rules *extract.Rules, art *extract.Article) {
	fields := rules.Fields()
	if len(fields) == 0 {
		return
	}
	fallback := strings.HasPrefix(art.Extractor, "generic@")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[[2]string]*FieldHealth{}
	}
	count := func(field string, hit bool) {
		k := [2]string{site, field}
		h := s.counts[k]
		if h == nil {
			h = &FieldHealth{Site: site, Field: field}
			s.counts[k] = h
		}
		h.Pages++
		if hit {
			h.Hits++
		}
		s.metrics.Selector(site, field, hit)
	}
	for _, f := range fields {
		switch {
		case f == "body":
			count(f, !fallback)
		case fallback:
		case measured[f] != nil:
			count(f, measured[f](art))
		}
	}
}

// snapshot returns the counts, sorted by site and field.
func (s *selectorHealth) snapshot() []FieldHealth {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FieldHealth, 0, len(s.counts))
	for _, h := range s.counts {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b FieldHealth) int {
		if c := strings.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		return strings.Compare(a.Field, b.Field)
	})
	return out
}
