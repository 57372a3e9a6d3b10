// Command extract is an extraction-quality benchmark: it runs newsarc's
// generic extractor, go-readability and go-trafilatura over the
// comparison set of go-trafilatura and scores them the way upstream's
// scripts/comparison does. See README.md.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	nurl "net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// pageResult is one page scored for one extractor; it is also a line of
// the -dump file.
type pageResult struct {
	URL       string `json:"url"`
	File      string `json:"file"`
	Extractor string `json:"extractor"`
	counts
	Missing     []string `json:"missing_with"`
	Unwanted    []string `json:"present_without"`
	TitleGot    string   `json:"title_got"`
	TitleWant   string   `json:"title_want,omitempty"`
	TitleOK     *bool    `json:"title_ok,omitempty"`
	TitleFold   *bool    `json:"title_fold_ok,omitempty"`
	TitleLoose  *bool    `json:"title_loose_ok,omitempty"`
	AuthorsGot  string   `json:"authors_got"`
	AuthorsWant string   `json:"authors_want,omitempty"`
	AuthorsOK   *bool    `json:"authors_ok,omitempty"`
	Mojibake    bool     `json:"mojibake"`
	TextLen     int      `json:"text_len"`
	Error       string   `json:"error,omitempty"`
	Panic       bool     `json:"panic,omitempty"`
	Ms          float64  `json:"ms"`
	Text        string   `json:"text,omitempty"`
}

// summary is one row of the table.
type summary struct {
	Extractor string `json:"extractor"`
	Pages     int    `json:"pages"`
	counts
	Precision     float64 `json:"precision"`
	Recall        float64 `json:"recall"`
	Accuracy      float64 `json:"accuracy"`
	F             float64 `json:"f"`
	TitleN        int     `json:"title_n"`
	TitleExact    int     `json:"title_exact"`
	TitleAcc      float64 `json:"title_acc"`
	TitleFold     int     `json:"title_fold"`
	TitleFoldAcc  float64 `json:"title_fold_acc"`
	TitleLoose    int     `json:"title_loose"`
	TitleLooseAcc float64 `json:"title_loose_acc"`
	AuthorN       int     `json:"author_n"`
	AuthorOK      int     `json:"author_ok"`
	AuthorAcc     float64 `json:"author_acc"`
	Mojibake      int     `json:"mojibake_pages"`
	Empty         int     `json:"empty_pages"`
	Errors        int     `json:"errors"`
	Panics        int     `json:"panics"`
	Seconds       float64 `json:"seconds"`
	MsPerPage     float64 `json:"ms_per_page"`
}

type report struct {
	Set         string            `json:"set"`
	Commit      string            `json:"commit"`
	DataSHA256  string            `json:"data_sha256"`
	Entries     int               `json:"entries"`
	Selected    int               `json:"selected"`
	NoFile      int               `json:"entries_without_file"`
	MissingFile int               `json:"entries_file_missing"`
	BadURL      int               `json:"entries_bad_url"`
	Pages       int               `json:"pages"`
	Workers     int               `json:"workers"`
	Go          string            `json:"go"`
	Modules     map[string]string `json:"modules"`
	Results     []summary         `json:"results"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	_, self, _, _ := runtime.Caller(0)
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		set      = fs.String("set", "", "the evaluation set (a go-trafilatura checkout); default: .eval/go-trafilatura found walking up from the working directory, then from this module's directory")
		only     = fs.String("only", "", "comma-separated extractors to run (default all): "+names())
		workers  = fs.Int("j", 1, "pages extracted in parallel (1 = serial)")
		maxPages = fs.Int("pages", 0, "only the first N entries in sorted URL order (0 = all)")
		dump     = fs.String("dump", "", "write one JSON line per page per extractor to this file")
		dumpText = fs.Bool("dump-text", false, "with -dump, include the extracted text")
		asJSON   = fs.Bool("json", false, "print the summary as JSON instead of a table")
		commit   = fs.String("commit", "", "the set's commit, when the set has no .git or COMMIT file to read it from")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *workers < 1 {
		return fmt.Errorf("-j must be at least 1")
	}
	selected, err := selectExtractors(*only)
	if err != nil {
		return err
	}
	if *set == "" {
		*set = defaultSet(filepath.Dir(self))
	}

	src, err := os.ReadFile(filepath.Join(*set, dataFile))
	if err != nil {
		return fmt.Errorf("evaluation set: %w (restore it, see README.md, or pass -set)", err)
	}
	entries, err := loadEntries(dataFile, src)
	if err != nil {
		return err
	}
	rep := report{
		Set:        *set,
		Commit:     setCommit(*set),
		DataSHA256: sha256Hex(src),
		Entries:    len(entries),
		Workers:    *workers,
		Go:         runtime.Version(),
		Modules:    moduleVersions(),
	}
	if rep.Commit == "" {
		rep.Commit = *commit
	} else if *commit != "" && *commit != rep.Commit {
		fmt.Fprintf(stderr, "warning: -commit %s, but the set says %s\n", *commit, rep.Commit)
	}
	if rep.Commit != "" && rep.Commit != expectedCommit {
		fmt.Fprintf(stderr, "warning: set commit %s is not %s, the one the README's figures are for\n", rep.Commit, expectedCommit)
	}
	if *maxPages > 0 && *maxPages < len(entries) {
		entries = entries[:*maxPages]
	}
	rep.Selected = len(entries)

	var pages []*page
	for _, e := range entries {
		if e.File == "" {
			rep.NoFile++
			continue
		}
		path := pagePath(*set, e.File)
		if path == "" {
			rep.MissingFile++
			continue
		}
		u, err := nurl.ParseRequestURI(e.URL)
		if err != nil {
			rep.BadURL++
			continue
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pages = append(pages, &page{entry: e, path: path, url: u, raw: raw})
	}
	rep.Pages = len(pages)
	if len(pages) == 0 {
		return fmt.Errorf("no page of the set found under %s", *set)
	}

	all := make([][]pageResult, len(selected))
	for i, x := range selected {
		fmt.Fprintf(stderr, "running %s on %d pages (-j %d)...\n", x.name, len(pages), *workers)
		runtime.GC()
		start := time.Now()
		all[i] = runExtractor(x, pages, *workers, *dumpText)
		s := summarize(x.name, all[i], time.Since(start))
		fmt.Fprintf(stderr, "  %.1fs\n", s.Seconds)
		rep.Results = append(rep.Results, s)
	}

	if *dump != "" {
		if err := writeDump(*dump, pages, all); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep)
	return nil
}

func names() string {
	var n []string
	for _, x := range extractors {
		n = append(n, x.name)
	}
	return strings.Join(n, ",")
}

func selectExtractors(only string) ([]extractor, error) {
	if strings.TrimSpace(only) == "" {
		return extractors, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		found := false
		for _, x := range extractors {
			if x.name == n {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("-only: unknown extractor %q (known: %s)", n, names())
		}
		want[n] = true
	}
	var out []extractor
	for _, x := range extractors {
		if want[x.name] {
			out = append(out, x)
		}
	}
	return out, nil
}

// runExtractor extracts every page with x on n workers and scores it; the
// results are in page order whatever n.
func runExtractor(x extractor, pages []*page, n int, keepText bool) []pageResult {
	out := make([]pageResult, len(pages))
	work := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				t := time.Now()
				o := safeRun(x, pages[i])
				out[i] = score(x.name, pages[i], o, time.Since(t), keepText)
			}
		}()
	}
	for i := range pages {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

func score(name string, p *page, o output, took time.Duration, keepText bool) pageResult {
	r := pageResult{
		URL:       p.URL,
		File:      p.File,
		Extractor: name,
		TitleGot:  o.title,
		TextLen:   len(o.text),
		Panic:     o.panicked,
		Ms:        float64(took.Microseconds()) / 1000,
	}
	if o.err != nil {
		r.Error = o.err.Error()
	}
	r.counts, r.Missing, r.Unwanted = scoreContent(p.entry, o.text)
	if r.Missing == nil {
		r.Missing = []string{}
	}
	if r.Unwanted == nil {
		r.Unwanted = []string{}
	}
	if p.Title != "" {
		r.TitleWant = p.Title
		exact, fold, loose := titleExact(o.title, p.Title), titleFold(o.title, p.Title), titleLoose(o.title, p.Title)
		r.TitleOK, r.TitleFold, r.TitleLoose = &exact, &fold, &loose
	}
	r.AuthorsGot = o.authors
	if len(p.Authors) > 0 {
		r.AuthorsWant = strings.Join(p.Authors, "; ")
		ok := r.AuthorsWant == o.authors
		r.AuthorsOK = &ok
	}
	r.Mojibake = hasMojibake(o.text) || hasMojibake(o.title)
	if keepText {
		r.Text = o.text
	}
	return r
}

func summarize(name string, rs []pageResult, took time.Duration) summary {
	s := summary{Extractor: name, Pages: len(rs), Seconds: took.Seconds()}
	for _, r := range rs {
		s.counts.add(r.counts)
		if r.TitleOK != nil {
			s.TitleN++
			if *r.TitleOK {
				s.TitleExact++
			}
			if *r.TitleFold {
				s.TitleFold++
			}
			if *r.TitleLoose {
				s.TitleLoose++
			}
		}
		if r.AuthorsOK != nil {
			s.AuthorN++
			if *r.AuthorsOK {
				s.AuthorOK++
			}
		}
		if r.Mojibake {
			s.Mojibake++
		}
		if r.TextLen == 0 {
			s.Empty++
		}
		if r.Error != "" && !r.Panic {
			s.Errors++
		}
		if r.Panic {
			s.Panics++
		}
	}
	s.Precision, s.Recall = s.precision(), s.recall()
	s.Accuracy, s.F = s.accuracy(), s.fscore()
	s.TitleAcc = ratio(float64(s.TitleExact), float64(s.TitleN))
	s.TitleFoldAcc = ratio(float64(s.TitleFold), float64(s.TitleN))
	s.TitleLooseAcc = ratio(float64(s.TitleLoose), float64(s.TitleN))
	s.AuthorAcc = ratio(float64(s.AuthorOK), float64(s.AuthorN))
	s.MsPerPage = ratio(s.Seconds*1000, float64(s.Pages))
	return s
}

// writeDump writes the results page by page (sorted URL order), the
// extractors in their run order within a page.
func writeDump(path string, pages []*page, all [][]pageResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range pages {
		for _, rs := range all {
			if err := enc.Encode(rs[i]); err != nil {
				f.Close()
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func printReport(w io.Writer, rep report) {
	commit := rep.Commit
	if commit == "" {
		commit = "unknown (no .git or COMMIT in the set; pass -commit)"
	}
	fmt.Fprintf(w, "set:      %s\n", rep.Set)
	fmt.Fprintf(w, "commit:   %s\n", commit)
	fmt.Fprintf(w, "data.go:  sha256 %s\n", rep.DataSHA256)
	fmt.Fprintf(w, "entries:  %d", rep.Entries)
	if rep.Selected != rep.Entries {
		fmt.Fprintf(w, " (first %d taken)", rep.Selected)
	}
	fmt.Fprintf(w, "; without file %d, file missing %d, bad URL %d; pages scored %d\n",
		rep.NoFile, rep.MissingFile, rep.BadURL, rep.Pages)
	fmt.Fprintf(w, "workers:  %d; %s", rep.Workers, rep.Go)
	for _, m := range []string{"codeberg.org/readeck/go-readability/v2", "github.com/markusmobius/go-trafilatura", "github.com/go-shiori/dom"} {
		if v := rep.Modules[m]; v != "" {
			fmt.Fprintf(w, "; %s %s", m, v)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("extractor")
	for _, s := range rep.Results {
		width = max(width, len(s.Extractor))
	}
	fmt.Fprintf(tw, "%-*s\t", width, "extractor")
	fmt.Fprintln(tw, "pages\tprecision\trecall\taccuracy\tF\ttitle acc (n)\ttitle fold\ttitle loose\tauthor acc (n)\tmojibake\tempty\terrors\tpanics\tseconds\tms/page\t")
	for _, s := range rep.Results {
		fmt.Fprintf(tw, "%-*s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f (%d)\t%.3f\t%.3f\t%.3f (%d)\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t\n",
			width, s.Extractor, s.Pages, s.Precision, s.Recall, s.Accuracy, s.F,
			s.TitleAcc, s.TitleN, s.TitleFoldAcc, s.TitleLooseAcc, s.AuthorAcc, s.AuthorN,
			s.Mojibake, s.Empty, s.Errors, s.Panics, s.Seconds, s.MsPerPage)
	}
	tw.Flush()
}

// moduleVersions are the versions of the modules built in.
func moduleVersions() map[string]string {
	m := map[string]string{}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return m
	}
	for _, d := range bi.Deps {
		v := d.Version
		if d.Replace != nil {
			v += " => " + d.Replace.Path + " " + d.Replace.Version
		}
		m[d.Path] = v
	}
	return m
}
