package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// dataFile is where the evaluation set keeps its annotations, relative to
// the set's root.
const dataFile = "scripts/comparison/data.go"

// expectedCommit is the go-trafilatura commit whose comparison set the
// figures in the README were taken on.
const expectedCommit = "67c3f2a1ca17e9a7b9643239d88d5fe25a36b6ed"

// entry is one annotated page of the set: the fields of upstream's
// ComparisonEntry that the benchmark scores.
type entry struct {
	URL     string
	File    string
	Title   string
	Authors []string
	With    []string
	Without []string
}

// loadEntries reads the map literal comparisonData from the Go source src
// (upstream's data.go) without compiling it, and returns its entries
// sorted by URL.
func loadEntries(name string, src []byte) ([]entry, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var lit *ast.CompositeLit
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if id.Name == "comparisonData" && i < len(vs.Values) {
					lit, _ = vs.Values[i].(*ast.CompositeLit)
				}
			}
		}
	}
	if lit == nil {
		return nil, fmt.Errorf("%s: no composite literal comparisonData", name)
	}
	pos := func(n ast.Node) string { return fset.Position(n.Pos()).String() }
	var out []entry
	seen := map[string]bool{}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return nil, fmt.Errorf("%s: map element is not key: value", pos(el))
		}
		url, err := stringOf(kv.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: key: %v", pos(kv.Key), err)
		}
		if seen[url] {
			return nil, fmt.Errorf("%s: duplicate key %q", pos(kv.Key), url)
		}
		seen[url] = true
		val, ok := kv.Value.(*ast.CompositeLit)
		if !ok {
			return nil, fmt.Errorf("%s: value is not a composite literal", pos(kv.Value))
		}
		e := entry{URL: url}
		for _, fe := range val.Elts {
			fkv, ok := fe.(*ast.KeyValueExpr)
			if !ok {
				return nil, fmt.Errorf("%s: field is not name: value", pos(fe))
			}
			id, ok := fkv.Key.(*ast.Ident)
			if !ok {
				return nil, fmt.Errorf("%s: field name is not an identifier", pos(fkv.Key))
			}
			var err error
			switch id.Name {
			case "File":
				e.File, err = stringOf(fkv.Value)
			case "Title":
				e.Title, err = stringOf(fkv.Value)
			case "Authors":
				e.Authors, err = stringsOf(fkv.Value)
			case "With":
				e.With, err = stringsOf(fkv.Value)
			case "Without":
				e.Without, err = stringsOf(fkv.Value)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", pos(fkv.Value), id.Name, err)
			}
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: comparisonData is empty", name)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// stringOf evaluates a constant string expression: a literal, a
// parenthesised one, or a concatenation of them.
func stringOf(x ast.Expr) (string, error) {
	switch x := x.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", fmt.Errorf("not a string literal")
		}
		return strconv.Unquote(x.Value)
	case *ast.ParenExpr:
		return stringOf(x.X)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", fmt.Errorf("operator %s in a string", x.Op)
		}
		a, err := stringOf(x.X)
		if err != nil {
			return "", err
		}
		b, err := stringOf(x.Y)
		return a + b, err
	}
	return "", fmt.Errorf("unsupported expression %T", x)
}

// stringsOf evaluates a []string{...} literal (or nil).
func stringsOf(x ast.Expr) ([]string, error) {
	if id, ok := x.(*ast.Ident); ok && id.Name == "nil" {
		return nil, nil
	}
	lit, ok := x.(*ast.CompositeLit)
	if !ok {
		return nil, fmt.Errorf("unsupported expression %T", x)
	}
	out := make([]string, 0, len(lit.Elts))
	for _, el := range lit.Elts {
		s, err := stringOf(el)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// pagePath finds an entry's file the way upstream's openDataFile does:
// test-files/comparison, then test-files/mock. "" when there is none.
func pagePath(set, file string) string {
	if file == "" {
		return ""
	}
	for _, dir := range []string{"comparison", "mock"} {
		p := filepath.Join(set, "test-files", dir, file)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// defaultSet is the set's directory when -set is not given: the first
// .eval/go-trafilatura (holding scripts/comparison/data.go) found walking
// up from the working directory, then from this source file's directory;
// else ../../.eval/go-trafilatura.
func defaultSet(sourceDir string) string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if sourceDir != "" {
		starts = append(starts, sourceDir)
	}
	for _, dir := range starts {
		for {
			cand := filepath.Join(dir, ".eval", "go-trafilatura")
			if _, err := os.Stat(filepath.Join(cand, dataFile)); err == nil {
				return cand
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return filepath.Join("..", "..", ".eval", "go-trafilatura")
}

// setCommit reads the commit of the set from a file COMMIT (or .commit)
// in its root, else from its .git directory. "" when neither says.
func setCommit(set string) string {
	for _, name := range []string{"COMMIT", ".commit"} {
		if b, err := os.ReadFile(filepath.Join(set, name)); err == nil {
			if c := strings.TrimSpace(string(b)); isHash(c) {
				return c
			}
		}
	}
	gitDir := filepath.Join(set, ".git")
	if b, err := os.ReadFile(gitDir); err == nil { // a worktree's .git file
		if s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: "); ok {
			if !filepath.IsAbs(s) {
				s = filepath.Join(set, s)
			}
			gitDir = s
		}
	}
	c, _ := gitHead(gitDir)
	return c
}

func gitHead(gitDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", err
	}
	head := strings.TrimSpace(string(b))
	if isHash(head) {
		return head, nil
	}
	ref, ok := strings.CutPrefix(head, "ref: ")
	if !ok {
		return "", errors.New("unreadable HEAD")
	}
	dirs := []string{gitDir}
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		dirs = append(dirs, c)
	}
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, ref)); err == nil {
			if c := strings.TrimSpace(string(b)); isHash(c) {
				return c, nil
			}
		}
		if b, err := os.ReadFile(filepath.Join(d, "packed-refs")); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if h, r, ok := strings.Cut(strings.TrimSpace(line), " "); ok && r == ref && isHash(h) {
					return h, nil
				}
			}
		}
	}
	return "", errors.New("ref not found")
}

func isHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
