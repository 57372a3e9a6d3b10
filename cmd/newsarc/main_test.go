package main_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the newsarc binary built once for the tests that drive it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "newsarc-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "newsarc")
	args := []string{"build", "-o", binary}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build newsarc: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs newsarc with args in dir (a fresh temp dir when ""), with no
// config of the working tree in the way.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	touchOnce.Do(touchSources)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	if dir == "" {
		dir = t.TempDir()
	}
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run newsarc %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustRun is run that fails the test unless newsarc exits 0.
func mustRun(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := run(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("newsarc %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var touchOnce sync.Once

// touchSources stats every Go source and module file of the module, so
// that go test's cache, which tracks the files a test reads once the tests
// run (not in TestMain), reruns these tests when the code of the binary
// they build changes.
func touchSources() {
	_ = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "../.." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if name := d.Name(); strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" ||
			strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".html") {
			_, _ = os.Stat(path)
		}
		return nil
	})
}
