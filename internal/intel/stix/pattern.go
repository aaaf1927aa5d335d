package stix

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SyntaxError is a pattern that does not parse. Offset is the 0-based byte
// offset in the pattern where parsing failed.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pattern syntax error at offset %d: %s", e.Offset, e.Msg)
}

// Pattern is a parsed STIX pattern.
type Pattern struct {
	Root ObservationExpr
}

// String renders the pattern in a normalised textual form.
func (p *Pattern) String() string { return p.Root.String() }

// ObservationExpr is one node of the observation-expression tree:
// *Observation, *ObservationOp or *Qualified.
type ObservationExpr interface {
	fmt.Stringer
	observationExpr()
}

// Observation is a bracketed comparison expression: [ ... ].
type Observation struct {
	Expr ComparisonExpr
}

// ObservationOp joins two observation expressions with AND, OR or FOLLOWEDBY.
type ObservationOp struct {
	Op          string // "AND", "OR", "FOLLOWEDBY"
	Left, Right ObservationExpr
}

// Qualified is an observation expression with a qualifier.
type Qualified struct {
	Expr      ObservationExpr
	Qualifier Qualifier
}

// Qualifier is a WITHIN, REPEATS or START/STOP qualifier.
type Qualifier struct {
	Kind    string  // "WITHIN", "REPEATS", "START"
	Seconds float64 // WITHIN n SECONDS
	Times   int64   // REPEATS n TIMES
	Start   time.Time
	Stop    time.Time
}

// ComparisonExpr is a node inside an observation: *Comparison,
// *ComparisonOp or *Exists.
type ComparisonExpr interface {
	fmt.Stringer
	comparisonExpr()
}

// ComparisonOp joins two comparison expressions with AND or OR.
type ComparisonOp struct {
	Op          string // "AND" or "OR"
	Left, Right ComparisonExpr
}

// Comparison is one property test: path [NOT] op literal.
type Comparison struct {
	Path  ObjectPath
	Not   bool
	Op    string // "=", "!=", "<", ">", "<=", ">=", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"
	Value Literal
}

// Exists is EXISTS path.
type Exists struct {
	Path ObjectPath
}

// ObjectPath is object-type:property(.property|[index])*.
type ObjectPath struct {
	ObjectType string
	Steps      []PathStep
}

// PathStep is one property name or list index of an object path.
type PathStep struct {
	Key   string // property name; empty for an index step
	Index int    // list index when IsIndex and !Any
	Any   bool   // [*]
	// IsIndex marks a list index step ([0] or [*]).
	IsIndex bool
}

// LiteralKind is the kind of a pattern literal.
type LiteralKind int

// Literal kinds.
const (
	LitString LiteralKind = iota
	LitInt
	LitFloat
	LitBool
	LitHex
	LitBinary
	LitTimestamp
	LitSet
)

// Literal is a constant in a pattern.
type Literal struct {
	Kind  LiteralKind
	Str   string // string value (unescaped); the hex or base64 text for LitHex/LitBinary
	Int   int64
	Float float64
	Bool  bool
	Bytes []byte
	Time  time.Time
	Set   []Literal
}

func (*Observation) observationExpr()   {}
func (*ObservationOp) observationExpr() {}
func (*Qualified) observationExpr()     {}
func (*ComparisonOp) comparisonExpr()   {}
func (*Comparison) comparisonExpr()     {}
func (*Exists) comparisonExpr()         {}

var (
	_ ObservationExpr = (*Observation)(nil)
	_ ObservationExpr = (*ObservationOp)(nil)
	_ ObservationExpr = (*Qualified)(nil)
	_ ComparisonExpr  = (*ComparisonOp)(nil)
	_ ComparisonExpr  = (*Comparison)(nil)
	_ ComparisonExpr  = (*Exists)(nil)
)

func (o *Observation) String() string { return "[" + o.Expr.String() + "]" }
func (o *ObservationOp) String() string {
	return "(" + o.Left.String() + " " + o.Op + " " + o.Right.String() + ")"
}
func (q *Qualified) String() string { return q.Expr.String() + " " + q.Qualifier.String() }

// String renders the qualifier as in a pattern.
func (q Qualifier) String() string {
	switch q.Kind {
	case "WITHIN":
		return "WITHIN " + strconv.FormatFloat(q.Seconds, 'f', -1, 64) + " SECONDS"
	case "REPEATS":
		return "REPEATS " + strconv.FormatInt(q.Times, 10) + " TIMES"
	default:
		return "START t'" + q.Start.Format(time.RFC3339Nano) + "' STOP t'" + q.Stop.Format(time.RFC3339Nano) + "'"
	}
}
func (c *ComparisonOp) String() string {
	return "(" + c.Left.String() + " " + c.Op + " " + c.Right.String() + ")"
}
func (c *Comparison) String() string {
	not := ""
	if c.Not {
		not = "NOT "
	}
	return c.Path.String() + " " + not + c.Op + " " + c.Value.String()
}
func (e *Exists) String() string { return "EXISTS " + e.Path.String() }

// String renders the path, quoting property names that are not plain
// identifiers (file:hashes.'SHA-256').
func (p ObjectPath) String() string {
	var b strings.Builder
	b.WriteString(p.ObjectType)
	b.WriteByte(':')
	for i, s := range p.Steps {
		switch {
		case s.IsIndex && s.Any:
			b.WriteString("[*]")
		case s.IsIndex:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			if isPlainIdent(s.Key) {
				b.WriteString(s.Key)
			} else {
				b.WriteString(quote(s.Key))
			}
		}
	}
	return b.String()
}

// String renders the literal as in a pattern.
func (l Literal) String() string {
	switch l.Kind {
	case LitString:
		return quote(l.Str)
	case LitInt:
		return strconv.FormatInt(l.Int, 10)
	case LitFloat:
		return strconv.FormatFloat(l.Float, 'f', -1, 64)
	case LitBool:
		return strconv.FormatBool(l.Bool)
	case LitHex:
		return "h'" + hex.EncodeToString(l.Bytes) + "'"
	case LitBinary:
		return "b'" + base64.StdEncoding.EncodeToString(l.Bytes) + "'"
	case LitTimestamp:
		return "t'" + l.Time.Format(time.RFC3339Nano) + "'"
	case LitSet:
		parts := make([]string, len(l.Set))
		for i, e := range l.Set {
			parts[i] = e.String()
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return "?"
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// ParsePattern parses a STIX 2.1 pattern. A pattern that does not parse
// returns a *SyntaxError with the offset of the problem.
// Keywords are accepted in any case; property names may contain hyphens
// unquoted (file:hashes.SHA-256), which real bundles write.
func ParsePattern(s string) (*Pattern, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, src: s}
	root, err := p.observationExprs()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errf(t, "unexpected %s after pattern", t)
	}
	return &Pattern{Root: root}, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tInt
	tFloat
	tHex
	tBinary
	tTimestamp
	tPunct // [ ] ( ) : . , *
	tOp    // = != < > <= >=
)

type token struct {
	kind tokKind
	text string // identifier, operator or punctuation text; unescaped string
	pos  int
	end  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of pattern"
	case tString:
		return "string " + quote(t.text)
	}
	return strconv.Quote(t.text)
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

func (t token) keyword(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			str, end, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, text: str, pos: i, end: end})
			i = end
		case (c == 'h' || c == 'b' || c == 't') && i+1 < len(s) && s[i+1] == '\'':
			str, end, err := lexString(s, i+1)
			if err != nil {
				return nil, err
			}
			k := map[byte]tokKind{'h': tHex, 'b': tBinary, 't': tTimestamp}[c]
			toks = append(toks, token{kind: k, text: str, pos: i, end: end})
			i = end
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '-' || 'a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z' || '0' <= s[j] && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: s[i:j], pos: i, end: j})
			i = j
		case '0' <= c && c <= '9' || (c == '-' || c == '+') && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			kind := tInt
			if j+1 < len(s) && s[j] == '.' && '0' <= s[j+1] && s[j+1] <= '9' {
				kind = tFloat
				j++
				for j < len(s) && '0' <= s[j] && s[j] <= '9' {
					j++
				}
			}
			toks = append(toks, token{kind: kind, text: s[i:j], pos: i, end: j})
			i = j
		case strings.IndexByte("[]():.,*", c) >= 0:
			toks = append(toks, token{kind: tPunct, text: s[i : i+1], pos: i, end: i + 1})
			i++
		case c == '=' || c == '!' || c == '<' || c == '>':
			n := 1
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "==", "!=", "<=", ">=", "<>":
					n = 2
				}
			}
			op := s[i : i+n]
			switch op {
			case "!":
				return nil, &SyntaxError{Offset: i, Msg: `"!" must be followed by "="`}
			case "==":
				op = "="
			case "<>":
				op = "!="
			}
			toks = append(toks, token{kind: tOp, text: op, pos: i, end: i + n})
			i += n
		default:
			return nil, &SyntaxError{Offset: i, Msg: fmt.Sprintf("unexpected character %q", rune(c))}
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(s), end: len(s)})
	return toks, nil
}

// lexString reads a quoted string starting at s[start] == '\”. Only \' and
// \\ are escapes, as the grammar defines.
func lexString(s string, start int) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(s) {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
			return "", 0, &SyntaxError{Offset: i, Msg: `invalid escape in string (only \' and \\ are allowed)`}
		case '\'':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return "", 0, &SyntaxError{Offset: start, Msg: "unterminated string"}
}

type parser struct {
	toks []token
	i    int
	src  string
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errf(t token, format string, args ...any) error {
	return &SyntaxError{Offset: t.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(kind tokKind, text, what string) (token, error) {
	t := p.next()
	if !t.is(kind, text) {
		return t, p.errf(t, "expected %s, found %s", what, t)
	}
	return t, nil
}

// observationExprs: obsOr (FOLLOWEDBY obsOr)*
func (p *parser) observationExprs() (ObservationExpr, error) {
	left, err := p.observationOr()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("FOLLOWEDBY") {
		p.next()
		right, err := p.observationOr()
		if err != nil {
			return nil, err
		}
		left = &ObservationOp{Op: "FOLLOWEDBY", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) observationOr() (ObservationExpr, error) {
	left, err := p.observationAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("OR") {
		p.next()
		right, err := p.observationAnd()
		if err != nil {
			return nil, err
		}
		left = &ObservationOp{Op: "OR", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) observationAnd() (ObservationExpr, error) {
	left, err := p.observationQualified()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("AND") {
		p.next()
		right, err := p.observationQualified()
		if err != nil {
			return nil, err
		}
		left = &ObservationOp{Op: "AND", Left: left, Right: right}
	}
	return left, nil
}

// observationQualified: observation qualifier*
func (p *parser) observationQualified() (ObservationExpr, error) {
	expr, err := p.observation()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		var q Qualifier
		switch {
		case t.keyword("WITHIN"):
			p.next()
			n := p.next()
			if n.kind != tInt && n.kind != tFloat {
				return nil, p.errf(n, "expected a number of seconds after WITHIN, found %s", n)
			}
			f, err := strconv.ParseFloat(n.text, 64)
			if err != nil || f <= 0 {
				return nil, p.errf(n, "WITHIN needs a positive number, found %s", n)
			}
			if u := p.next(); !u.keyword("SECONDS") {
				return nil, p.errf(u, "expected SECONDS, found %s", u)
			}
			q = Qualifier{Kind: "WITHIN", Seconds: f}
		case t.keyword("REPEATS"):
			p.next()
			n := p.next()
			v, err := strconv.ParseInt(n.text, 10, 64)
			if n.kind != tInt || err != nil || v <= 0 {
				return nil, p.errf(n, "REPEATS needs a positive integer, found %s", n)
			}
			if u := p.next(); !u.keyword("TIMES") {
				return nil, p.errf(u, "expected TIMES, found %s", u)
			}
			q = Qualifier{Kind: "REPEATS", Times: v}
		case t.keyword("START"):
			p.next()
			start, err := p.timestamp()
			if err != nil {
				return nil, err
			}
			if u := p.next(); !u.keyword("STOP") {
				return nil, p.errf(u, "expected STOP, found %s", u)
			}
			stop, err := p.timestamp()
			if err != nil {
				return nil, err
			}
			q = Qualifier{Kind: "START", Start: start, Stop: stop}
		default:
			return expr, nil
		}
		expr = &Qualified{Expr: expr, Qualifier: q}
	}
}

func (p *parser) timestamp() (time.Time, error) {
	t := p.next()
	if t.kind != tTimestamp {
		return time.Time{}, p.errf(t, "expected a timestamp t'...', found %s", t)
	}
	return parseTimestamp(p, t)
}

func parseTimestamp(p *parser, t token) (time.Time, error) {
	ts, err := time.Parse(time.RFC3339Nano, t.text)
	if err != nil || !strings.HasSuffix(t.text, "Z") {
		return time.Time{}, p.errf(t, "invalid timestamp %q (want RFC 3339 in UTC, ending in Z)", t.text)
	}
	return ts, nil
}

// observation: '[' comparisonExpr ']' | '(' observationExprs ')'
func (p *parser) observation() (ObservationExpr, error) {
	t := p.next()
	switch {
	case t.is(tPunct, "["):
		expr, err := p.comparisonOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tPunct, "]", `"]" closing the observation`); err != nil {
			return nil, err
		}
		return &Observation{Expr: expr}, nil
	case t.is(tPunct, "("):
		expr, err := p.observationExprs()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tPunct, ")", `")"`); err != nil {
			return nil, err
		}
		return expr, nil
	}
	return nil, p.errf(t, `expected "[" or "(" starting an observation expression, found %s`, t)
}

func (p *parser) comparisonOr() (ComparisonExpr, error) {
	left, err := p.comparisonAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("OR") {
		p.next()
		right, err := p.comparisonAnd()
		if err != nil {
			return nil, err
		}
		left = &ComparisonOp{Op: "OR", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) comparisonAnd() (ComparisonExpr, error) {
	left, err := p.propTest()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("AND") {
		p.next()
		right, err := p.propTest()
		if err != nil {
			return nil, err
		}
		left = &ComparisonOp{Op: "AND", Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) propTest() (ComparisonExpr, error) {
	t := p.peek()
	if t.is(tPunct, "(") {
		p.next()
		expr, err := p.comparisonOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tPunct, ")", `")"`); err != nil {
			return nil, err
		}
		return expr, nil
	}
	if t.keyword("EXISTS") {
		p.next()
		path, err := p.objectPath()
		if err != nil {
			return nil, err
		}
		return &Exists{Path: path}, nil
	}
	path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	c := &Comparison{Path: path}
	if p.peek().keyword("NOT") {
		p.next()
		c.Not = true
	}
	op := p.next()
	switch {
	case op.kind == tOp:
		c.Op = op.text
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		if c.Op != "=" && c.Op != "!=" && (lit.Kind == LitBool) {
			return nil, p.errf(op, "operator %s needs an orderable literal, not a boolean", c.Op)
		}
		c.Value = lit
	case op.keyword("IN"):
		c.Op = "IN"
		set, err := p.setLiteral()
		if err != nil {
			return nil, err
		}
		c.Value = set
	case op.keyword("LIKE"), op.keyword("MATCHES"), op.keyword("ISSUBSET"), op.keyword("ISSUPERSET"):
		c.Op = strings.ToUpper(op.text)
		s := p.next()
		if s.kind != tString {
			return nil, p.errf(s, "%s needs a string literal, found %s", c.Op, s)
		}
		c.Value = Literal{Kind: LitString, Str: s.text}
	default:
		return nil, p.errf(op, "expected a comparison operator, found %s", op)
	}
	return c, nil
}

// objectPath: type ':' first ('.' key | '[' index ']')*
func (p *parser) objectPath() (ObjectPath, error) {
	t := p.next()
	if t.kind != tIdent {
		return ObjectPath{}, p.errf(t, "expected an object type (e.g. ipv4-addr), found %s", t)
	}
	path := ObjectPath{ObjectType: t.text}
	colon := p.next()
	if !colon.is(tPunct, ":") {
		return ObjectPath{}, p.errf(colon, `expected ":" after object type %q, found %s`, t.text, colon)
	}
	first := p.next()
	if first.kind != tIdent && first.kind != tString {
		return ObjectPath{}, p.errf(first, "expected a property name after %q, found %s", t.text+":", first)
	}
	path.Steps = append(path.Steps, PathStep{Key: first.text})
	for {
		t := p.peek()
		switch {
		case t.is(tPunct, "."):
			p.next()
			k := p.next()
			if k.kind != tIdent && k.kind != tString {
				return ObjectPath{}, p.errf(k, `expected a property name after ".", found %s`, k)
			}
			path.Steps = append(path.Steps, PathStep{Key: k.text})
		case t.is(tPunct, "[") && p.i+2 < len(p.toks) && p.toks[p.i+2].is(tPunct, "]") &&
			(p.toks[p.i+1].is(tPunct, "*") || p.toks[p.i+1].kind == tInt):
			p.next()
			idx := p.next()
			p.next()
			if idx.text == "*" {
				path.Steps = append(path.Steps, PathStep{IsIndex: true, Any: true})
			} else {
				n, err := strconv.Atoi(idx.text)
				if err != nil {
					return ObjectPath{}, p.errf(idx, "invalid list index %s", idx)
				}
				path.Steps = append(path.Steps, PathStep{IsIndex: true, Index: n})
			}
		default:
			return path, nil
		}
	}
}

func (p *parser) setLiteral() (Literal, error) {
	if _, err := p.expect(tPunct, "(", `"(" starting a set`); err != nil {
		return Literal{}, err
	}
	set := Literal{Kind: LitSet, Set: []Literal{}}
	if p.peek().is(tPunct, ")") {
		p.next()
		return set, nil
	}
	for {
		lit, err := p.literal()
		if err != nil {
			return Literal{}, err
		}
		set.Set = append(set.Set, lit)
		t := p.next()
		if t.is(tPunct, ")") {
			return set, nil
		}
		if !t.is(tPunct, ",") {
			return Literal{}, p.errf(t, `expected "," or ")" in set, found %s`, t)
		}
	}
}

func (p *parser) literal() (Literal, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{Kind: LitString, Str: t.text}, nil
	case tInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return Literal{}, p.errf(t, "integer %s out of range", t.text)
		}
		return Literal{Kind: LitInt, Int: n}, nil
	case tFloat:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return Literal{}, p.errf(t, "invalid float %s", t.text)
		}
		return Literal{Kind: LitFloat, Float: f}, nil
	case tHex:
		b, err := hex.DecodeString(t.text)
		if err != nil {
			return Literal{}, p.errf(t, "invalid hex literal h'%s'", t.text)
		}
		return Literal{Kind: LitHex, Str: t.text, Bytes: b}, nil
	case tBinary:
		b, err := base64.StdEncoding.DecodeString(t.text)
		if err != nil {
			return Literal{}, p.errf(t, "invalid base64 binary literal b'%s'", t.text)
		}
		return Literal{Kind: LitBinary, Str: t.text, Bytes: b}, nil
	case tTimestamp:
		ts, err := parseTimestamp(p, t)
		if err != nil {
			return Literal{}, err
		}
		return Literal{Kind: LitTimestamp, Time: ts}, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return Literal{Kind: LitBool, Bool: true}, nil
		case "false":
			return Literal{Kind: LitBool, Bool: false}, nil
		}
	}
	return Literal{}, p.errf(t, "expected a literal, found %s", t)
}
