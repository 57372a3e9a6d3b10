package config_test

import (
	"strings"
	"testing"

	"github.com/newsarc/newsarc/internal/config"
)

// TestRunConfig: the keys of `newsarc run`, and the rule that an API
// reachable beyond this machine needs a token.
func TestRunConfig(t *testing.T) {
	c, err := config.Parse("newsarc.yaml", []byte("max_concurrent_sites: 4\nlisten: \"[::1]:9000\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxConcurrentSites != 4 || c.Listen != "[::1]:9000" || c.APIToken != "" {
		t.Errorf("config %+v", c)
	}
	if d, _ := config.Parse("newsarc.yaml", nil); d.MaxConcurrentSites != 2 || d.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults %+v", d)
	}
	if c, err := config.Parse("newsarc.yaml", []byte("listen: \"off\"\n")); err != nil || c.Listen != config.ListenOff {
		t.Errorf("listen: off: %v", err)
	}
	if _, err := config.Parse("newsarc.yaml", []byte("listen: 0.0.0.0:8080\napi_token: s3cret\n")); err != nil {
		t.Errorf("public listen with a token: %v", err)
	}
	for _, bad := range []struct{ yaml, want string }{
		{"listen: 0.0.0.0:8080\n", "newsarc.yaml:1: listen: \"0.0.0.0:8080\" is reachable beyond this machine"},
		{"db: x\nlisten: \":8080\"\n", "newsarc.yaml:2: listen"},
		{"listen: localhost\n", "newsarc.yaml:1: listen: \"localhost\" is not host:port"},
		{"max_concurrent_sites: -1\n", "newsarc.yaml:1: max_concurrent_sites"},
	} {
		_, err := config.Parse("newsarc.yaml", []byte(bad.yaml))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Parse(%q) = %v, want %q", bad.yaml, err, bad.want)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "127.5.0.1:1": true, "[::1]:1": true, "localhost:1": true,
		"0.0.0.0:1": false, ":1": false, "[::]:1": false, "10.0.0.1:1": false, "example.org:1": false} {
		if got := config.LoopbackListen(addr); got != want {
			t.Errorf("LoopbackListen(%q) = %v", addr, got)
		}
	}
}

// TestScheduleSpecs: site files accept the specs the scheduler runs (five
// fields, six with seconds, descriptors) and refuse the rest with file,
// line and field.
func TestScheduleSpecs(t *testing.T) {
	base := "name: x\ndomains: [news.example]\nstart_urls: [\"https://news.example/\"]\n"
	for _, ok := range []string{"*/30 * * * *", "*/5 * * * * *", "@every 90s", "@hourly"} {
		if _, err := config.ParseSite("x.yaml", []byte(base+"schedule: \""+ok+"\"\n")); err != nil {
			t.Errorf("schedule %q: %v", ok, err)
		}
	}
	for _, bad := range []string{"61 * * * *", "0 0 30 2 *", "@every", "* * *"} {
		_, err := config.ParseSite("x.yaml", []byte(base+"schedule: \""+bad+"\"\n"))
		if err == nil || !strings.Contains(err.Error(), "x.yaml:4: schedule") {
			t.Errorf("schedule %q: %v, want an error at x.yaml:4: schedule", bad, err)
		}
	}
}
