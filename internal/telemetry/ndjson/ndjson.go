package ndjson

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/jsonline"
)

// Name is the format's identifier.
const Name = "ndjson"

// Format is generic newline-delimited JSON read through a FieldMap. The zero
// Format uses DefaultFieldMap.
type Format struct {
	Map FieldMap
}

var (
	_ telemetry.Format  = Format{}
	_ telemetry.Decoder = (*Decoder)(nil)
	_ telemetry.Cloner  = (*Decoder)(nil)
)

// Name returns "ndjson".
func (Format) Name() string { return Name }

// Sniff reports whether the first non-blank line of head starts a JSON
// object (a single line cut off by the end of head counts); NDJSON is the
// fallback after the specific JSON formats.
func (Format) Sniff(_ string, head []byte) bool {
	return jsonline.SniffObject(head, false, func(*fastjson.Value) bool { return true },
		func(_ []byte, complete bool) bool { return !complete })
}

// NewDecoder returns a decoder using f.Map, or DefaultFieldMap when it is
// nil. Unknown field names in the map are ignored (FieldMap.Validate reports
// them).
func (f Format) NewDecoder() telemetry.Decoder { return NewDecoder(f.Map) }

// path is one compiled alternative of a FieldMap entry.
type path struct {
	raw  string   // the whole dotted path, tried as one literal key too
	keys []string // split at dots
}

// Decoder decodes NDJSON lines through a FieldMap. It is not safe for
// concurrent use; lines decode independently, so parallel workers each take
// a Clone.
type Decoder struct {
	m     FieldMap
	paths [nFields][]path
	p     fastjson.Parser
}

const (
	fTime = iota
	fSensor
	fKind
	fUID
	fProto
	fSrcIP
	fSrcPort
	fDstIP
	fDstPort
	fDomain
	fURL
	fMD5
	fSHA1
	fSHA256
	fJA3
	fBytesOut
	fBytesIn
	fSignature
	fAction
	fTechniques
	fFiles
	nFields
)

// NewDecoder compiles m (DefaultFieldMap when nil) into a Decoder.
func NewDecoder(m FieldMap) *Decoder {
	if m == nil {
		m = DefaultFieldMap()
	}
	d := &Decoder{m: m}
	for i, name := range Fields {
		spec, ok := m[name]
		if !ok {
			continue
		}
		for alt := range strings.SplitSeq(spec, "|") {
			alt = strings.TrimSpace(alt)
			if alt == "" {
				continue
			}
			d.paths[i] = append(d.paths[i], path{raw: alt, keys: strings.Split(alt, ".")})
		}
	}
	return d
}

// Clone returns a fresh decoder with the same field map.
func (d *Decoder) Clone() telemetry.Decoder {
	c := &Decoder{m: d.m, paths: d.paths}
	return c
}

// get returns the first value found for field i and the path it came from.
func (d *Decoder) get(root *fastjson.Value, i int) (*fastjson.Value, string) {
	for _, p := range d.paths[i] {
		v := root.Get(p.keys...)
		if v == nil && len(p.keys) > 1 {
			v = root.Get(p.raw)
		}
		if v == nil && len(p.keys) > 2 {
			// mixed nesting: {"id": {"orig_h": ...}} vs {"a": {"b.c": ...}}
			v = getMixed(root, p.keys)
		}
		if v != nil && v.Type() != fastjson.TypeNull {
			return v, p.raw
		}
	}
	return nil, ""
}

// getMixed tries every way of joining keys into nested objects with dotted
// names, first split first.
func getMixed(v *fastjson.Value, keys []string) *fastjson.Value {
	for i := 1; i <= len(keys); i++ {
		next := v.Get(strings.Join(keys[:i], "."))
		if next == nil {
			continue
		}
		if i == len(keys) {
			return next
		}
		if r := getMixed(next, keys[i:]); r != nil {
			return r
		}
	}
	return nil
}

func (d *Decoder) str(root *fastjson.Value, i int) (string, string) {
	v, p := d.get(root, i)
	if v == nil {
		return "", ""
	}
	if v.Type() == fastjson.TypeArray { // ECS allows arrays for keyword fields
		a, _ := v.Array()
		if len(a) == 0 {
			return "", ""
		}
		v = a[0]
	}
	b, ok := jsonline.Text(nil, v)
	if !ok {
		return "", p
	}
	return string(b), p
}

// Decode parses one line. Blank lines carry no event.
func (d *Decoder) Decode(line []byte, ev *telemetry.Event) (bool, error) {
	line = jsonline.TrimLine(line)
	if len(line) == 0 {
		return false, nil
	}
	root, err := d.p.ParseBytes(line)
	if err != nil {
		return false, &telemetry.ParseError{Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	if root.Type() != fastjson.TypeObject {
		return false, &telemetry.ParseError{Err: errors.New("not a JSON object")}
	}
	ev.Format = Name
	if v, p := d.get(root, fTime); v != nil {
		if ev.Time, err = parseTime(v); err != nil {
			return false, telemetry.FieldError(p, err)
		}
	}
	ev.Sensor, _ = d.str(root, fSensor)
	ev.Kind, _ = d.str(root, fKind)
	ev.UID, _ = d.str(root, fUID)
	if s, _ := d.str(root, fProto); s != "" {
		ev.Proto = strings.ToLower(s)
	}
	if s, p := d.str(root, fSrcIP); s != "" {
		if ev.SrcIP, err = telemetry.ParseIP(s); err != nil {
			return false, telemetry.FieldError(p, err)
		}
	}
	if s, p := d.str(root, fDstIP); s != "" {
		if ev.DstIP, err = telemetry.ParseIP(s); err != nil {
			return false, telemetry.FieldError(p, err)
		}
	}
	if s, p := d.str(root, fSrcPort); s != "" {
		if ev.SrcPort, err = telemetry.ParsePort(s); err != nil {
			return false, telemetry.FieldError(p, err)
		}
	}
	if s, p := d.str(root, fDstPort); s != "" {
		if ev.DstPort, err = telemetry.ParsePort(s); err != nil {
			return false, telemetry.FieldError(p, err)
		}
	}
	if s, _ := d.str(root, fDomain); s != "" && !telemetry.IsIPLiteral(s) {
		ev.Domain = telemetry.NormDomain(s)
	}
	ev.URL, _ = d.str(root, fURL)
	if s, _ := d.str(root, fMD5); s != "" {
		ev.MD5 = telemetry.NormHash(s)
	}
	if s, _ := d.str(root, fSHA1); s != "" {
		ev.SHA1 = telemetry.NormHash(s)
	}
	if s, _ := d.str(root, fSHA256); s != "" {
		ev.SHA256 = telemetry.NormHash(s)
	}
	if s, _ := d.str(root, fJA3); s != "" {
		ev.JA3 = telemetry.NormHash(s)
	}
	if ev.BytesOut, err = d.count(root, fBytesOut); err != nil {
		return false, err
	}
	if ev.BytesIn, err = d.count(root, fBytesIn); err != nil {
		return false, err
	}
	ev.Signature, _ = d.str(root, fSignature)
	ev.Action, _ = d.str(root, fAction)
	if v, _ := d.get(root, fTechniques); v != nil {
		for _, t := range jsonline.Strings(v) {
			if t = strings.TrimSpace(t); t != "" {
				ev.Techniques = append(ev.Techniques, t)
			}
		}
	}
	if v, _ := d.get(root, fFiles); v != nil {
		for _, f := range jsonline.Strings(v) {
			ev.AddFile(telemetry.BaseName(f))
		}
	}
	return true, nil
}

func (d *Decoder) count(root *fastjson.Value, i int) (int64, error) {
	s, p := d.str(root, i)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f < 0 || f > math.MaxInt64/2 {
			return 0, telemetry.FieldErrorf(p, "invalid count %q", s)
		}
		n = int64(f)
	}
	return n, nil
}

// parseTime accepts an RFC 3339 / ISO 8601 string, or epoch seconds,
// milliseconds, microseconds or nanoseconds as a number or numeric string
// (told apart by magnitude).
func parseTime(v *fastjson.Value) (time.Time, error) {
	var s string
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		s = strings.TrimSpace(string(b))
		if len(s) >= 10 && s[4] == '-' {
			return telemetry.ParseTime(s)
		}
	case fastjson.TypeNumber:
		s = string(v.MarshalTo(nil))
	default:
		return time.Time{}, errors.New("not a timestamp")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
	}
	a := math.Abs(f)
	switch {
	case a >= 1e17: // nanoseconds
		return time.Unix(0, int64(f)).UTC(), nil
	case a >= 1e14: // microseconds
		return time.UnixMicro(int64(f)).UTC(), nil
	case a >= 1e11: // milliseconds
		if strings.ContainsAny(s, ".eE") {
			return time.Unix(0, int64(f*1e6)).UTC(), nil
		}
		return time.UnixMilli(int64(f)).UTC(), nil
	}
	if t, err := telemetry.ParseEpoch(s); err == nil {
		return t, nil
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}
