package extract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/newsarc/newsarc/extract"
	"github.com/newsarc/newsarc/internal/htmlpage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// siteFile is a case folder's selectors.json: the selectors and drop
// lines of a site file.
type siteFile struct {
	extract.Selectors
	DropLines []string `json:"drop_lines"`
}

// caseInput is a page's optional <case>.input.json.
type caseInput struct {
	URL         string   `json:"url"`
	ContentType string   `json:"content_type"`
	Domains     []string `json:"domains"`
	FetchedAt   string   `json:"fetched_at"` // RFC 3339; "" = unknown
}

// goldenCase is one page of testdata/<folder>/<case>.html.
type goldenCase struct {
	folder, name string // name without ".html"
	dir          string
	in           extract.Input
	rules        *extract.Rules // nil for folders without selectors.json
}

func (c goldenCase) path(suffix string) string { return filepath.Join(c.dir, c.name+suffix) }

// loadCases reads every page under testdata with its input and rules.
func loadCases(t testing.TB) []goldenCase {
	t.Helper()
	var cases []goldenCase
	folders, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		if !f.IsDir() || f.Name() == "fuzz" {
			continue
		}
		dir := filepath.Join("testdata", f.Name())
		rules := loadRules(t, dir, f.Name())
		pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			name := strings.TrimSuffix(filepath.Base(p), ".html")
			c := goldenCase{folder: f.Name(), name: name, dir: dir, rules: rules}
			body, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var ci caseInput
			if b, err := os.ReadFile(c.path(".input.json")); err == nil {
				if err := json.Unmarshal(b, &ci); err != nil {
					t.Fatalf("%s: %v", c.path(".input.json"), err)
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if ci.URL == "" {
				ci.URL = "https://" + f.Name() + ".example/news/" + name
			}
			c.in = extract.Input{URL: ci.URL, ContentType: ci.ContentType, Body: body, Domains: ci.Domains}
			if ci.FetchedAt != "" {
				if c.in.FetchedAt, err = time.Parse(time.RFC3339, ci.FetchedAt); err != nil {
					t.Fatalf("%s: fetched_at: %v", c.path(".input.json"), err)
				}
			}
			cases = append(cases, c)
		}
	}
	return cases
}

func loadRules(t testing.TB, dir, site string) *extract.Rules {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "selectors.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var sf siteFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf); err != nil {
		t.Fatalf("%s/selectors.json: %v", dir, err)
	}
	r, err := extract.Compile(site, "site:"+site+"@testdata", sf.Selectors, sf.DropLines)
	if err != nil {
		t.Fatalf("%s/selectors.json: %v", dir, err)
	}
	return r
}

// encode is the golden form of a record: indented JSON, no HTML escaping.
func encode(t testing.TB, a *extract.Article) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden extracts every testdata page and compares the record with
// <case>.golden.json (with the folder's site rules when it has any) and,
// for site folders, with <case>.generic.golden.json (no rules). Run with
// -update to rewrite them, then review the diff.
func TestGolden(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 14 {
		t.Errorf("only %d golden pages; want at least 14", len(cases))
	}
	for _, c := range cases {
		runs := []struct {
			suffix string
			rules  *extract.Rules
		}{{".golden.json", c.rules}}
		if c.rules != nil {
			runs = append(runs, struct {
				suffix string
				rules  *extract.Rules
			}{".generic.golden.json", nil})
		}
		for _, run := range runs {
			t.Run(c.folder+"/"+c.name+strings.TrimSuffix(run.suffix, ".json"), func(t *testing.T) {
				got, err := extract.Extract(c.in, run.rules)
				if err != nil {
					t.Fatal(err)
				}
				golden := c.path(run.suffix)
				if *update {
					if err := os.WriteFile(golden, encode(t, got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				b, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				var want extract.Article
				if err := json.Unmarshal(b, &want); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
				}
				if !bytes.Equal(b, encode(t, got)) {
					t.Errorf("%s: encoding differs from the golden bytes", golden)
				}

				// The crawler's path: decode and parse once, hand the tree over.
				dec, err := htmlpage.Decode(c.in.Body, c.in.ContentType)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := html.Parse(bytes.NewReader(dec.Text))
				if err != nil {
					t.Fatal(err)
				}
				viaDoc, err := extract.ExtractDocument(doc, c.in, run.rules)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(got, viaDoc); diff != "" {
					t.Errorf("ExtractDocument differs from Extract (-Extract +ExtractDocument):\n%s", diff)
				}
			})
		}
	}
}
