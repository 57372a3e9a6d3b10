package warc_test

import (
	"testing"

	"github.com/newsarc/newsarc/internal/warc"
)

// Expected values are the Python surt package's (surt.surt(url) with
// default options), from its test suite (tests/test_surt.py, ported from
// WaybackURLKeyMakerTest.java and the canonicalizer tests) unless marked.
func TestSURT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-"},
		{"filedesc:foo.arc.gz", "filedesc:foo.arc.gz"},
		{"filedesc://foo.arc.gz", "filedesc://foo.arc.gz"},
		{"warcinfo:foo.warc.gz", "warcinfo:foo.warc.gz"},
		{"dns:alexa.com", "dns:alexa.com"},
		{"mailto:foo@example.com", "mailto:foo@example.com"},
		{"http://www.archive.org/", "org,archive)/"},
		{"http://archive.org/", "org,archive)/"},
		{"http://archive.org/goo/", "org,archive)/goo"},
		{"http://archive.org/goo/?", "org,archive)/goo"},
		{"http://archive.org/goo/?b&a", "org,archive)/goo?a&b"},
		{"http://archive.org/goo/?a=2&b&a=1", "org,archive)/goo?a=1&a=2&b"},
		{"http://archive.org/index.php?PHPSESSID=0123456789abcdefghijklemopqrstuv&action=profile;u=4221", "org,archive)/index.php?action=profile;u=4221"},
		{"whois://whois.isoc.org.il/shaveh.co.il", "il,org,isoc,whois)/shaveh.co.il"},
		{"http://visit.webhosting.yahoo.com/visit.gif?&r=http%3A//web.archive.org/web/20090517140029/http%3A//anthonystewarthead.electric-chi.com/&b=Netscape%205.0%20%28Windows%3B%20en-US%29&s=1366x768&o=Win32&c=24&j=true&v=1.2",
			"com,yahoo,webhosting,visit)/visit.gif?&b=netscape%205.0%20(windows;%20en-us)&c=24&j=true&o=win32&r=http://web.archive.org/web/20090517140029/http://anthonystewarthead.electric-chi.com/&s=1366x768&v=1.2"},
		{"ftp://www.example.com/", "com,example)/"},
		{"http://www.example.com/", "com,example)/"},
		{"https://www.example.com/", "com,example)/"},
		// From the canonicalizer tests, as SURTs.
		{"http://www.alexa.com/", "com,alexa)/"},
		{"http://archive.org/index.html?b=a&b=b&a=b", "org,archive)/index.html?a=b&b=a&b=b"},
		{"http://www34.archive.org/index.html?b=a&b=b&a=b", "org,archive)/index.html?a=b&b=a&b=b"},
		{"http://ARCHIVE.ORG/", "org,archive)/"},
		{"http://www.archive.org:80/", "org,archive)/"},
		{"https://www.archive.org:80/", "org,archive:80)/"},
		{"http://www.archive.org:443/", "org,archive:443)/"},
		{"https://www.archive.org:443/", "org,archive)/"},
		{"http://www.archive.org/big/", "org,archive)/big"},
		{"http://host/%25%32%35", "host)/%25"},
		{"http://host/asdf%25%32%35asd", "host)/asdf%25asd"},
		{"http://host/%%%25%32%35asd%%", "host)/%25%25%25asd%25%25"},
		{"http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/", "26,99,188,168)/.secure/www.ebay.com"},
		{"http://3279880203/blah", "11,0,127,195)/blah"},
		{"http://www.google.com/blah/..", "com,google)/"},
		{"www.google.com", "com,google)/"},
		{"http://www.evil.com/blah#frag", "com,evil)/blah"},
		{"http://www.GOOgle.com/", "com,google)/"},
		{"http://www.google.com.../", "com,google)/"},
		{"http://www.google.com/foo\tbar\rbaz\n2", "com,google)/foobarbaz2"},
		{"http://evil.com/foo;", "com,evil)/foo;"},
		{"http://host.com//twoslashes?more//slashes", "com,host)/twoslashes?more//slashes"},
		{"http:////////////////www.vikings.com", "com,vikings)/"},
		{"http://https://order.1and1.com", "com,1and1,order)/"},
		{"http://mineral.galleries.com:/minerals/silicate/chabazit/chabazit.htm", "com,galleries,mineral)/minerals/silicate/chabazit/chabazit.htm"},
		{"http://example.com/foo?X=Y", "com,example)/foo?x=y"},
		{"http://www.gotaport.com:1234/", "com,gotaport:1234)/"},
		{"http://www.t%EF%BF%BD%04.82.net/", "net,82,t%ef%bf%bd%04)/"},
		{"B\u00fccher.ch:8080", "ch,xn--bcher-kva:8080)/"},
		// Session ids (URLRegexTransformer tests), via surt().
		{"http://example.com/?jsessionid=0123456789abcdefghijklemopqrstuv&x=y", "com,example)/?x=y"},
		{"http://example.com/?CFID=1169580&CFTOKEN=48630702&dtstamp=22%2F08%2F2006%7C06%3A58%3A11", "com,example)/?dtstamp=22/08/2006|06:58:11"},
		{"http://example.com/(S(4hqa0555fwsecu455xqckv45))/mileg.aspx", "com,example)/mileg.aspx"},
		// Own cases: non-ASCII path (UTF-8, escaped, lowercased), loopback with port.
		{"https://www.aljazeera.net/news/مقال?id=5&a=1", "net,aljazeera)/news/%d9%85%d9%82%d8%a7%d9%84?a=1&id=5"},
		{"http://127.0.0.1:8080/a/b/", "1,0,0,127:8080)/a/b"},
		{"http://example.com", "com,example)/"},
		{"http://example.com?", "com,example)/"},
	}
	for _, tt := range tests {
		got, err := warc.SURT(tt.in)
		if err != nil {
			t.Errorf("SURT(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("SURT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if _, err := warc.SURT("http://example.com:99999/"); err == nil {
		t.Error("SURT with port 99999: no error")
	}
}
