// Package jsonline holds helpers the JSON-lines telemetry decoders share:
// line trimming, sniffing and fastjson value access.
package jsonline

import (
	"bytes"
	"strings"

	"github.com/valyala/fastjson"
)

// TrimLine removes surrounding ASCII white space (including a trailing CR).
func TrimLine(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

// Lines calls f for each non-blank line of head (at most max lines),
// skipping lines starting with '#' when skipComments is set. complete is
// false for a last line cut off by the end of head. f returns false to stop.
func Lines(head []byte, skipComments bool, max int, f func(line []byte, complete bool) bool) {
	for n := 0; len(head) > 0 && n < max; {
		i := bytes.IndexByte(head, '\n')
		complete := i >= 0
		var line []byte
		if complete {
			line, head = head[:i], head[i+1:]
		} else {
			line, head = head, nil
		}
		line = TrimLine(line)
		if len(line) == 0 || (skipComments && line[0] == '#') {
			continue
		}
		n++
		if !f(line, complete) {
			return
		}
	}
}

// SniffObject looks at the first non-blank lines of head (skipping '#'
// comment lines when skipComments is set). The first line that parses as a
// JSON object decides: match is called with it. If none parses (the first
// line is longer than head, or malformed), fallback is called with the first
// line and whether it is complete. Inputs whose first line does not start with '{' never match.
func SniffObject(head []byte, skipComments bool, match func(*fastjson.Value) bool, fallback func(line []byte, complete bool) bool) bool {
	var p fastjson.Parser
	var first []byte
	firstComplete := false
	result, decided := false, false
	Lines(head, skipComments, 16, func(line []byte, complete bool) bool {
		if first == nil {
			if line[0] != '{' {
				decided = true
				return false
			}
			first, firstComplete = line, complete
		}
		if !complete {
			return false
		}
		v, err := p.ParseBytes(line)
		if err != nil || v.Type() != fastjson.TypeObject {
			return true
		}
		result, decided = match(v), true
		return false
	})
	if decided {
		return result
	}
	if first != nil && fallback != nil {
		return fallback(first, firstComplete)
	}
	return false
}

// String returns v as a Go string when it is a JSON string, ok=false
// otherwise.
func String(v *fastjson.Value) (string, bool) {
	if v == nil || v.Type() != fastjson.TypeString {
		return "", false
	}
	b, _ := v.StringBytes()
	return string(b), true
}

// Bytes returns v's string bytes (valid until the parser is reused), nil for
// anything but a string.
func Bytes(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	b, _ := v.StringBytes()
	return b
}

// Text appends the text of a scalar: a string's content, a number's literal,
// true/false; it returns dst unchanged and false for null, objects and
// arrays.
func Text(dst []byte, v *fastjson.Value) ([]byte, bool) {
	if v == nil {
		return dst, false
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return append(dst, b...), true
	case fastjson.TypeNumber, fastjson.TypeTrue, fastjson.TypeFalse:
		return v.MarshalTo(dst), true
	}
	return dst, false
}

// Strings returns the strings of a JSON array of strings, or of a single
// string; other elements are skipped.
func Strings(v *fastjson.Value) []string {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeString:
		s, _ := String(v)
		return []string{s}
	case fastjson.TypeArray:
		a, _ := v.Array()
		out := make([]string, 0, len(a))
		for _, e := range a {
			if s, ok := String(e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Intern returns well-known short strings without allocating.
func Intern(b []byte) string {
	switch string(b) {
	case "alert":
		return "alert"
	case "dns":
		return "dns"
	case "http":
		return "http"
	case "tls":
		return "tls"
	case "flow":
		return "flow"
	case "fileinfo":
		return "fileinfo"
	case "smtp":
		return "smtp"
	case "ssh":
		return "ssh"
	case "stats":
		return "stats"
	case "netflow":
		return "netflow"
	case "anomaly":
		return "anomaly"
	case "conn":
		return "conn"
	case "ssl":
		return "ssl"
	case "files":
		return "files"
	case "x509":
		return "x509"
	case "notice":
		return "notice"
	case "weird":
		return "weird"
	case "tcp", "TCP":
		return "tcp"
	case "udp", "UDP":
		return "udp"
	case "icmp", "ICMP":
		return "icmp"
	case "IPv6-ICMP", "ipv6-icmp":
		return "ipv6-icmp"
	case "allowed":
		return "allowed"
	case "blocked":
		return "blocked"
	case "en0":
		return "en0"
	case "eth0":
		return "eth0"
	}
	return string(b)
}

// Lower returns s in ASCII lower case, without allocating when it already is.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
