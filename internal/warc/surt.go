package warc

import (
	"bytes"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// SURT returns the SURT key of rawURL as the Python surt package (used by
// pywb and the Wayback Machine) computes it with its default options:
// scheme and "www." (www, www2, ...) dropped, host lowercased, IDNA-encoded
// and its labels reversed and joined by ",", default port dropped, then ")",
// the path with dot segments resolved, percent-escapes normalised and the
// trailing slash dropped (except for "/"), then the query with its
// parameters sorted. Path and query are lowercased, the fragment and common
// session ids (jsessionid, phpsessid, sid, aspsessionid, cfid/cftoken) are
// removed. Example: "https://www.Example.com/a/?b=2&a=1#x" gives
// "com,example)/a?a=1&b=2".
//
// URLs without a host (mailto:, dns:, warcinfo:) are returned unchanged, as
// surt does; an empty URL gives "-". An error is returned only for a URL
// with a bad port.
func SURT(rawURL string) (string, error) {
	s := strings.TrimSpace(rawURL)
	s = strings.NewReplacer("\n", "", "\r", "", "\t", "").Replace(s)
	if s == "" {
		return "-", nil
	}
	if strings.HasPrefix(s, "filedesc") {
		return s, nil
	}
	if !schemeRE.MatchString(s) {
		s = "http://" + s
	}
	s = repeatedHTTPRE.ReplaceAllString(s, "$1")
	u, err := splitURL(s)
	if err != nil {
		return "", fmt.Errorf("surt %q: %w", rawURL, err)
	}
	if u.scheme == "dns" || u.host == nil {
		return s, nil
	}
	googleCanonicalize(u)
	iaCanonicalize(u)

	var b strings.Builder
	if len(u.host) > 0 {
		labels := strings.Split(string(u.host), ".")
		slices.Reverse(labels)
		b.WriteString(strings.Join(labels, ","))
		if u.port != "" {
			b.WriteString(":" + u.port)
		}
		b.WriteString(")")
	} else {
		return s, nil
	}
	if len(u.path) > 0 {
		b.Write(u.path)
	} else if u.query != nil {
		b.WriteString("/")
	}
	if u.query != nil {
		b.WriteString("?")
		b.Write(u.query)
	}
	return b.String(), nil
}

var (
	schemeRE       = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+\-.]*:`)
	repeatedHTTPRE = regexp.MustCompile(`^(https?://)+`)
)

// surtURL is the parsed URL surt works on (its handyurl). host nil means no
// host; query nil means no query (as opposed to an empty one).
type surtURL struct {
	scheme string
	host   []byte
	port   string
	path   []byte
	query  []byte
}

// splitURL splits like Python's urllib.parse.urlsplit and handyurl.parse.
func splitURL(s string) (*surtURL, error) {
	u := &surtURL{}
	i := strings.IndexByte(s, ':')
	u.scheme = strings.ToLower(s[:i])
	rest := s[i+1:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		if q := rest[j+1:]; q != "" {
			u.query = []byte(q)
		}
		rest = rest[:j]
	}
	var netloc string
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			j = len(rest)
		}
		netloc, rest = rest[:j], rest[j:]
	}
	netloc = strings.TrimRight(netloc, ":")
	hostinfo := netloc
	if j := strings.LastIndexByte(hostinfo, '@'); j >= 0 {
		hostinfo = hostinfo[j+1:]
	}
	var host, port string
	if j := strings.IndexByte(hostinfo, '['); j >= 0 {
		h, p, _ := strings.Cut(hostinfo[j+1:], "]")
		host = h
		_, port, _ = strings.Cut(p, ":")
	} else {
		host, port, _ = strings.Cut(hostinfo, ":")
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("bad port %q", port)
		}
		if n != 0 {
			u.port = strconv.Itoa(n)
		}
	}
	path := rest
	if host == "" && strings.HasPrefix(u.scheme, "http") && path != "" {
		// "http:////www.example.com": the host hides in the path
		h, p, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
		host, path = h, "/"+p
	}
	if host != "" {
		u.host = []byte(strings.ToLower(host))
	}
	u.path = []byte(path)
	return u, nil
}

// googleCanonicalize ports surt's GoogleURLCanonicalizer.
func googleCanonicalize(u *surtURL) {
	if len(u.query) > 0 {
		u.query = escapeOnce(unescapeRepeatedly(u.query))
	}
	host := unescapeRepeatedly(u.host)
	if !isASCII(host) {
		if a, err := idnaProfile.ToASCII(string(bytes.ToValidUTF8(host, nil))); err == nil {
			host = []byte(a)
		}
	}
	host = bytes.ReplaceAll(host, []byte(".."), []byte("."))
	host = bytes.Trim(host, ".")
	if ip := attemptIPFormats(string(host)); ip != "" {
		host = []byte(ip)
	} else {
		host = escapeOnce(bytes.ToLower(host))
	}
	u.host = host
	u.path = escapeOnce(normalizePath(unescapeRepeatedly(u.path)))
}

var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(true), idna.StrictDomainName(false))

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// unescapeRepeatedly percent-decodes b until it no longer changes; invalid
// escapes are left as they are.
func unescapeRepeatedly(b []byte) []byte {
	for {
		un := unquote(b)
		if bytes.Equal(un, b) {
			return b
		}
		b = un
	}
}

func unquote(b []byte) []byte {
	if bytes.IndexByte(b, '%') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b)+0 && isHex(b[i+1]) && isHex(b[i+2]) {
			v, _ := strconv.ParseUint(string(b[i+1:i+3]), 16, 8)
			out = append(out, byte(v))
			i += 2
			continue
		}
		out = append(out, b[i])
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeOnce percent-encodes control characters, space, '#', '%' and
// non-ASCII bytes, as Python's quote with surt's safe set does.
func escapeOnce(b []byte) []byte {
	var out []byte
	for i, c := range b {
		if c <= 0x20 || c >= 0x7f || c == '#' || c == '%' {
			if out == nil {
				out = append(make([]byte, 0, len(b)+8), b[:i]...)
			}
			out = append(out, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return b
	}
	return out
}

// normalizePath resolves "." and ".." segments and drops empty segments
// except a trailing one, as surt's normalizePath does.
func normalizePath(p []byte) []byte {
	if len(p) == 0 {
		return []byte("/")
	}
	parts := strings.Split(string(p), "/")[1:]
	var kept []string
	for _, s := range parts {
		switch s {
		case ".":
		case "..":
			if len(kept) > 0 {
				kept = kept[:len(kept)-1]
			} else {
				kept = append(kept, s)
			}
		default:
			kept = append(kept, s)
		}
	}
	out := "/"
	for i, s := range kept {
		if i == len(kept)-1 {
			out += s
		} else if s != "" {
			out += s + "/"
		}
	}
	return []byte(out)
}

var (
	allDigitsRE = regexp.MustCompile(`^\d+$`)
	decimalIPRE = regexp.MustCompile(`^([1-9][0-9]*)(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?$`)
	octalIPRE   = regexp.MustCompile(`^(0[0-7]*)(\.[0-7]+)?(\.[0-7]+)?(\.[0-7]+)?$`)
)

// attemptIPFormats returns the dotted-quad form of a numeric host (decimal,
// octal, or a 32-bit number), or "".
func attemptIPFormats(host string) string {
	if host == "" {
		return ""
	}
	if allDigitsRE.MatchString(host) {
		n, _ := new(big.Int).SetString(host, 10)
		v := new(big.Int).And(n, big.NewInt(0xffffffff)).Uint64()
		return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&255, v>>8&255, v&255)
	}
	if decimalIPRE.MatchString(host) || octalIPRE.MatchString(host) {
		return inetAton(host)
	}
	return ""
}

// inetAton parses a numeric IPv4 address the way inet_aton does (parts in
// decimal, or octal with a leading 0; the last part fills the remaining
// bytes), returning "" when it is not one.
func inetAton(s string) string {
	parts := strings.Split(s, ".")
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		if len(p) > 1 && p[0] == '0' {
			base = 8
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return ""
		}
		vals[i] = v
	}
	var ip uint64
	last := len(vals) - 1
	for i := 0; i < last; i++ {
		if vals[i] > 255 {
			return ""
		}
		ip |= vals[i] << (24 - 8*i)
	}
	if vals[last] >= 1<<(8*(4-last)) {
		return ""
	}
	ip |= vals[last]
	return fmt.Sprintf("%d.%d.%d.%d", ip>>24, ip>>16&255, ip>>8&255, ip&255)
}

var (
	wwwRE         = regexp.MustCompile(`^www\d*\.`)
	pathSessionRE = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(.*/)(\((?:[a-z]\([0-9a-z]{24}\))+\)/)([^\?]+\.aspx.*)$`),
		regexp.MustCompile(`(?i)^(.*/)(\([0-9a-z]{24}\)/)([^\?]+\.aspx.*)$`),
	}
	querySessionRE = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:ASPSESSIONID[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$`),
	}
)

// iaCanonicalize ports surt's IAURLCanonicalizer with its default options.
func iaCanonicalize(u *surtURL) {
	u.host = bytes.ToLower(u.host)
	if m := wwwRE.Find(u.host); m != nil {
		u.host = u.host[len(m):]
	}
	if (u.scheme == "http" && u.port == "80") || (u.scheme == "https" && u.port == "443") {
		u.port = ""
	}
	path := bytes.ToLower(u.path)
	for _, re := range pathSessionRE {
		if m := re.FindSubmatchIndex(path); m != nil {
			path = append(append([]byte{}, path[m[2]:m[3]]...), path[m[6]:m[7]]...)
		}
	}
	if len(path) > 1 && path[len(path)-1] == '/' {
		path = path[:len(path)-1]
	}
	u.path = path
	if len(u.query) > 0 {
		q := u.query
		for _, re := range querySessionRE {
			if m := re.FindSubmatchIndex(q); m != nil {
				nq := append([]byte{}, q[m[2]:m[3]]...)
				if m[4] >= 0 && m[5] > m[4] {
					nq = append(nq, q[m[4]:m[5]]...)
				}
				q = nq
			}
		}
		q = alphaReorderQuery(bytes.ToLower(q))
		if len(q) == 0 {
			q = nil
		}
		u.query = q
	}
}

// alphaReorderQuery sorts the query's parameters by name, then value, the
// way surt compares (name, value) tuples: a parameter without '=' sorts
// before the same name with one.
func alphaReorderQuery(q []byte) []byte {
	if len(q) <= 1 {
		return q
	}
	type kv struct {
		k, v  []byte
		hasEq bool
	}
	var args []kv
	for _, a := range bytes.Split(q, []byte("&")) {
		k, v, ok := bytes.Cut(a, []byte("="))
		args = append(args, kv{k, v, ok})
	}
	slices.SortStableFunc(args, func(a, b kv) int {
		if c := bytes.Compare(a.k, b.k); c != 0 {
			return c
		}
		if a.hasEq != b.hasEq {
			if !a.hasEq {
				return -1
			}
			return 1
		}
		return bytes.Compare(a.v, b.v)
	})
	var out []byte
	for i, a := range args {
		if i > 0 {
			out = append(out, '&')
		}
		out = append(out, a.k...)
		if a.hasEq {
			out = append(out, '=')
			out = append(out, a.v...)
		}
	}
	return out
}
