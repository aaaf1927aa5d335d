package pact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DateLayout is how dates are written in agreement files.
const DateLayout = "2006-01-02"

// maxFileSize bounds an agreement file; the built-in ones are about 3 KB.
const maxFileSize = 1 << 20

// ErrInvalid is wrapped by every *Error, so callers can test for a bad
// agreement file with errors.Is.
var ErrInvalid = errors.New("invalid agreement")

// Error is one problem in an agreement file: where it is and what was
// expected. Load returns several of them joined with errors.Join; use
// errors.As to get the first.
type Error struct {
	File  string // name given to Load, or the path given to LoadFile
	Line  int    // 1-based line of the field, 0 when not known
	Field string // JSON field path: "signed", "parties[2]", "obligations.response_days"; "" for the whole file
	Msg   string // what is wrong and what is expected
	Err   error  // underlying error, if any
}

// Error formats the problem as "file:line: field "x": message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.File == "" {
		b.WriteString("agreement")
	}
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrInvalid and the underlying error.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// file is the on-disk form of an Agreement: what a user writes by hand.
// Dates are "YYYY-MM-DD"; "effective" is null (or absent) when the text
// does not say when the pledge takes effect.
type file struct {
	ID           string      `json:"id"`
	Title        string      `json:"title,omitempty"`
	Parties      []string    `json:"parties"`
	Multilateral bool        `json:"multilateral,omitempty"`
	Signed       string      `json:"signed"`
	Effective    *string     `json:"effective"`
	Prohibited   string      `json:"prohibited"`
	Exclusions   []string    `json:"exclusions,omitempty"`
	Obligations  Obligations `json:"obligations"`
	Source       string      `json:"source"`
	SourceURL    string      `json:"source_url,omitempty"`
	Notes        []string    `json:"notes,omitempty"`
}

// knownFields lists the file's top-level fields for error messages.
var knownFields = "id, title, parties, multilateral, signed, effective, prohibited, exclusions, obligations, source, source_url, notes"

// MarshalJSON writes the agreement in the file format: dates as
// "YYYY-MM-DD" and "effective": null when the effective date is not known.
// The output is accepted by Load and UnmarshalJSON.
func (a Agreement) MarshalJSON() ([]byte, error) {
	f := file{
		ID:           a.ID,
		Title:        a.Title,
		Parties:      a.Parties,
		Multilateral: a.Multilateral,
		Signed:       a.Signed.Format(DateLayout),
		Prohibited:   a.Prohibited,
		Exclusions:   a.Exclusions,
		Obligations:  a.Obligations,
		Source:       a.Source,
		SourceURL:    a.SourceURL,
		Notes:        a.Notes,
	}
	if f.Parties == nil {
		f.Parties = []string{}
	}
	if a.EffectiveKnown {
		s := a.Effective.Format(DateLayout)
		f.Effective = &s
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads the file format strictly and validates it, like Load.
func (a *Agreement) UnmarshalJSON(b []byte) error {
	v, err := decode(b, "")
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Load reads one agreement in the file format from r. name (usually the
// file's path) is used in errors. Decoding is strict: an unknown field is an
// error, and so is anything that fails validation. The returned error joins
// one *Error per problem found.
func Load(r io.Reader, name string) (Agreement, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Agreement{}, fmt.Errorf("read agreement %s: %w", name, err)
	}
	if len(b) > maxFileSize {
		return Agreement{}, &Error{File: name, Msg: fmt.Sprintf("file larger than %d bytes: want one agreement as a JSON object", maxFileSize)}
	}
	return decode(b, name)
}

// LoadFile reads one agreement file; see Load.
func LoadFile(path string) (Agreement, error) {
	f, err := os.Open(path)
	if err != nil {
		return Agreement{}, fmt.Errorf("open agreement: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// LoadDir reads every *.json file in dir, in name order, and returns the
// agreements or the joined errors of every file that failed. Two files with
// the same id are an error.
func LoadDir(dir string) ([]Agreement, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list agreements in %s: %w", dir, err)
	}
	sort.Strings(paths)
	var (
		all  []Agreement
		errs []error
		seen = map[string]string{}
	)
	for _, p := range paths {
		a, err := LoadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := seen[a.ID]; ok {
			errs = append(errs, &Error{File: p, Field: "id", Msg: fmt.Sprintf("id %q is also used by %s: want a unique id", a.ID, prev)})
			continue
		}
		seen[a.ID] = p
		all = append(all, a)
	}
	return all, errors.Join(errs...)
}

// decode parses and validates one file's bytes.
func decode(b []byte, name string) (Agreement, error) {
	lines := fieldLines(b)
	lineOf := func(field string) int {
		if _, ok := lines[field]; !ok && field == "multilateral" {
			field = "parties" // absent: point at the list it is about
		}
		for field != "" {
			if l, ok := lines[field]; ok {
				return l
			}
			i := strings.LastIndexAny(field, ".[")
			if i < 0 {
				break
			}
			field = field[:i]
		}
		return 0
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return Agreement{}, &Error{File: name, Msg: "empty file: want one agreement as a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return Agreement{}, decodeError(err, b, name, lineOf)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Agreement{}, &Error{File: name, Line: lineAt(b, dec.InputOffset()), Msg: "data after the agreement object: want exactly one JSON object per file"}
	}
	a, errs := f.agreement()
	for _, e := range errs {
		e.File = name
		e.Line = lineOf(e.Field)
	}
	if len(errs) > 0 {
		joined := make([]error, len(errs))
		for i, e := range errs {
			joined[i] = e
		}
		return Agreement{}, errors.Join(joined...)
	}
	return a, nil
}

var unknownFieldRE = regexp.MustCompile(`unknown (?:field|object member name) "((?:[^"\\]|\\.)*)"`)

// decodeError turns an encoding/json error into an *Error naming the field.
func decodeError(err error, b []byte, name string, lineOf func(string) int) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return &Error{File: name, Line: lineAt(b, syn.Offset), Msg: "invalid JSON: " + syn.Error(), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{File: name, Line: lineAt(b, int64(len(b))), Msg: "invalid JSON: unexpected end of file", Err: err}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return &Error{File: name, Line: lineAt(b, typ.Offset), Msg: fmt.Sprintf("got a JSON %s: want one agreement as a JSON object", typ.Value), Err: err}
		}
		return &Error{File: name, Line: lineOf(field), Field: field, Msg: fmt.Sprintf("got a JSON %s: want %s", typ.Value, expected(field)), Err: err}
	}
	if m := unknownFieldRE.FindStringSubmatch(err.Error()); m != nil {
		field := m[1]
		path := unknownPath(b, field)
		if path == "" {
			path = field
		}
		known := knownFields
		if strings.HasPrefix(path, "obligations.") {
			known = "response_days, dialogue_months, text"
		}
		return &Error{File: name, Line: lineOf(path), Field: path, Msg: "unknown field: want one of " + known, Err: err}
	}
	return &Error{File: name, Msg: "invalid agreement: " + err.Error(), Err: err}
}

// expected says what a field holds, for type errors.
func expected(field string) string {
	switch {
	case field == "signed":
		return `a date string "YYYY-MM-DD"`
	case field == "effective":
		return `a date string "YYYY-MM-DD", or null when the text does not say`
	case field == "parties":
		return `a list of ISO 3166 alpha-2 codes like ["US", "CN"]`
	case field == "exclusions" || field == "notes" || field == "obligations.text":
		return "a list of strings"
	case field == "multilateral":
		return "true or false"
	case field == "obligations":
		return `an object like {"response_days": 30, "dialogue_months": 6}`
	case field == "obligations.response_days" || field == "obligations.dialogue_months":
		return "a whole number"
	case strings.HasPrefix(field, "parties."), strings.HasPrefix(field, "parties["):
		return "an ISO 3166 alpha-2 code string"
	}
	return "a string"
}

// unknownPath finds the full path of an unknown field name in the document.
func unknownPath(b []byte, name string) string {
	known := map[string]bool{}
	for _, f := range strings.Split(knownFields, ", ") {
		known[f] = true
	}
	for _, f := range []string{"obligations.response_days", "obligations.dialogue_months", "obligations.text"} {
		known[f] = true
	}
	var found string
	walk(b, func(path string, _ int64) {
		if found != "" {
			return
		}
		last := path
		if i := strings.LastIndex(path, "."); i >= 0 {
			last = path[i+1:]
		}
		if last == name && !known[path] && !strings.Contains(path, "[") {
			found = path
		}
	})
	return found
}

// fieldLines maps each field path of the document to its 1-based line.
func fieldLines(b []byte) map[string]int {
	m := map[string]int{}
	walk(b, func(path string, off int64) {
		if _, ok := m[path]; !ok {
			m[path] = lineAt(b, off)
		}
	})
	return m
}

// walk calls fn with the path and offset of every object member and array
// element in b, stopping at the first syntax error.
func walk(b []byte, fn func(path string, off int64)) {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		path  string
		array bool
		index int
	}
	var stack []frame
	expectKey := false
	var key string
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if !top.array && expectKey {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					expectKey = len(stack) > 0 && !stack[len(stack)-1].array
					continue
				}
				k, _ := tok.(string)
				key = join(top.path, k)
				fn(key, skipSpace(b, off))
				expectKey = false
				continue
			}
		}
		// tok is a value.
		path := ""
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.array {
				if d, ok := tok.(json.Delim); ok && d == ']' {
					stack = stack[:len(stack)-1]
					expectKey = len(stack) > 0 && !stack[len(stack)-1].array
					continue
				}
				path = top.path + "[" + strconv.Itoa(top.index) + "]"
				top.index++
				fn(path, skipSpace(b, off))
			} else {
				path = key
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{path: path})
			expectKey = true
		case json.Delim('['):
			stack = append(stack, frame{path: path, array: true})
		default:
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		}
	}
}

func join(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "." + k
}

// skipSpace moves off past white space and a separating comma or colon, to
// the first byte of the token that follows.
func skipSpace(b []byte, off int64) int64 {
	for off < int64(len(b)) {
		switch b[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// lineAt returns the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

var idRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// agreement converts and validates the file form. Errors carry the field
// but not yet the file and line.
func (f file) agreement() (Agreement, []*Error) {
	var errs []*Error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &Error{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case f.ID == "":
		bad("id", `missing id: want a short stable slug like "us-cn-2015"`)
	case len(f.ID) > 64 || !idRE.MatchString(f.ID):
		bad("id", `bad id %q: want lower-case letters, digits and single hyphens, like "us-cn-2015", at most 64 characters`, f.ID)
	}
	if strings.TrimSpace(f.Title) != f.Title {
		bad("title", "title %q has leading or trailing space", f.Title)
	}

	seen := map[string]int{}
	for i, p := range f.Parties {
		field := fmt.Sprintf("parties[%d]", i)
		switch {
		case validParty(p):
			if j, ok := seen[p]; ok {
				bad(field, "party %q is listed twice (also parties[%d]): want each party once", p, j)
			}
			seen[p] = i
		case commonMistakes[strings.ToUpper(p)] != "":
			bad(field, "party %q is not an ISO 3166 alpha-2 code: want %q", p, commonMistakes[strings.ToUpper(p)])
		case validParty(strings.ToUpper(p)):
			bad(field, "party %q is not an ISO 3166 alpha-2 code: want upper case %q", p, strings.ToUpper(p))
		default:
			bad(field, `party %q is not an ISO 3166 alpha-2 code: want a code like "US", "GB" or "CN" (or "EU")`, p)
		}
	}
	switch {
	case len(f.Parties) < 2:
		n := "no parties"
		if len(f.Parties) == 1 {
			n = "only one party"
		}
		bad("parties", "%s: want at least two ISO 3166 alpha-2 codes", n)
	case len(f.Parties) > 2 && !f.Multilateral:
		bad("multilateral", `%d parties but "multilateral" is not true: want exactly two parties, or "multilateral": true`, len(f.Parties))
	}

	signed, err := parseDate(f.Signed)
	switch {
	case f.Signed == "":
		bad("signed", `missing signing date: want "YYYY-MM-DD"`)
	case err != nil:
		bad("signed", "bad date %q: %v", f.Signed, err)
	}
	effective, known := signed, false
	if f.Effective != nil {
		e, err := parseDate(*f.Effective)
		switch {
		case err != nil:
			bad("effective", "bad date %q: %v", *f.Effective, err)
		case !signed.IsZero() && e.Before(signed):
			bad("effective", `effective date %s is before the signing date %s: want a date on or after "signed", or null when the text does not say`, *f.Effective, f.Signed)
		default:
			effective, known = e, true
		}
	}

	if strings.TrimSpace(f.Prohibited) == "" {
		bad("prohibited", "missing the prohibited conduct: want the operative text quoted from the agreement")
	}
	for i, e := range f.Exclusions {
		if strings.TrimSpace(e) == "" {
			bad(fmt.Sprintf("exclusions[%d]", i), "empty exclusion: want the text of the exclusion")
		}
	}
	if n := f.Obligations.ResponseDays; n < 0 || n > 3650 {
		bad("obligations.response_days", "%d days: want 0 (none) to 3650", n)
	}
	if n := f.Obligations.DialogueMonths; n < 0 || n > 120 {
		bad("obligations.dialogue_months", "%d months: want 0 (none) to 120", n)
	}
	for i, t := range f.Obligations.Text {
		if strings.TrimSpace(t) == "" {
			bad(fmt.Sprintf("obligations.text[%d]", i), "empty obligation: want its text")
		}
	}
	if strings.TrimSpace(f.Source) == "" {
		bad("source", "missing source: want the title of the document the text is quoted from")
	}
	if f.SourceURL != "" {
		u, err := url.Parse(f.SourceURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("source_url", "bad URL %q: want an absolute http or https URL", f.SourceURL)
		}
	}
	for i, n := range f.Notes {
		if strings.TrimSpace(n) == "" {
			bad(fmt.Sprintf("notes[%d]", i), "empty note: want text or remove it")
		}
	}
	if len(errs) > 0 {
		return Agreement{}, errs
	}
	return Agreement{
		ID:             f.ID,
		Title:          f.Title,
		Parties:        slices.Clone(f.Parties),
		Multilateral:   f.Multilateral,
		Signed:         signed,
		Effective:      effective,
		EffectiveKnown: known,
		Prohibited:     f.Prohibited,
		Exclusions:     cloneOrNil(f.Exclusions),
		Obligations: Obligations{
			ResponseDays:   f.Obligations.ResponseDays,
			DialogueMonths: f.Obligations.DialogueMonths,
			Text:           cloneOrNil(f.Obligations.Text),
		},
		Source:    f.Source,
		SourceURL: f.SourceURL,
		Notes:     cloneOrNil(f.Notes),
	}, nil
}

// cloneOrNil copies s, keeping an empty list nil so values compare equal
// after a round trip.
func cloneOrNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// parseDate reads a "YYYY-MM-DD" date as midnight UTC.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			return time.Time{}, fmt.Errorf(`want a calendar date "YYYY-MM-DD" (%s)`, strings.TrimPrefix(pe.Message, ": "))
		}
		return time.Time{}, errors.New(`want a calendar date "YYYY-MM-DD"`)
	}
	return t, nil
}
