package stix

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// ErrUnsupported is wrapped by every *UnsupportedError.
var ErrUnsupported = errors.New("unsupported pattern")

// UnsupportedError is a valid pattern that cannot be compiled into exact
// indicator values. Reason says why.
type UnsupportedError struct {
	Reason string
}

func (e *UnsupportedError) Error() string { return "unsupported pattern: " + e.Reason }

// Unwrap lets errors.Is(err, ErrUnsupported) match.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Term is one typed value an evaluable pattern matches.
type Term struct {
	Type  intel.Type
	Value string // normalised
}

func unsupported(format string, args ...any) error {
	return &UnsupportedError{Reason: fmt.Sprintf(format, args...)}
}

// Compile turns a parsed pattern into the values it matches, when the
// pattern is a disjunction of exact tests: = or IN (and ISSUBSET of an
// address in a CIDR block) on ipv4-addr:value, ipv6-addr:value,
// domain-name:value, url:value, file:hashes.(MD5|SHA-1|SHA-256),
// email-addr:value, email-message:from_ref.value / sender_ref.value,
// network-traffic:dst_ref.value / src_ref.value and any path naming ja3
// (e.g. network-traffic:extensions.'x-ja3'.ja3_hash), OR-ed within one
// observation or across observations. WITHIN does not change the meaning of
// such a disjunction and is accepted.
//
// Everything else (AND of comparisons or observations, FOLLOWEDBY, NOT,
// !=, ordering, LIKE, MATCHES, EXISTS, REPEATS, START/STOP, other object
// types, invalid values) returns an *UnsupportedError. Terms come in
// pattern order without duplicates.
func Compile(p *Pattern) ([]Term, error) {
	var out []Term
	if err := compileObs(p.Root, &out); err != nil {
		return nil, err
	}
	seen := map[Term]bool{}
	uniq := out[:0]
	for _, t := range out {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	return uniq, nil
}

// CompileString parses and compiles a pattern; the error is a
// *SyntaxError or an *UnsupportedError.
func CompileString(pattern string) ([]Term, error) {
	return compileAppend(nil, pattern)
}

// compileAppend is CompileString appending the terms to dst (the terms of
// a plain comparison, most patterns, cost no allocation then).
func compileAppend(dst []Term, pattern string) ([]Term, error) {
	if t, ok := compileSimple(pattern); ok {
		return append(dst, t), nil
	}
	p, err := ParsePattern(pattern)
	if err != nil {
		return dst, err
	}
	t, err := Compile(p)
	return append(dst, t...), err
}

func compileObs(e ObservationExpr, out *[]Term) error {
	switch e := e.(type) {
	case *Observation:
		return compileCmp(e.Expr, out)
	case *ObservationOp:
		if e.Op != "OR" {
			return unsupported("%s between observations needs all of them to be seen", e.Op)
		}
		if err := compileObs(e.Left, out); err != nil {
			return err
		}
		return compileObs(e.Right, out)
	case *Qualified:
		switch e.Qualifier.Kind {
		case "WITHIN":
			return compileObs(e.Expr, out)
		case "REPEATS":
			if e.Qualifier.Times > 1 {
				return unsupported("REPEATS %d TIMES needs a count of sightings", e.Qualifier.Times)
			}
			return compileObs(e.Expr, out)
		default:
			return unsupported("START/STOP limits matches to a time window")
		}
	}
	return unsupported("unknown observation expression %T", e)
}

func compileCmp(e ComparisonExpr, out *[]Term) error {
	switch e := e.(type) {
	case *ComparisonOp:
		if e.Op != "OR" {
			return unsupported("AND of comparisons %s needs every property to match", e)
		}
		if err := compileCmp(e.Left, out); err != nil {
			return err
		}
		return compileCmp(e.Right, out)
	case *Exists:
		return unsupported("EXISTS %s tests for a property, not a value", e.Path)
	case *Comparison:
		return compileComparison(e, out)
	}
	return unsupported("unknown comparison expression %T", e)
}

func compileComparison(c *Comparison, out *[]Term) error {
	if c.Not {
		return unsupported("NOT %s on %s is a negative test", c.Op, c.Path)
	}
	kind, ok := pathType(c.Path)
	if !ok {
		return unsupported("object path %s is not an indicator type pactwatch matches", c.Path)
	}
	var values []Literal
	switch c.Op {
	case "=":
		values = []Literal{c.Value}
	case "IN":
		values = c.Value.Set
		if len(values) == 0 {
			return unsupported("empty IN set on %s", c.Path)
		}
	case "ISSUBSET":
		if kind != intel.IPv4 && kind != intel.IPv6 && kind != pathAddr {
			return unsupported("ISSUBSET on %s", c.Path)
		}
		values = []Literal{c.Value}
	default:
		return unsupported("operator %s on %s is not an exact match", c.Op, c.Path)
	}
	for _, v := range values {
		if v.Kind != LitString {
			return unsupported("%s compared with a non-string literal %s", c.Path, v)
		}
		t, n, err := normalise(kind, v.Str)
		if err != nil {
			return unsupported("%s value %s: %v", c.Path, quote(v.Str), err)
		}
		if c.Op == "ISSUBSET" && t != intel.CIDR {
			return unsupported("ISSUBSET %s is not a CIDR block", quote(v.Str))
		}
		*out = append(*out, Term{Type: t, Value: n})
	}
	return nil
}

// pathAddr marks a reference whose value may be an IP address, a CIDR
// block or a domain (network-traffic:dst_ref.value).
const pathAddr intel.Type = "addr"

// normalise checks value against the type the path implies. IP values
// holding a prefix become CIDR indicators (a single-address prefix stays
// an address).
func normalise(kind intel.Type, value string) (intel.Type, string, error) {
	switch kind {
	case intel.IPv4, intel.IPv6, pathAddr:
		v := strings.TrimSpace(value)
		if strings.Contains(v, "/") {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				return "", "", fmt.Errorf("%w: cidr %q", intel.ErrBadValue, value)
			}
			if kind != pathAddr && (kind == intel.IPv4) != p.Addr().Unmap().Is4() {
				return "", "", fmt.Errorf("%w: %q is not an %s prefix", intel.ErrBadValue, value, kind)
			}
			if p.IsSingleIP() {
				v = p.Addr().String()
			} else {
				n, err := intel.Normalise(intel.CIDR, v)
				return intel.CIDR, n, err
			}
		}
		if kind == pathAddr {
			t, n, err := intel.Detect(v)
			if err != nil {
				return "", "", err
			}
			if t != intel.IPv4 && t != intel.IPv6 && t != intel.Domain {
				return "", "", fmt.Errorf("%w: %q is a %s, not an address or domain", intel.ErrBadValue, value, t)
			}
			return t, n, nil
		}
		n, err := intel.Normalise(kind, v)
		return kind, n, err
	}
	n, err := intel.Normalise(kind, value)
	return kind, n, err
}

// pathType maps an object path to the indicator type of its values.
func pathType(p ObjectPath) (intel.Type, bool) {
	keys := make([]string, 0, len(p.Steps))
	for _, s := range p.Steps {
		if s.IsIndex {
			return "", false
		}
		keys = append(keys, strings.ToLower(s.Key))
	}
	path := strings.Join(keys, ".")
	typ := strings.ToLower(p.ObjectType)
	switch typ + ":" + path {
	case "ipv4-addr:value":
		return intel.IPv4, true
	case "ipv6-addr:value":
		return intel.IPv6, true
	case "domain-name:value":
		return intel.Domain, true
	case "url:value":
		return intel.URL, true
	case "email-addr:value", "email-message:from_ref.value", "email-message:sender_ref.value":
		return intel.Email, true
	case "network-traffic:dst_ref.value", "network-traffic:src_ref.value":
		return pathAddr, true
	}
	if (typ == "file" || typ == "artifact") && len(keys) == 2 && keys[0] == "hashes" {
		switch strings.ReplaceAll(keys[1], "-", "") {
		case "md5":
			return intel.MD5, true
		case "sha1":
			return intel.SHA1, true
		case "sha256":
			return intel.SHA256, true
		}
		return "", false
	}
	// JA3: no standard STIX path exists; producers use custom objects or
	// extensions such as x-ja3:value, ja3-fingerprint:value or
	// network-traffic:extensions.'x-ja3'.ja3_hash. Any path that names ja3
	// and ends in a hash or value property is taken as one.
	if strings.Contains(typ+":"+path, "ja3") && !strings.Contains(typ+":"+path, "ja3s") {
		last := keys[len(keys)-1]
		if last == "value" || last == "md5" || strings.Contains(last, "hash") || strings.Contains(last, "ja3") {
			return intel.JA3, true
		}
	}
	return "", false
}

// simplePaths are the object paths of the patterns feeds are mostly made
// of, as they write them, and the types pathType gives their values.
var simplePaths = sync.OnceValue(func() map[string]intel.Type {
	m := map[string]intel.Type{}
	for _, path := range []string{
		"ipv4-addr:value", "ipv6-addr:value", "domain-name:value", "url:value", "email-addr:value",
		"file:hashes.MD5", "file:hashes.'MD5'", "file:hashes.SHA1", "file:hashes.'SHA-1'",
		"file:hashes.SHA256", "file:hashes.'SHA256'", "file:hashes.'SHA-256'", "artifact:hashes.'SHA-256'",
	} {
		p, err := ParsePattern("[" + path + " = '']")
		if err != nil {
			panic(err)
		}
		t, ok := pathType(p.Root.(*Observation).Expr.(*Comparison).Path)
		if !ok {
			panic("stix: no type for " + path)
		}
		m[path] = t
	}
	return m
})

// compileSimple compiles a pattern of one comparison written
// "[path = 'value']" with a path of simplePaths and a value without
// escapes, as CompileString would, without parsing it into a tree: a
// million of them took 2 s to parse. ok is false for any other pattern,
// and for a value that does not normalise (CompileString says why).
func compileSimple(pattern string) (_ Term, ok bool) {
	if len(pattern) < 2 || pattern[0] != '[' || pattern[len(pattern)-1] != ']' {
		return Term{}, false
	}
	path, lit, ok := strings.Cut(pattern[1:len(pattern)-1], " = '")
	if !ok || len(lit) == 0 || lit[len(lit)-1] != '\'' {
		return Term{}, false
	}
	v := lit[:len(lit)-1]
	kind, ok := simplePaths()[path]
	if !ok || strings.ContainsAny(v, "'\\") {
		return Term{}, false
	}
	t, n, err := normalise(kind, v)
	if err != nil {
		return Term{}, false
	}
	return Term{Type: t, Value: n}, true
}
