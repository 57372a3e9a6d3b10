//go:build ignore

// gen_cp1256 writes the demo's legacy-encoded pages: every UTF-8 file
// testdata/cp1256/PATH.html becomes site/PATH.cp1256.html, encoded in
// windows-1256. Run it with `go generate ./internal/demo/` after editing a
// source page, and commit both files. A character windows-1256 cannot encode
// is an error, never a silent "?".
package main

import (
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

const (
	srcDir = "testdata/cp1256"
	dstDir = "site"
)

func main() {
	err := filepath.WalkDir(srcDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out, err := charmap.Windows1256.NewEncoder().Bytes(src)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, err := filepath.Rel(srcDir, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dstDir, strings.TrimSuffix(rel, ".html")+".cp1256.html")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", dst)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}
