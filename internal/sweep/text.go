package sweep

import "strings"

// urlHost returns the host of an absolute URL when it is a name (not an
// IP literal), without port, user information or trailing dot.
func urlHost(u string) (string, bool) {
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", false
	}
	auth := u[i+3:]
	if end := strings.IndexAny(auth, "/?#"); end >= 0 {
		auth = auth[:end]
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	if auth == "" || auth[0] == '[' {
		return "", false // empty or an IPv6 literal
	}
	if c := strings.LastIndexByte(auth, ':'); c >= 0 {
		auth = auth[:c]
	}
	auth = strings.TrimSuffix(auth, ".")
	if auth == "" || strings.IndexByte(auth, '.') < 0 {
		return "", false
	}
	// An IPv4 literal (or anything else whose last label is all digits)
	// is not a name. This test, unlike netip.ParseAddr, does not allocate
	// an error for the common case of a name.
	last := auth[strings.LastIndexByte(auth, '.')+1:]
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return auth, true
		}
	}
	return "", false
}

// isNormalURL reports whether u is certainly already in the form
// intel.Normalise(intel.URL, u) gives, so it can be looked up as is. It is
// conservative: false only means "normalise to find out". It accepts a
// lower-case scheme, "://", a lower-case host name or IPv4 address without
// user information or trailing dot, a port that is not the scheme's
// default, and a non-empty path and query of printable ASCII in which
// every '%' starts an escape; no fragment and nothing Refang would change.
func isNormalURL(u string) bool {
	i := strings.Index(u, "://")
	if i <= 0 {
		return false
	}
	scheme := u[:i]
	for j := 0; j < len(scheme); j++ {
		c := scheme[j]
		if !('a' <= c && c <= 'z' || j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	if strings.HasPrefix(scheme, "hxxp") || scheme == "fxp" {
		return false
	}
	rest := u[i+3:]
	end := strings.IndexByte(rest, '/')
	if end <= 0 {
		return false // no host, or no path ("http://a" and "http://a?q" gain a "/")
	}
	host, port := rest[:end], ""
	if c := strings.IndexByte(host, ':'); c >= 0 {
		host, port = host[:c], host[c+1:]
		if port == "" || port[0] == '0' || len(port) > 5 ||
			(scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			return false
		}
		for j := 0; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return false
			}
		}
	}
	if host == "" || host[len(host)-1] == '.' {
		return false
	}
	for j := 0; j < len(host); j++ {
		c := host[j]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	rest = rest[end:]
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'*+,;=:@/?", c) >= 0:
		case c == '(':
			if j+1 < len(rest) && rest[j+1] == '.' {
				return false // "(.)" is refanged
			}
		case c == ')':
		case c == '%':
			if j+2 >= len(rest) || !isHexDigit(rest[j+1]) || !isHexDigit(rest[j+2]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool { return hexval[c] != 0xff }

// hexval maps a byte to its hex digit value, or 0xff.
var hexval = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
		t[c-'a'+'A'] = byte(c - 'a' + 10)
	}
	return t
}()

// decodeHex decodes exactly 2*len(dst) hex digits of s, in any case, into
// dst, reporting false for a wrong length or a non-hex digit.
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, lo := hexval[s[2*i]], hexval[s[2*i+1]]
		if hi > 15 || lo > 15 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}
