package ioclist

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Options describe what the list claims; a list carries no metadata of its
// own.
type Options struct {
	Actor      string // actor the list indicates (put in Indicator.Indicates); empty: none
	Source     string // who claims it; empty: the file's base name
	TLP        string // "clear", "green", "amber", "amber+strict", "red"; empty: unmarked
	Confidence int    // STIX 0..100; 0 unknown
}

// ErrNoValue is returned by ParseLine for blank and comment lines.
var ErrNoValue = errors.New("no indicator on line")

// typeNames maps explicit type names (pactwatch, STIX, MISP and common
// feed spellings) to indicator types. "ip" types are detected from the value.
var typeNames = map[string]intel.Type{
	"ipv4": intel.IPv4, "ipv4-addr": intel.IPv4, "ip4": intel.IPv4,
	"ipv6": intel.IPv6, "ipv6-addr": intel.IPv6, "ip6": intel.IPv6,
	"ip": "ip", "ip-dst": "ip", "ip-src": "ip", "ip-addr": "ip", "ipaddress": "ip", "ip address": "ip",
	"cidr": intel.CIDR, "netblock": intel.CIDR,
	"domain": intel.Domain, "domain-name": intel.Domain, "hostname": intel.Domain, "fqdn": intel.Domain, "host": intel.Domain,
	"url": intel.URL, "uri": intel.URL, "link": intel.URL,
	"md5": intel.MD5, "sha1": intel.SHA1, "sha-1": intel.SHA1, "sha256": intel.SHA256, "sha-256": intel.SHA256,
	"ja3": intel.JA3, "ja3-fingerprint-md5": intel.JA3, "ja3_hash": intel.JA3,
	"email": intel.Email, "email-addr": intel.Email, "email-src": intel.Email, "email-dst": intel.Email,
	"email-address": intel.Email, "e-mail": intel.Email,
}

// TypeName maps an explicit type name ("ipv4", "ip-dst", "domain-name",
// "hostname", "SHA-256", "ja3", "email-src" ...) to its indicator type.
// The generic IP names map to "ip", meaning: IPv4, IPv6 or CIDR by value.
func TypeName(name string) (intel.Type, bool) {
	t, ok := typeNames[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// ParseLine parses one line of a plain list. It returns ErrNoValue for
// blank and comment lines; otherwise the type and normalised value, or an
// error wrapping intel.ErrBadValue. Accepted forms: "value",
// "value;comment" (LOKI), "type:value", "value,type", defanged values.
// comment is the LOKI comment, if any.
func ParseLine(line string) (t intel.Type, value, comment string, err error) {
	s := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
		return "", "", "", ErrNoValue
	}
	if v, c, ok := strings.Cut(s, ";"); ok {
		s, comment = strings.TrimSpace(v), strings.TrimSpace(c)
	}
	if s == "" {
		return "", "", comment, fmt.Errorf("%w: empty value before ';'", intel.ErrBadValue)
	}
	// "type:value"
	if name, v, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(v, "//") {
		if typ, ok := TypeName(name); ok {
			t, value, err = typed(typ, v)
			return t, value, comment, err
		}
	}
	// "value,type"
	if i := strings.LastIndexByte(s, ','); i > 0 {
		if typ, ok := TypeName(s[i+1:]); ok {
			t, value, err = typed(typ, s[:i])
			return t, value, comment, err
		}
	}
	t, value, err = intel.Detect(s)
	return t, value, comment, err
}

// typed normalises v as typ; "ip" types pick IPv4, IPv6 or CIDR by value.
func typed(typ intel.Type, v string) (intel.Type, string, error) {
	v = strings.TrimSpace(v)
	if typ == "ip" {
		t, n, err := intel.Detect(v)
		if err != nil {
			return "", "", err
		}
		if t != intel.IPv4 && t != intel.IPv6 && t != intel.CIDR {
			return "", "", fmt.Errorf("%w: %q is not an IP address", intel.ErrBadValue, v)
		}
		return t, n, nil
	}
	if (typ == intel.IPv4 || typ == intel.IPv6) && strings.Contains(v, "/") {
		typ = intel.CIDR
	}
	n, err := intel.Normalise(typ, v)
	if err != nil {
		return "", "", err
	}
	return typ, n, nil
}

// ReadFile reads an IOC list file; see Read.
func ReadFile(ctx context.Context, path string, opt Options) (*intel.Collection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read ioc list: %w", err)
	}
	defer f.Close()
	return Read(ctx, f, path, opt)
}

// Read reads an IOC list: a CSV export when the first content line is a
// header naming a value column, a plain list otherwise. file names the
// input in Unsupported entries and is the default Source. Duplicate values
// are kept once. Indicators are sorted by id.
func Read(ctx context.Context, r io.Reader, file string, opt Options) (*intel.Collection, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read ioc list %s: %w", file, err)
	}
	b := &builder{c: &intel.Collection{}, file: file, opt: opt, seen: map[string]bool{}}
	if b.opt.Source == "" {
		b.opt.Source = filepath.Base(file)
	}
	if hdr, ok := csvHeader(data); ok {
		err = b.readCSV(ctx, data, hdr)
	} else {
		err = b.readLines(ctx, data)
	}
	if err != nil {
		return nil, err
	}
	intel.SortCollection(b.c)
	return b.c, nil
}

type builder struct {
	c       *intel.Collection
	file    string
	opt     Options
	seen    map[string]bool
	emit    func(part int, v *Value) // ScanValues' callback, instead of c.Indicators
	part    int                      // the part emit is told
	val     Value                    // what emit is given
	run     []Item                   // values not emitted yet (see Value.Run)
	runName string                   // their name
	off     int                      // the offset in the data of the text being read
}

func (b *builder) add(t intel.Type, v, name string) {
	if b.emit != nil {
		b.flush()
		b.val = Value{Type: t, Value: v, Name: name}
		b.emit(b.part, &b.val)
		return
	}
	id := intel.IndicatorID(t, v)
	if b.seen[id] {
		return
	}
	b.seen[id] = true
	ind := intel.Indicator{
		ID: id, Type: t, Value: v, Name: name, Confidence: b.opt.Confidence, TLP: b.opt.TLP, Source: b.opt.Source,
	}
	if b.opt.Actor != "" {
		ind.Indicates = []string{b.opt.Actor}
	}
	b.c.Indicators = append(b.c.Indicators, ind)
}

// maxInput bounds the input kept in an Unsupported entry (CSV cells can
// hold whole YARA rules).
const maxInput = 200

func (b *builder) unsupported(line int64, input, reason string) {
	if len(input) > maxInput {
		input = strings.ToValidUTF8(input[:maxInput], "") + "…"
	}
	b.c.Unsupported = append(b.c.Unsupported, intel.Unsupported{File: b.file, Line: line, Input: input, Reason: reason})
}

func (b *builder) readLines(ctx context.Context, data []byte) error {
	return b.scanLines(ctx, data, 1)
}

var (
	valueColumns = []string{"value", "indicator", "ioc", "observable", "indicator_value", "ioc_value"}
	typeColumns  = []string{"type", "indicator_type", "ioc_type", "kind"}
	nameColumns  = []string{"comment", "description", "name"}
)

type header struct {
	value, typ, name int
}

// csvHeader reports whether data starts (after blank and comment lines)
// with a CSV header naming a value column.
func csvHeader(data []byte) (header, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
			continue
		}
		if !strings.Contains(s, ",") {
			return header{}, false
		}
		rec, err := csv.NewReader(strings.NewReader(s)).Read()
		if err != nil {
			return header{}, false
		}
		h := header{value: -1, typ: -1, name: -1}
		for i, cell := range rec {
			c := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")))
			switch {
			case h.value < 0 && slices.Contains(valueColumns, c):
				h.value = i
			case h.typ < 0 && slices.Contains(typeColumns, c):
				h.typ = i
			case h.name < 0 && slices.Contains(nameColumns, c):
				h.name = i
			}
		}
		return h, h.value >= 0
	}
	return header{}, false
}

func (b *builder) readCSV(ctx context.Context, data []byte, h header) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.Comment = '#'
	first := true
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != csv.ErrFieldCount {
				b.unsupported(int64(pe.Line), "", "csv: "+pe.Err.Error())
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					continue
				}
				return fmt.Errorf("read ioc csv %s: %w", b.file, err)
			}
		}
		if first {
			first = false // the header row
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if h.value >= len(rec) {
			b.unsupported(int64(line), strings.Join(rec, ","), "row has no value column")
			continue
		}
		value := strings.TrimSpace(rec[h.value])
		name := ""
		if h.name >= 0 && h.name < len(rec) {
			name = strings.TrimSpace(rec[h.name])
		}
		typeName := ""
		if h.typ >= 0 && h.typ < len(rec) {
			typeName = strings.TrimSpace(rec[h.typ])
		}
		b.csvValue(int64(line), typeName, value, name)
	}
}

// csvValue adds one CSV value. MISP composite types ("domain|ip",
// "filename|md5") carry one value per part.
func (b *builder) csvValue(line int64, typeName, value, name string) {
	if typeName == "" {
		t, v, err := intel.Detect(value)
		if err != nil {
			b.unsupported(line, value, err.Error())
			return
		}
		b.add(t, v, name)
		return
	}
	names := strings.Split(typeName, "|")
	values := strings.Split(value, "|")
	if len(names) != len(values) {
		names, values = []string{typeName}, []string{value}
	}
	added := false
	var reasons []string
	for i, tn := range names {
		typ, ok := TypeName(tn)
		if !ok {
			reasons = append(reasons, fmt.Sprintf("type %q is not an indicator type", tn))
			continue
		}
		t, v, err := typed(typ, values[i])
		if err != nil {
			reasons = append(reasons, err.Error())
			continue
		}
		b.add(t, v, name)
		added = true
	}
	if !added {
		b.unsupported(line, typeName+","+value, strings.Join(reasons, "; "))
	}
}
