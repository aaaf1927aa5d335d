package org

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// Conditions a validation Error wraps; check them with errors.Is.
var (
	ErrSyntax          = errors.New("malformed organisations file")
	ErrMissing         = errors.New("missing required field")
	ErrDuplicateID     = errors.New("duplicate organisation id")
	ErrBadCountry      = errors.New("bad country code")
	ErrBadSector       = errors.New("sector not in the STIX industry-sector vocabulary")
	ErrBadCIDR         = errors.New("bad network")
	ErrDuplicateSensor = errors.New("sensor claimed by two organisations")
	ErrDuplicateNet    = errors.New("network claimed by two organisations")
)

// maxErrors bounds how many validation errors one Load reports.
const maxErrors = 50

// Error is one problem in an organisations file. It names the file, the
// line where the organisation's object starts, the organisation (index and
// id) and the field.
type Error struct {
	File  string // name given to Load
	Line  int    // 1-based; 0 when unknown
	Index int    // position in the "organisations" list; -1 for file-level problems
	ID    string // organisation id when known
	Field string // "networks[1]", "sector" ...; empty for file-level problems
	Err   error  // wraps one of the Err* conditions
}

// Error formats as "file:line: organisations[i] (id): field: problem".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, ": organisations[%d]", e.Index)
		if e.ID != "" {
			fmt.Fprintf(&b, " (%s)", e.ID)
		}
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the condition.
func (e *Error) Unwrap() error { return e.Err }

// file is the on-disk shape.
type file struct {
	Organisations []rawOrg `json:"organisations"`
}

type rawOrg struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Country    string   `json:"country"`
	Sector     string   `json:"sector"`
	Networks   []string `json:"networks"`
	Sensors    []string `json:"sensors"`
	StateOwned bool     `json:"state_owned"`
}

// LoadFile reads and validates the organisations file at path.
func LoadFile(path string) ([]Organisation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open organisations: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// Load reads and validates an organisations file:
//
//	{"organisations":[{"id":"acme","name":"Acme","country":"US","sector":"technology",
//	  "networks":["10.1.0.0/16"],"sensors":["sensor-a"],"state_owned":false}]}
//
// name is used in error messages. Every problem found is reported (up to a
// bound), joined with errors.Join, each an *Error; on any problem Load
// returns no organisations. Country codes are upper-cased, networks masked
// to their prefix, a bare address taken as a single-host network, and an
// empty name defaults to the id.
func Load(r io.Reader, name string) ([]Organisation, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	raws, starts, err := decode(data, name)
	if err != nil {
		return nil, err
	}
	v := validator{file: name, ids: map[string]int{}, sensors: map[string]string{}, nets: map[netip.Prefix]string{}}
	orgs := make([]Organisation, 0, len(raws))
	for i, ro := range raws {
		o := v.check(i, lineAt(data, starts[i]), ro)
		orgs = append(orgs, o)
	}
	if len(v.errs) > 0 {
		if v.more > 0 {
			v.errs = append(v.errs, fmt.Errorf("%s: %d more problems not shown", name, v.more))
		}
		return nil, errors.Join(v.errs...)
	}
	return orgs, nil
}

// decode parses the top-level object, returning each organisation with the
// byte offset where its object starts.
func decode(data []byte, name string) ([]rawOrg, []int64, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	syntax := func(err error) error {
		line := lineAt(data, dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = lineAt(data, se.Offset)
		}
		return &Error{File: name, Line: line, Index: -1, Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
	}
	expect := func(want json.Delim) error {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return syntax(fmt.Errorf("got %v, want %q", tok, want))
		}
		return nil
	}
	if err := expect('{'); err != nil {
		return nil, nil, err
	}
	var (
		raws   []rawOrg
		starts []int64
		seen   bool
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, syntax(err)
		}
		key, _ := tok.(string)
		if key != "organisations" {
			return nil, nil, syntax(fmt.Errorf("unknown top-level field %q, want \"organisations\"", key))
		}
		if seen {
			return nil, nil, syntax(errors.New(`"organisations" given twice`))
		}
		seen = true
		if err := expect('['); err != nil {
			return nil, nil, err
		}
		for dec.More() {
			start := dec.InputOffset()
			var ro rawOrg
			if err := dec.Decode(&ro); err != nil {
				e := syntax(err).(*Error)
				e.Index = len(raws)
				e.Line = lineAt(data, skipSep(data, start))
				return nil, nil, e
			}
			raws = append(raws, ro)
			starts = append(starts, skipSep(data, start))
		}
		if err := expect(']'); err != nil {
			return nil, nil, err
		}
	}
	if err := expect('}'); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, syntax(errors.New("data after the top-level object"))
	}
	if !seen {
		return nil, nil, &Error{File: name, Line: 1, Index: -1, Field: "organisations", Err: ErrMissing}
	}
	return raws, starts, nil
}

// skipSep moves off past white space and a list comma to an element's start.
func skipSep(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

type validator struct {
	file    string
	ids     map[string]int
	sensors map[string]string
	nets    map[netip.Prefix]string
	errs    []error
	more    int
}

func (v *validator) fail(i, line int, id, field string, err error) {
	if len(v.errs) >= maxErrors {
		v.more++
		return
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: line, Index: i, ID: id, Field: field, Err: err})
}

func (v *validator) check(i, line int, ro rawOrg) Organisation {
	o := Organisation{
		ID:         strings.TrimSpace(ro.ID),
		Name:       strings.TrimSpace(ro.Name),
		Country:    strings.ToUpper(strings.TrimSpace(ro.Country)),
		Sector:     strings.ToLower(strings.TrimSpace(ro.Sector)),
		StateOwned: ro.StateOwned,
	}
	id := o.ID
	switch {
	case id == "":
		v.fail(i, line, id, "id", ErrMissing)
	case strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		v.fail(i, line, id, "id", fmt.Errorf("%w: id %q contains white space or control characters", ErrMissing, id))
	default:
		if prev, dup := v.ids[id]; dup {
			v.fail(i, line, id, "id", fmt.Errorf("%w: also organisations[%d]", ErrDuplicateID, prev))
		} else {
			v.ids[id] = i
		}
	}
	if o.Name == "" {
		o.Name = id
	}
	switch {
	case o.Country == "":
		v.fail(i, line, id, "country", ErrMissing)
	case !isAlpha2(o.Country):
		v.fail(i, line, id, "country", fmt.Errorf("%w %q: want an ISO 3166 alpha-2 code such as US, GB, CN", ErrBadCountry, ro.Country))
	case o.Country == "UK":
		v.fail(i, line, id, "country", fmt.Errorf("%w %q: the ISO 3166 code of the United Kingdom is GB", ErrBadCountry, ro.Country))
	}
	switch {
	case o.Sector == "":
		v.fail(i, line, id, "sector", fmt.Errorf("%w: want one of %s", ErrMissing, strings.Join(Sectors, ", ")))
	case !ValidSector(o.Sector):
		v.fail(i, line, id, "sector", fmt.Errorf("%w: %q, want one of %s", ErrBadSector, ro.Sector, strings.Join(Sectors, ", ")))
	}
	for j, s := range ro.Networks {
		field := fmt.Sprintf("networks[%d]", j)
		p, err := parseNetwork(s)
		if err != nil {
			v.fail(i, line, id, field, fmt.Errorf("%w %q: %w", ErrBadCIDR, s, err))
			continue
		}
		if other, dup := v.nets[p]; dup {
			v.fail(i, line, id, field, fmt.Errorf("%w: %s also belongs to %q", ErrDuplicateNet, p, other))
			continue
		}
		v.nets[p] = id
		o.Networks = append(o.Networks, p)
	}
	for j, s := range ro.Sensors {
		field := fmt.Sprintf("sensors[%d]", j)
		s = strings.TrimSpace(s)
		if s == "" {
			v.fail(i, line, id, field, fmt.Errorf("%w: empty sensor name", ErrMissing))
			continue
		}
		if other, dup := v.sensors[s]; dup {
			v.fail(i, line, id, field, fmt.Errorf("%w: %q also belongs to %q", ErrDuplicateSensor, s, other))
			continue
		}
		v.sensors[s] = id
		o.Sensors = append(o.Sensors, s)
	}
	return o
}

// parseNetwork accepts a CIDR prefix (masked to its network) or a bare
// address (a single-host prefix). IPv4-mapped IPv6 forms become IPv4.
func parseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a.Zone() != "" {
			return netip.Prefix{}, errors.New("zoned addresses are not networks")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		bits := p.Bits() - 96
		if bits < 0 {
			return netip.Prefix{}, errors.New("IPv4-mapped prefix shorter than /96")
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), bits)
	}
	return p.Masked(), nil
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
