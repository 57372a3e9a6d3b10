package discover_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/internal/discover"
)

func TestRobotsSitemaps(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"none", "User-agent: *\nDisallow: /private/\n", nil},
		{"empty", "", nil},
		{"any case, anywhere, each once", `# news.example
Sitemap: https://news.example/sitemap-index.xml
User-agent: *
Disallow: /private/
SITEMAP: https://news.example/news-sitemap.xml
sitemap:https://news.example/feed.rss
Sitemap: https://news.example/sitemap-index.xml
`, []string{"https://news.example/sitemap-index.xml", "https://news.example/news-sitemap.xml", "https://news.example/feed.rss"}},
		{"crlf and comments", "User-agent: *\r\nSitemap: https://a.example/s.xml # the index\r\n", []string{"https://a.example/s.xml"}},
		// robotstxt rejects a rule outside a group: the lines are scanned instead.
		{"file the library rejects", "\ufeffDisallow: /x\nSitemap: https://a.example/s.xml\nCrawl-delay: soon\n", []string{"https://a.example/s.xml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, discover.RobotsSitemaps([]byte(tt.in))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
