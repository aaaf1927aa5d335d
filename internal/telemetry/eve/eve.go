package eve

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/jsonline"
)

// Name is the format's identifier.
const Name = "eve"

// Format is Suricata EVE JSON.
type Format struct{}

var (
	_ telemetry.Format  = Format{}
	_ telemetry.Decoder = (*Decoder)(nil)
	_ telemetry.Cloner  = (*Decoder)(nil)
)

// Name returns "eve".
func (Format) Name() string { return Name }

// Sniff reports whether the first JSON object of head carries EVE's
// "event_type" and "timestamp" keys.
func (Format) Sniff(_ string, head []byte) bool {
	return jsonline.SniffObject(head, false, func(v *fastjson.Value) bool {
		return v.Get("event_type") != nil && v.Get("timestamp") != nil
	}, func(line []byte, _ bool) bool {
		return bytes.Contains(line, []byte(`"event_type"`)) && bytes.Contains(line, []byte(`"timestamp"`))
	})
}

// NewDecoder returns a new Decoder.
func (Format) NewDecoder() telemetry.Decoder { return NewDecoder() }

// Decoder decodes EVE lines. It reuses one JSON parser, so it is not safe
// for concurrent use; lines decode independently, so parallel workers each
// take a Clone.
type Decoder struct {
	p fastjson.Parser
	r record
}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{} }

// Clone returns a fresh Decoder (EVE lines carry no shared state).
func (d *Decoder) Clone() telemetry.Decoder { return NewDecoder() }

// record holds the top-level values of one EVE object.
type record struct {
	timestamp, eventType, host, iface, srcIP, destIP, proto, direction *fastjson.Value
	srcPort, destPort, flowID                                          *fastjson.Value
	alert, dns, http, tls, fileinfo, flow, netflow, smtp, email        *fastjson.Value
}

func (r *record) visit(k []byte, v *fastjson.Value) {
	switch string(k) {
	case "timestamp":
		r.timestamp = v
	case "event_type":
		r.eventType = v
	case "host":
		r.host = v
	case "in_iface":
		r.iface = v
	case "src_ip":
		r.srcIP = v
	case "dest_ip":
		r.destIP = v
	case "src_port":
		r.srcPort = v
	case "dest_port":
		r.destPort = v
	case "proto":
		r.proto = v
	case "flow_id":
		r.flowID = v
	case "direction":
		r.direction = v
	case "alert":
		r.alert = v
	case "dns":
		r.dns = v
	case "http":
		r.http = v
	case "tls":
		r.tls = v
	case "fileinfo":
		r.fileinfo = v
	case "flow":
		r.flow = v
	case "netflow":
		r.netflow = v
	case "smtp":
		r.smtp = v
	case "email":
		r.email = v
	}
}

var errMissing = errors.New("missing")

// Decode parses one EVE line into ev. Blank lines carry no event.
func (d *Decoder) Decode(line []byte, ev *telemetry.Event) (bool, error) {
	line = jsonline.TrimLine(line)
	if len(line) == 0 {
		return false, nil
	}
	v, err := d.p.ParseBytes(line)
	if err != nil {
		return false, &telemetry.ParseError{Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	o, err := v.Object()
	if err != nil {
		return false, &telemetry.ParseError{Err: errors.New("not a JSON object")}
	}
	d.r = record{}
	r := &d.r
	o.Visit(r.visit)

	ev.Format = Name
	ts := jsonline.Bytes(r.timestamp)
	if ts == nil {
		return false, telemetry.FieldError("timestamp", errMissing)
	}
	if ev.Time, err = telemetry.ParseTime(string(ts)); err != nil {
		return false, telemetry.FieldError("timestamp", err)
	}
	et := jsonline.Bytes(r.eventType)
	if len(et) == 0 {
		return false, telemetry.FieldError("event_type", errMissing)
	}
	ev.Kind = jsonline.Intern(et)
	if r.flowID != nil && r.flowID.Type() == fastjson.TypeNumber {
		ev.UID = string(r.flowID.MarshalTo(nil))
	}
	if b := jsonline.Bytes(r.host); len(b) > 0 {
		ev.Sensor = string(b)
	} else if b := jsonline.Bytes(r.iface); len(b) > 0 {
		ev.Sensor = jsonline.Intern(b)
	}
	if b := jsonline.Bytes(r.proto); len(b) > 0 {
		ev.Proto = jsonline.Lower(jsonline.Intern(b))
	} else if r.proto != nil && r.proto.Type() == fastjson.TypeNumber {
		ev.Proto = string(r.proto.MarshalTo(nil))
	}
	if ev.SrcIP, err = addr(r.srcIP); err != nil {
		return false, telemetry.FieldError("src_ip", err)
	}
	if ev.DstIP, err = addr(r.destIP); err != nil {
		return false, telemetry.FieldError("dest_ip", err)
	}
	if ev.SrcPort, err = port(r.srcPort); err != nil {
		return false, telemetry.FieldError("src_port", err)
	}
	if ev.DstPort, err = port(r.destPort); err != nil {
		return false, telemetry.FieldError("dest_port", err)
	}

	if r.flow != nil {
		ev.BytesOut = r.flow.GetInt64("bytes_toserver")
		ev.BytesIn = r.flow.GetInt64("bytes_toclient")
	}
	if r.netflow != nil && ev.BytesOut == 0 {
		ev.BytesOut = r.netflow.GetInt64("bytes")
	}
	if r.alert != nil {
		if s, ok := jsonline.String(r.alert.Get("signature")); ok {
			ev.Signature = s
		}
		if b := jsonline.Bytes(r.alert.Get("action")); len(b) > 0 {
			ev.Action = jsonline.Intern(b)
		}
		for _, t := range jsonline.Strings(r.alert.Get("metadata", "mitre_technique_id")) {
			if t = strings.TrimSpace(t); t != "" {
				ev.Techniques = append(ev.Techniques, t)
			}
		}
	}
	if r.dns != nil {
		decodeDNS(r.dns, ev)
	}
	if r.tls != nil {
		if s, ok := jsonline.String(r.tls.Get("sni")); ok && ev.Domain == "" {
			ev.Domain = telemetry.NormDomain(s)
		}
		if s, ok := jsonline.String(r.tls.Get("ja3", "hash")); ok {
			ev.JA3 = telemetry.NormHash(s)
		}
		if s, ok := jsonline.String(r.tls.Get("ja3s", "hash")); ok {
			ev.AddExtra("tls.ja3s", telemetry.TypeJA3, telemetry.NormHash(s))
		}
	}
	if r.http != nil {
		d.decodeHTTP(r.http, ev)
	}
	if r.fileinfo != nil {
		f := r.fileinfo
		if s, ok := jsonline.String(f.Get("md5")); ok {
			ev.MD5 = telemetry.NormHash(s)
		}
		if s, ok := jsonline.String(f.Get("sha1")); ok {
			ev.SHA1 = telemetry.NormHash(s)
		}
		if s, ok := jsonline.String(f.Get("sha256")); ok {
			ev.SHA256 = telemetry.NormHash(s)
		}
		if s, ok := jsonline.String(f.Get("filename")); ok {
			ev.AddFile(telemetry.BaseName(s))
		}
	}
	if r.smtp != nil {
		if s, ok := jsonline.String(r.smtp.Get("mail_from")); ok {
			ev.AddExtra("smtp.mailfrom", telemetry.TypeEmail, telemetry.NormEmail(s))
		}
		for _, s := range jsonline.Strings(r.smtp.Get("rcpt_to")) {
			ev.AddExtra("smtp.rcptto", telemetry.TypeEmail, telemetry.NormEmail(s))
		}
	}
	if r.email != nil {
		for _, s := range jsonline.Strings(r.email.Get("attachment")) {
			ev.AddFile(telemetry.BaseName(s))
		}
	}
	return true, nil
}

// decodeDNS handles EVE dns objects of version 1 (one record per event:
// type query/answer, rrname, rdata), version 2 (answers array and grouped
// map) and version 3 (queries array).
func decodeDNS(dns *fastjson.Value, ev *telemetry.Event) {
	name, ok := jsonline.String(dns.Get("rrname"))
	if !ok {
		if qs := dns.GetArray("queries"); len(qs) > 0 {
			name, _ = jsonline.String(qs[0].Get("rrname"))
		}
	}
	if d := telemetry.NormDomain(name); d != "" && ev.Domain == "" {
		ev.Domain = d
	}
	if s, ok := jsonline.String(dns.Get("rdata")); ok { // version 1 answer
		ev.AddName("dns.answers", s)
	}
	answers := dns.GetArray("answers")
	for _, a := range answers {
		if s, ok := jsonline.String(a.Get("rdata")); ok {
			ev.AddName("dns.answers", s)
		}
	}
	if len(answers) == 0 {
		if g := dns.GetObject("grouped"); g != nil {
			g.Visit(func(_ []byte, v *fastjson.Value) {
				for _, s := range jsonline.Strings(v) {
					ev.AddName("dns.answers", s)
				}
			})
		}
	}
}

func (d *Decoder) decodeHTTP(h *fastjson.Value, ev *telemetry.Event) {
	host, _ := jsonline.String(h.Get("hostname"))
	uri, _ := jsonline.String(h.Get("url"))
	if ev.Domain == "" {
		ev.Domain = telemetry.HTTPDomain(host)
	}
	p := uint16(0)
	if n := h.GetInt("http_port"); n > 0 && n < 1<<16 {
		p = uint16(n)
	} else {
		p = d.serverPort(host, ev)
	}
	if u := telemetry.HTTPURL(host, p, uri); u != "" && (host != "" || uri != "") {
		ev.URL = u
	}
}

// serverPort guesses the HTTP server's port: the destination, except for
// fileinfo records of downloads, whose flow tuple runs from the server.
func (d *Decoder) serverPort(host string, ev *telemetry.Event) uint16 {
	if ev.Kind != "fileinfo" {
		return ev.DstPort
	}
	switch string(jsonline.Bytes(d.r.direction)) {
	case "to_client":
		return ev.SrcPort
	case "to_server":
		return ev.DstPort
	}
	if h, _ := telemetry.SplitHostPort(host); h != "" {
		if ev.DstIP.IsValid() && h == ev.DstIP.String() {
			return ev.DstPort
		}
	}
	return ev.SrcPort
}

func addr(v *fastjson.Value) (a netip.Addr, err error) {
	if v == nil || v.Type() == fastjson.TypeNull {
		return a, nil
	}
	b := jsonline.Bytes(v)
	if b == nil {
		return a, errors.New("not a string")
	}
	return telemetry.ParseIP(string(b))
}

func port(v *fastjson.Value) (uint16, error) {
	if v == nil || v.Type() == fastjson.TypeNull {
		return 0, nil
	}
	if v.Type() == fastjson.TypeString {
		b, _ := v.StringBytes()
		return telemetry.ParsePort(string(b))
	}
	n, err := v.Uint()
	if err != nil || n > 65535 {
		return 0, fmt.Errorf("invalid port %s", v.MarshalTo(nil))
	}
	return uint16(n), nil
}
