package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/newsarc/newsarc"

// TestImportDirection fails when a package reaches where it should not:
// crawler hands pages to a handler and imports neither extract nor store;
// extract is pure (no crawler, store, colly or network code of ours); store
// knows no HTML.
func TestImportDirection(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"crawler", []string{module + "/extract", module + "/store", module + "/internal/pipeline", module + "/internal/config"}},
		{"extract", []string{module + "/crawler", module + "/store", module + "/internal/pipeline", module + "/internal/config", "github.com/gocolly/colly/v2", "go.etcd.io/bbolt"}},
		{"store", []string{module + "/crawler", module + "/extract", module + "/internal/pipeline", "github.com/PuerkitoBio/goquery", "golang.org/x/net/html", "github.com/gocolly/colly/v2"}},
	}
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", module+"/"+r.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", r.pkg, err, out)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		for _, f := range r.forbidden {
			if deps[f] {
				t.Errorf("%s depends on %s", r.pkg, f)
			}
		}
	}
}
