package intel

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
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
		return p.Masked().String(), nil
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
			return CIDR, p.Masked().String(), nil
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
	if strings.Contains(v, "://") {
		n, err := normaliseURL(v)
		return URL, n, err
	}
	if strings.Contains(v, "@") {
		n, err := Normalise(Email, v)
		return Email, n, err
	}
	if strings.Contains(v, "/") {
		// host/path without a scheme: a URL as many feeds write it.
		n, err := normaliseURL("http://" + v)
		return URL, n, err
	}
	n, err := Normalise(Domain, v)
	if err != nil {
		return "", "", fmt.Errorf("%w: cannot tell the type of %q", ErrBadValue, value)
	}
	return Domain, n, nil
}

// Refang undoes the usual defanging of shared IOCs.
func Refang(v string) string {
	if !strings.ContainsAny(v, "[(x") {
		return v
	}
	r := strings.NewReplacer("[.]", ".", "(.)", ".", "[dot]", ".", "[:]", ":", "[://]", "://", "[@]", "@")
	v = r.Replace(v)
	lv := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lv, "hxxp"):
		v = "http" + v[4:]
	case strings.HasPrefix(lv, "fxp://"):
		v = "ftp" + v[3:]
	}
	return v
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
// with at least one dot, each label 1..63 bytes, total at most 253.
func validDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if len(label) == 0 || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c >= 0x80) {
				return false
			}
		}
	}
	return true
}

func normaliseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%w: url %q", ErrBadValue, v)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
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
