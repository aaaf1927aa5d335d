package intel

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ErrBadValue is wrapped by Normalise and Detect for values that are not
// valid for their type.
var ErrBadValue = errors.New("invalid indicator value")

// Normalise returns the canonical form of value for type t, the form in
// which indicators are stored and events are matched:
//   - ipv4, ipv6: the address as netip prints it (IPv4-mapped IPv6 unmapped to ipv4 is an error for ipv6);
//   - cidr: the masked prefix;
//   - domain: lower case, no trailing dot, no leading "*." or ".";
//   - url: scheme and host lower case, default port and fragment dropped, empty path as "/";
//   - md5, sha1, sha256, ja3: lower-case hex of the right length;
//   - email: lower case.
//
// Defanged input (hxxp, [.], (.), [:]) is refanged first.
func Normalise(t Type, value string) (string, error) {
	if t == IPv4 && canonicalIPv4(value) {
		return value, nil // what the rest would return, without its copy
	}
	v := Refang(strings.TrimSpace(value))
	if v == "" {
		return "", fmt.Errorf("%w: empty %s", ErrBadValue, t)
	}
	switch t {
	case IPv4, IPv6:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return "", fmt.Errorf("%w: %s %q", ErrBadValue, t, value)
		}
		if (t == IPv4) != a.Unmap().Is4() {
			return "", fmt.Errorf("%w: %q is not an %s address", ErrBadValue, value, t)
		}
		return a.Unmap().WithZone("").String(), nil
	case CIDR:
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", fmt.Errorf("%w: cidr %q", ErrBadValue, value)
		}
		return unmapPrefix(p).Masked().String(), nil
	case Domain:
		d := strings.ToLower(strings.TrimSuffix(v, "."))
		d = strings.TrimPrefix(d, "*.")
		d = strings.TrimPrefix(d, ".")
		if !validDomain(d) {
			return "", fmt.Errorf("%w: domain %q", ErrBadValue, value)
		}
		return d, nil
	case URL:
		return normaliseURL(v)
	case MD5, JA3:
		return hexOfLen(t, v, 32)
	case SHA1:
		return hexOfLen(t, v, 40)
	case SHA256:
		return hexOfLen(t, v, 64)
	case Email:
		at := strings.LastIndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t<>") {
			return "", fmt.Errorf("%w: email %q", ErrBadValue, value)
		}
		return strings.ToLower(v), nil
	}
	return "", fmt.Errorf("%w: unknown type %q", ErrBadValue, t)
}

// Detect guesses the type of a bare IOC value and returns it normalised.
// A 32-hex value is taken as MD5 (JA3 hashes need an explicit type).
func Detect(value string) (Type, string, error) {
	v := Refang(strings.TrimSpace(value))
	if v == "" {
		return "", "", fmt.Errorf("%w: empty value", ErrBadValue)
	}
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Unmap().Is4() {
			return IPv4, a.Unmap().String(), nil
		}
		return IPv6, a.WithZone("").String(), nil
	}
	if strings.Contains(v, "/") && !strings.Contains(v, "://") {
		if p, err := netip.ParsePrefix(v); err == nil {
			return CIDR, unmapPrefix(p).Masked().String(), nil
		}
	}
	if isHex(v) {
		switch len(v) {
		case 32:
			return MD5, strings.ToLower(v), nil
		case 40:
			return SHA1, strings.ToLower(v), nil
		case 64:
			return SHA256, strings.ToLower(v), nil
		}
	}
	var t Type
	var n string
	var err error
	switch {
	case strings.Contains(v, "://"):
		t = URL
		n, err = normaliseURL(v)
	case strings.Contains(v, "@"):
		t = Email
		n, err = Normalise(Email, v)
	case strings.Contains(v, "/"):
		// host/path without a scheme: a URL as many feeds write it, when
		// what precedes the first slash is a domain or an address.
		t = URL
		n, err = normaliseURL("http://" + v)
		if err == nil && !schemelessHost(v[:strings.IndexByte(v, '/')]) {
			err = fmt.Errorf("%w: cannot tell the type of %q", ErrBadValue, value)
		}
	}
	if t != "" {
		if err != nil {
			return "", "", err
		}
		return t, n, nil
	}
	n, err = Normalise(Domain, v)
	if err != nil {
		return "", "", fmt.Errorf("%w: cannot tell the type of %q", ErrBadValue, value)
	}
	return Domain, n, nil
}

// refanger replaces the bracketed defanging forms; every pattern starts
// with '[' or '(' so Refang only calls it when one of those occurs.
var refanger = strings.NewReplacer("[.]", ".", "(.)", ".", "[dot]", ".", "[:]", ":", "[://]", "://", "[@]", "@")

// Refang undoes the usual defanging of shared IOCs: "[.]", "(.)", "[dot]",
// "[:]", "[://]", "[@]", and a leading "hxxp" or "fxp://" in any case. It
// returns v itself, without allocating, when there is nothing to undo.
func Refang(v string) string {
	if strings.ContainsAny(v, "[(") {
		v = refanger.Replace(v)
	}
	switch {
	case len(v) >= 4 && strings.EqualFold(v[:4], "hxxp"):
		v = "http" + v[4:]
	case len(v) >= 6 && strings.EqualFold(v[:6], "fxp://"):
		v = "ftp" + v[3:]
	}
	return v
}

// schemelessHost reports whether h, the part of a scheme-less URL before
// its path, is a domain or IP address with an optional port.
func schemelessHost(h string) bool {
	if host, port, err := net.SplitHostPort(h); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return false
		}
		h = host
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return validDomain(strings.TrimSuffix(strings.ToLower(h), "."))
}

// unmapPrefix turns an IPv4-mapped IPv6 prefix of at least 96 bits
// (::ffff:192.0.2.0/120) into the IPv4 prefix it covers (192.0.2.0/24), the
// form in which events' addresses are compared.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

func hexOfLen(t Type, v string, n int) (string, error) {
	if len(v) != n || !isHex(v) {
		return "", fmt.Errorf("%w: %s %q (want %d hex digits)", ErrBadValue, t, v, n)
	}
	return strings.ToLower(v), nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return len(s) > 0
}

// validDomain accepts LDH labels (and underscores, which real DNS carries)
// with at least one dot, each label 1..63 bytes, total at most 253, and a
// last label that is not all digits (so "1.2.3" or "999.1.1.1" is not a
// domain). It does not allocate.
func validDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	label, digits := 0, true
	for i := 0; i <= len(d); i++ {
		if i == len(d) || d[i] == '.' {
			if label == 0 || label > 63 {
				return false
			}
			if i < len(d) {
				label, digits = 0, true
			}
			continue
		}
		c := d[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c >= 0x80) {
			return false
		}
		if c < '0' || c > '9' {
			digits = false
		}
		label++
	}
	return !digits
}

func normaliseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%w: url %q", ErrBadValue, v)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.WithZone("").String()
	} else if host == "" || strings.ContainsAny(host, ":[]") {
		return "", fmt.Errorf("%w: url %q has no valid host", ErrBadValue, v)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	u.User = nil
	if u.Path == "" && u.RawPath == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// canonicalIPv4 reports whether v is an IPv4 address as netip.Addr's
// String writes it: four decimal numbers up to 255 without leading
// zeros, joined by dots.
func canonicalIPv4(v string) bool {
	if len(v) < 7 || len(v) > 15 {
		return false
	}
	octets, n, digits := 0, 0, 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == '.' {
			if digits == 0 || n > 255 || digits > 1 && v[i-digits] == '0' {
				return false
			}
			octets, n, digits = octets+1, 0, 0
			continue
		}
		c := v[i]
		if c < '0' || c > '9' || digits == 3 {
			return false
		}
		n, digits = n*10+int(c-'0'), digits+1
	}
	return octets == 4
}
