package zeek

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/jsonline"
)

// JSONName is the identifier of the Zeek JSON format.
const JSONName = "zeek-json"

// JSONFormat is Zeek's JSON streaming log form: one object per line, with
// flat dotted keys ("id.orig_h") and "_path" naming the log when written by
// the JSON streaming writer.
type JSONFormat struct{}

var (
	_ telemetry.Format      = JSONFormat{}
	_ telemetry.NamedFormat = JSONFormat{}
	_ telemetry.Decoder     = (*JSONDecoder)(nil)
	_ telemetry.Cloner      = (*JSONDecoder)(nil)
)

// Name returns "zeek-json".
func (JSONFormat) Name() string { return JSONName }

// Sniff reports whether the first JSON object of head looks like a Zeek
// record: it has "_path", or "ts" together with "uid" or "id.orig_h", or the
// file is named like a Zeek log and the object is not EVE.
func (JSONFormat) Sniff(path string, head []byte) bool {
	named := IsKnownLog(path)
	return jsonline.SniffObject(head, true, func(v *fastjson.Value) bool {
		if v.Get("_path") != nil {
			return true
		}
		if v.Get("event_type") != nil {
			return false
		}
		if v.Get("ts") != nil && (v.Get("uid") != nil || v.Get("id.orig_h") != nil) {
			return true
		}
		return named
	}, func(line []byte, _ bool) bool {
		if bytes.Contains(line, []byte(`"_path"`)) {
			return true
		}
		if bytes.Contains(line, []byte(`"event_type"`)) {
			return false
		}
		return named || bytes.Contains(line, []byte(`"ts"`)) && bytes.Contains(line, []byte(`"id.orig_h"`))
	})
}

// NewDecoder returns a decoder with no file name hint.
func (JSONFormat) NewDecoder() telemetry.Decoder { return NewJSONDecoder("") }

// NewNamedDecoder returns a decoder that takes the log path from name when a
// record has no "_path".
func (JSONFormat) NewNamedDecoder(name string) telemetry.Decoder { return NewJSONDecoder(name) }

// JSONDecoder decodes Zeek JSON lines. It is not safe for concurrent use;
// lines decode independently, so parallel workers each take a Clone.
type JSONDecoder struct {
	path    string // from the file name, for records without _path
	p       fastjson.Parser
	v       values
	scratch []byte
	key     []byte
}

// NewJSONDecoder returns a decoder for the input called name ("" if
// unknown); see PathFromName.
func NewJSONDecoder(name string) *JSONDecoder {
	return &JSONDecoder{path: PathFromName(name)}
}

// Clone returns a fresh decoder with the same file name hint.
func (d *JSONDecoder) Clone() telemetry.Decoder { return &JSONDecoder{path: d.path} }

// Decode parses one line. Blank lines and '#' comment lines carry no event.
func (d *JSONDecoder) Decode(line []byte, ev *telemetry.Event) (bool, error) {
	line = jsonline.TrimLine(line)
	if len(line) == 0 || line[0] == '#' {
		return false, nil
	}
	root, err := d.p.ParseBytes(line)
	if err != nil {
		return false, &telemetry.ParseError{Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	o, err := root.Object()
	if err != nil {
		return false, &telemetry.ParseError{Err: errors.New("not a JSON object")}
	}
	d.v.reset()
	d.scratch = d.scratch[:0]
	d.key = d.key[:0]
	o.Visit(d.visit)
	ev.Format = JSONName
	if err := d.v.apply(ev, d.path); err != nil {
		return false, err
	}
	return true, nil
}

// visit collects one key. Nested objects ({"id": {"orig_h": ...}}) are
// flattened to dotted keys, as Zeek itself writes them.
func (d *JSONDecoder) visit(k []byte, v *fastjson.Value) {
	if v.Type() == fastjson.TypeObject {
		if len(d.key) > 0 { // one level of nesting is enough for Zeek's records
			return
		}
		d.key = append(append(d.key[:0], k...), '.')
		o, _ := v.Object()
		o.Visit(d.visit)
		d.key = d.key[:0]
		return
	}
	var s slot
	var ok bool
	if len(d.key) > 0 {
		n := len(d.key)
		d.key = append(d.key, k...)
		s, ok = slotNames[string(d.key)]
		d.key = d.key[:n]
	} else {
		s, ok = slotNames[string(k)]
	}
	if !ok {
		return
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return
	case fastjson.TypeArray:
		a, _ := v.Array()
		d.v.has[s] = true
		for _, e := range a {
			start := len(d.scratch)
			var ok bool
			if d.scratch, ok = jsonline.Text(d.scratch, e); ok {
				d.v.list[s] = append(d.v.list[s], d.scratch[start:len(d.scratch):len(d.scratch)])
			}
		}
		if !listSlot[s] && len(d.v.list[s]) > 0 {
			d.v.text[s] = d.v.list[s][0]
		}
	default:
		start := len(d.scratch)
		var ok bool
		if d.scratch, ok = jsonline.Text(d.scratch, v); !ok {
			return
		}
		t := d.scratch[start:len(d.scratch):len(d.scratch)]
		d.v.has[s] = true
		d.v.text[s] = t
		if listSlot[s] {
			d.v.list[s] = append(d.v.list[s], t)
		}
	}
}
