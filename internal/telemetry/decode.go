package telemetry

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// NamedFormat is a Format whose decoders can use the input's file name as a
// hint, e.g. a Zeek JSON log without "_path" takes its log path from a name
// like conn.log or dns.00:00:00-01:00:00.log.gz. Readers prefer
// NewNamedDecoder over NewDecoder when a Format implements it.
type NamedFormat interface {
	Format
	// NewNamedDecoder returns a decoder for the input called name ("" if
	// unknown).
	NewNamedDecoder(name string) Decoder
}

// Cloner is implemented by decoders whose state can be copied, so chunks of
// one input can be decoded in parallel: every decoder of this module decodes
// lines independently except for the Zeek TSV header state, which Clone
// copies. The clone shares nothing mutable with the original.
type Cloner interface {
	Clone() Decoder
}

// FieldError returns a *ParseError for field with the reason err; the reader
// fills in file, line and offset.
func FieldError(field string, err error) *ParseError {
	return &ParseError{Field: field, Err: err}
}

// FieldErrorf is FieldError with a formatted reason.
func FieldErrorf(field, format string, args ...any) *ParseError {
	return &ParseError{Field: field, Err: fmt.Errorf(format, args...)}
}

// ErrLineTooLong is the reason of the ParseError reported for a line longer
// than a reader's cap; the line is skipped.
var ErrLineTooLong = errors.New("line too long")

// ParseTime parses the timestamps telemetry formats use: ISO 8601 / RFC 3339
// ("2018-07-05T15:01:09.820360-0400", "2018-03-24T17:15:20.865716Z",
// "2018-03-24 17:15:20", offsets with or without a colon, no offset meaning
// UTC) and epoch seconds with an optional fraction ("1521911720.865716").
// The result is in UTC.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("empty timestamp")
	}
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return parseISO(s)
	}
	return ParseEpoch(s)
}

// ParseEpoch parses epoch seconds with an optional decimal fraction exactly
// (no float rounding): "1521911720.865716", "-0.5", "45". The result is in UTC.
func ParseEpoch(s string) (time.Time, error) {
	orig := s
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" && (!hasFrac || frac == "") {
		return time.Time{}, fmt.Errorf("invalid timestamp %q", orig)
	}
	var sec int64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' || sec > (1<<62)/10 {
			return time.Time{}, fmt.Errorf("invalid timestamp %q", orig)
		}
		sec = sec*10 + int64(c-'0')
	}
	var nsec int64
	scale := int64(100000000)
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("invalid timestamp %q", orig)
		}
		nsec += int64(c-'0') * scale
		scale /= 10
	}
	if sec > 1<<40 {
		return time.Time{}, fmt.Errorf("timestamp %q out of range", orig)
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), nil
}

func parseISO(s string) (time.Time, error) {
	bad := func() (time.Time, error) { return time.Time{}, fmt.Errorf("invalid timestamp %q", s) }
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return 0, false
			}
			n = n*10 + int(b[i]-'0')
		}
		return n, len(b) > 0
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 {
		return bad()
	}
	rest := s[10:]
	var hour, minute, sec, nsec int
	if rest != "" {
		if len(rest) < 6 || (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') || rest[3] != ':' {
			return bad()
		}
		var ok4, ok5, ok6 bool
		hour, ok4 = num(rest[1:3])
		minute, ok5 = num(rest[4:6])
		rest = rest[6:]
		ok6 = true
		if len(rest) >= 3 && rest[0] == ':' {
			sec, ok6 = num(rest[1:3])
			rest = rest[3:]
		}
		if !ok4 || !ok5 || !ok6 || hour > 24 || minute > 59 || sec > 60 {
			return bad()
		}
		if rest != "" && (rest[0] == '.' || rest[0] == ',') {
			i := 1
			scale := 100000000
			for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
				nsec += int(rest[i]-'0') * scale
				scale /= 10
			}
			if i == 1 {
				return bad()
			}
			rest = rest[i:]
		}
	}
	offset := 0
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		z := rest[1:]
		var hh, mm int
		var ok bool
		switch {
		case len(z) == 5 && z[2] == ':':
			hh, ok = num(z[0:2])
			if ok {
				mm, ok = num(z[3:5])
			}
		case len(z) == 4:
			hh, ok = num(z[0:2])
			if ok {
				mm, ok = num(z[2:4])
			}
		case len(z) == 2:
			hh, ok = num(z)
		}
		if !ok || hh > 23 || mm > 59 {
			return bad()
		}
		offset = hh*3600 + mm*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return bad()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return bad()
	}
	return t.Add(-time.Duration(offset) * time.Second), nil
}

// NormDomain normalises a DNS name for matching: surrounding space and
// trailing dots removed, ASCII lower case. It returns "" for names that are
// empty or contain spaces or control characters.
func NormDomain(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ".")
	if s == "" {
		return ""
	}
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f {
			return ""
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if upper {
		s = strings.ToLower(s)
	}
	return s
}

// IsHostname reports whether s (already normalised) looks like a DNS name:
// letters, digits, '-', '_', '*' and dots, at most 253 bytes, no empty label.
func IsHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
			continue
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '*':
		case c >= 0x80: // internationalised names in UTF-8
		default:
			return false
		}
		label++
	}
	return label > 0
}

// SplitHostPort splits an HTTP Host value into host and port; a value without
// a port (or an unbracketed IPv6 literal) is returned whole with port "".
func SplitHostPort(hostport string) (host, port string) {
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return hostport, ""
		}
		host = hostport[1:end]
		if rest := hostport[end+1:]; strings.HasPrefix(rest, ":") {
			port = rest[1:]
		}
		return host, port
	}
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 || strings.IndexByte(hostport[:i], ':') >= 0 {
		return hostport, ""
	}
	return hostport[:i], hostport[i+1:]
}

// IsIPLiteral reports whether host is an IP address, bracketed or not.
func IsIPLiteral(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	_, err := netip.ParseAddr(host)
	return err == nil
}

// HTTPDomain returns the Domain an HTTP Host value contributes: the host
// without port, normalised, or "" when it is an IP literal or not a name.
func HTTPDomain(hostport string) string {
	host, _ := SplitHostPort(hostport)
	if IsIPLiteral(host) {
		return ""
	}
	d := NormDomain(host)
	if !IsHostname(d) {
		return ""
	}
	return d
}

// HTTPURL builds the full URL "http://host[:port]/uri" of an HTTP request.
// A uri that is already absolute (proxy requests) is returned as is. port is
// the server port, added when it is not 80 and host carries none. It returns
// "" when host and an absolute uri are both missing.
func HTTPURL(host string, port uint16, uri string) string {
	if hasScheme(uri) {
		return uri
	}
	host = strings.TrimSpace(host)
	if host == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len("http://") + len(host) + len(uri) + 8)
	b.WriteString("http://")
	h, p := SplitHostPort(host)
	switch {
	case p != "":
		b.WriteString(host)
	case strings.IndexByte(h, ':') >= 0 && !strings.HasPrefix(host, "["):
		b.WriteByte('[')
		b.WriteString(h)
		b.WriteByte(']')
	default:
		b.WriteString(host)
	}
	if p == "" && port != 0 && port != 80 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(int(port)))
	}
	if !strings.HasPrefix(uri, "/") {
		b.WriteByte('/')
	}
	b.WriteString(uri)
	return b.String()
}

func hasScheme(uri string) bool {
	i := strings.Index(uri, "://")
	if i <= 0 || i > 10 {
		return false
	}
	for j := 0; j < i; j++ {
		c := uri[j]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '+' || c == '-' || c == '.' || (j > 0 && '0' <= c && c <= '9')) {
			return false
		}
	}
	return true
}

// AddExtra appends an observable to ev.Extra unless an equal one is present
// or value is empty.
func (ev *Event) AddExtra(field string, typ ValueType, value string) {
	if value == "" {
		return
	}
	for _, o := range ev.Extra {
		if o.Type == typ && o.Value == value && o.Field == field {
			return
		}
	}
	ev.Extra = append(ev.Extra, Observable{Field: field, Type: typ, Value: value})
}

// AddFile appends a file name to ev.Files unless present or empty.
func (ev *Event) AddFile(name string) {
	if name == "" {
		return
	}
	for _, f := range ev.Files {
		if f == name {
			return
		}
	}
	ev.Files = append(ev.Files, name)
}

// AddName adds a DNS answer or certificate name: an IP address as TypeIP, a
// host name as TypeDomain (normalised); anything else (TXT data ...) is
// ignored.
func (ev *Event) AddName(field, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	if a, err := netip.ParseAddr(value); err == nil {
		ev.AddExtra(field, TypeIP, a.Unmap().String())
		return
	}
	if d := NormDomain(value); IsHostname(d) {
		ev.AddExtra(field, TypeDomain, d)
	}
}

// NormEmail normalises a mail address from an SMTP envelope: angle brackets
// and space removed, lower case. It returns "" when no '@' is left.
func NormEmail(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '@') <= 0 || strings.ContainsAny(s, " \t<>") {
		return ""
	}
	return strings.ToLower(s)
}

// NormHash normalises a hex digest: lower case; "" unless it is 32, 40 or 64
// hex digits.
func NormHash(s string) string {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 32, 40, 64:
	default:
		return ""
	}
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			upper = true
		default:
			return ""
		}
	}
	if upper {
		s = strings.ToLower(s)
	}
	return s
}

// ParseIP parses an address field; the zero Addr and no error for "" or "-".
// IPv4-mapped IPv6 addresses are unmapped.
func ParseIP(s string) (netip.Addr, error) {
	if s == "" || s == "-" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("invalid IP address %q", s)
	}
	return a.Unmap(), nil
}

// ParsePort parses a port number 0-65535; 0 and no error for "" or "-".
func ParsePort(s string) (uint16, error) {
	if s == "" || s == "-" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("invalid port %q", s)
	}
	return uint16(n), nil
}

// BaseName returns the last element of a slash- or backslash-separated file
// path, or "" for an empty path or one ending in a separator.
func BaseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	return strings.TrimSpace(p)
}
