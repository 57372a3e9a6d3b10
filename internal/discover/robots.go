package discover

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/temoto/robotstxt"
)

// RobotsSitemaps returns the URLs of the Sitemap: lines of a robots.txt
// (the key in any case), in order, each once. They are read with
// github.com/temoto/robotstxt, as the crawler reads the rules; a file
// that library rejects (a rule before any User-agent, say) is scanned line
// by line instead, as its Sitemap: lines stand apart from the groups.
func RobotsSitemaps(robotsTxt []byte) []string {
	var raw []string
	if data, err := robotstxt.FromBytes(robotsTxt); err == nil {
		raw = data.Sitemaps
	} else {
		raw = scanSitemapLines(robotsTxt)
	}
	var out []string
	seen := make(map[string]bool, len(raw))
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// scanSitemapLines takes the values of "Sitemap:" lines, comments cut.
func scanSitemapLines(b []byte) []string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<10)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		key, val, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(key), "sitemap") {
			out = append(out, strings.TrimSpace(val))
		}
	}
	return out
}
