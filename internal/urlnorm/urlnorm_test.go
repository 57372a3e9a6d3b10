package urlnorm_test

import (
	"net/url"
	"testing"

	"github.com/newsarc/newsarc/internal/urlnorm"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://News.Example/news/1", "https://news.example/news/1"},
		{"https://news.example/news/1#comments", "https://news.example/news/1"},
		{"https://news.example/news/1?utm_source=fb&utm_medium=x", "https://news.example/news/1"},
		{"https://news.example/news/1?b=2&fbclid=abc&a=1&gclid=z", "https://news.example/news/1?a=1&b=2"},
		{"http://news.example:80/x", "http://news.example/x"},
		{"https://news.example:443/x", "https://news.example/x"},
		{"https://news.example:8443/x", "https://news.example:8443/x"},
		{"https://news.example", "https://news.example/"},
		{"https://user:pw@news.example/x", "https://news.example/x"},
		{"https://news.example/x?", "https://news.example/x"},
		{"https://news.example/%D8%B9%D8%A7%D8%AC%D9%84", "https://news.example/%D8%B9%D8%A7%D8%AC%D9%84"},
	}
	for _, tt := range tests {
		got, err := urlnorm.Normalize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"ftp://x.example/", "/relative", "mailto:a@b.example", "http://[::1"} {
		if got, err := urlnorm.Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", bad, got)
		}
	}
}

func TestResolve(t *testing.T) {
	base, _ := url.Parse("https://news.example/section/world?page=2")
	got, err := urlnorm.Resolve(base, "../news/12?utm_campaign=x#top")
	if err != nil || got != "https://news.example/news/12" {
		t.Errorf("Resolve = %q, %v", got, err)
	}
}

func TestHostAllowed(t *testing.T) {
	domains := []string{"news.example", "127.0.0.1"}
	for host, want := range map[string]bool{
		"news.example":      true,
		"NEWS.example.":     true,
		"www.news.example":  true,
		"news.example:8080": true,
		"badnews.example":   false,
		"example":           false,
		"127.0.0.1:41234":   true,
		"127.0.0.2":         false,
	} {
		if got := urlnorm.HostAllowed(host, domains); got != want {
			t.Errorf("HostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
	if urlnorm.HostAllowed("news.example", nil) {
		t.Error("an empty domain list allows a host")
	}
}

func TestPathQuery(t *testing.T) {
	u, _ := url.Parse("https://news.example/news/12?print=1#x")
	if got := urlnorm.PathQuery(u); got != "/news/12?print=1" {
		t.Errorf("PathQuery = %q", got)
	}
	u, _ = url.Parse("https://news.example")
	if got := urlnorm.PathQuery(u); got != "/" {
		t.Errorf("PathQuery(no path) = %q", got)
	}
}
