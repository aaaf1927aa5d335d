package eve

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"slices"
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
	quic, files, smb, verdict                                          *fastjson.Value
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
	case "quic":
		r.quic = v
	case "files":
		r.files = v
	case "smb":
		r.smb = v
	case "verdict":
		r.verdict = v
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
	} else if b := jsonline.Bytes(r.host.Get("name")); len(b) > 0 {
		// EVE passed through a shipper (Filebeat, Logstash) may carry
		// an ECS host object instead of Suricata's sensor-name string.
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
		decodeAlert(r.alert, ev)
	}
	if ev.Action == "" {
		ev.Action = blockedAction(r, ev.Kind)
	}
	if r.dns != nil {
		decodeDNS(r.dns, ev)
	}
	if r.tls != nil {
		decodeTLS(r.tls, "tls", ev)
	}
	if r.quic != nil {
		decodeTLS(r.quic, "quic", ev)
	}
	if r.http != nil {
		d.decodeHTTP(r.http, ev)
	}
	if r.fileinfo != nil {
		decodeFile(r.fileinfo, "fileinfo", ev)
	}
	if r.files != nil {
		a, _ := r.files.Array()
		for _, f := range a {
			decodeFile(f, "files", ev)
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
		decodeEmail(r.email, ev)
	}
	if r.smb != nil {
		if s, ok := jsonline.String(r.smb.Get("filename")); ok {
			ev.AddFile(telemetry.BaseName(s))
		}
	}
	return true, nil
}

// decodeAlert takes the signature, action and ATT&CK technique ids of an
// alert. Rule metadata is a map of string arrays; ET rules name techniques
// mitre_technique_id, other rule sets mitre_attack.
func decodeAlert(a *fastjson.Value, ev *telemetry.Event) {
	if s, ok := jsonline.String(a.Get("signature")); ok {
		ev.Signature = s
	}
	if b := jsonline.Bytes(a.Get("action")); len(b) > 0 {
		ev.Action = jsonline.Intern(b)
	}
	md := a.Get("metadata")
	if md == nil || md.Type() != fastjson.TypeObject {
		return
	}
	for _, key := range [...]string{"mitre_technique_id", "mitre_attack"} {
		for _, t := range jsonline.Strings(md.Get(key)) {
			if t = techniqueID(t); t != "" && !slices.Contains(ev.Techniques, t) {
				ev.Techniques = append(ev.Techniques, t)
			}
		}
	}
}

// techniqueID returns an ATT&CK technique id ("T1071" or "T1071.004") in
// upper case, or "" when s is not one.
func techniqueID(s string) string {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 9 || (s[0] != 'T' && s[0] != 't') {
		return ""
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if i == 5 {
			if c != '.' {
				return ""
			}
			continue
		}
		if c < '0' || c > '9' {
			return ""
		}
	}
	if s[0] == 't' {
		s = "T" + s[1:]
	}
	return s
}

// blockedAction reports "blocked" for records of traffic Suricata dropped in
// IPS mode: drop events, a verdict or flow action of drop or reject.
func blockedAction(r *record, kind string) string {
	if kind == "drop" {
		return "blocked"
	}
	for _, v := range [...]*fastjson.Value{r.verdict.Get("action"), r.flow.Get("action")} {
		switch string(jsonline.Bytes(v)) {
		case "drop", "reject", "rejectsrc", "rejectdst", "rejectboth":
			return "blocked"
		}
	}
	return ""
}

// decodeTLS maps a tls or quic object: SNI, JA3, JA3S, and for tls the
// certificate's SHA-1 fingerprint and subject alternative names.
func decodeTLS(t *fastjson.Value, field string, ev *telemetry.Event) {
	if s, ok := jsonline.String(t.Get("sni")); ok && ev.Domain == "" {
		if d := telemetry.NormDomain(s); telemetry.IsHostname(d) {
			ev.Domain = d
		}
	}
	if s, ok := jsonline.String(t.Get("ja3", "hash")); ok && ev.JA3 == "" {
		ev.JA3 = telemetry.NormHash(s)
	}
	if s, ok := jsonline.String(t.Get("ja3s", "hash")); ok {
		ev.AddExtra(field+".ja3s", telemetry.TypeJA3, telemetry.NormHash(s))
	}
	if s, ok := jsonline.String(t.Get("fingerprint")); ok {
		ev.AddExtra(field+".fingerprint", telemetry.TypeHash, fingerprint(s))
	}
	for _, s := range jsonline.Strings(t.Get("subjectaltname")) {
		ev.AddName(field+".subjectaltname", s)
	}
}

// fingerprint turns a colon-separated certificate digest
// ("6a:ff:ac:...") into lower-case hex with one allocation; "" unless it is
// a 20- or 32-byte digest.
func fingerprint(s string) string {
	var b [64]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			continue
		case 'A' <= c && c <= 'F':
			c += 'a' - 'A'
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		default:
			return ""
		}
		if n == len(b) {
			return ""
		}
		b[n] = c
		n++
	}
	if n != 40 && n != 64 {
		return ""
	}
	return string(b[:n])
}

// decodeFile maps a fileinfo object or one element of a files array. The
// first hash of each kind fills the event's field; further ones (an alert
// on a transaction with several files) become Extra observables.
func decodeFile(f *fastjson.Value, field string, ev *telemetry.Event) {
	for _, h := range [...]struct {
		key string
		dst *string
	}{{"md5", &ev.MD5}, {"sha1", &ev.SHA1}, {"sha256", &ev.SHA256}} {
		s, ok := jsonline.String(f.Get(h.key))
		if !ok {
			continue
		}
		s = telemetry.NormHash(s)
		switch {
		case s == "" || *h.dst == s:
		case *h.dst == "":
			*h.dst = s
		default:
			ev.AddExtra(field+"."+h.key, telemetry.TypeHash, s)
		}
	}
	if s, ok := jsonline.String(f.Get("filename")); ok {
		ev.AddFile(telemetry.BaseName(s))
	}
}

// decodeEmail maps the MIME envelope Suricata logs for SMTP: header
// addresses, URLs found in the body and attachment names.
func decodeEmail(e *fastjson.Value, ev *telemetry.Event) {
	for _, k := range [...]string{"from", "to", "cc"} {
		for _, s := range jsonline.Strings(e.Get(k)) {
			ev.AddExtra("email."+k, telemetry.TypeEmail, telemetry.NormEmail(s))
		}
	}
	for _, s := range jsonline.Strings(e.Get("url")) {
		ev.AddExtra("email.url", telemetry.TypeURL, strings.TrimSpace(s))
	}
	for _, s := range jsonline.Strings(e.Get("attachment")) {
		ev.AddFile(telemetry.BaseName(s))
	}
}

// decodeDNS handles the EVE dns object of every version: version 1 (one
// record per event: type query/answer, rrname, rdata), version 2 (answers
// array and grouped map), version 3 (Suricata 8: queries and answers
// arrays), and the alert form of Suricata 7 (a query array and an answer
// object holding a version 2 answer).
func decodeDNS(dns *fastjson.Value, ev *telemetry.Event) {
	name, ok := jsonline.String(dns.Get("rrname"))
	if !ok {
		for _, k := range [...]string{"queries", "query"} {
			if qs := dns.GetArray(k); len(qs) > 0 {
				name, ok = jsonline.String(qs[0].Get("rrname"))
				break
			}
		}
	}
	if ans := dns.Get("answer"); ans != nil && ans.Type() == fastjson.TypeObject {
		if !ok {
			name, _ = jsonline.String(ans.Get("rrname"))
		}
		decodeAnswers(ans, ev)
	}
	if d := telemetry.NormDomain(name); d != "" && ev.Domain == "" {
		ev.Domain = d
	}
	if s, ok := jsonline.String(dns.Get("rdata")); ok && nameType(jsonline.Bytes(dns.Get("rrtype"))) { // version 1 answer
		ev.AddName("dns.answers", s)
	}
	decodeAnswers(dns, ev)
}

// decodeAnswers adds the names and addresses of a version 2 or 3 answers
// array, or of the grouped map when there is no array.
func decodeAnswers(dns *fastjson.Value, ev *telemetry.Event) {
	answers := dns.GetArray("answers")
	for _, a := range answers {
		if !nameType(jsonline.Bytes(a.Get("rrtype"))) {
			continue
		}
		if s, ok := jsonline.String(a.Get("rdata")); ok {
			ev.AddName("dns.answers", s)
		} else if s, ok := jsonline.String(a.Get("srv", "name")); ok {
			ev.AddName("dns.answers", s)
		}
	}
	if len(answers) > 0 {
		return
	}
	g := dns.GetObject("grouped")
	if g == nil {
		return
	}
	g.Visit(func(k []byte, v *fastjson.Value) {
		if !nameType(k) {
			return
		}
		a, _ := v.Array()
		for _, e := range a {
			if s, ok := jsonline.String(e); ok {
				ev.AddName("dns.answers", s)
			} else if s, ok := jsonline.String(e.Get("name")); ok {
				ev.AddName("dns.answers", s)
			}
		}
	})
}

// nameType reports whether a DNS record type's data is a host name or an
// address (A, AAAA, CNAME, MX, NS, PTR, SRV ...). TXT, NULL, SSHFP, SOA and
// other free-form data are not matched; an unknown (absent) type is.
func nameType(t []byte) bool {
	switch string(t) {
	case "TXT", "NULL", "SSHFP", "SOA", "HINFO", "OPT", "RRSIG", "DNSKEY", "DS", "NSEC", "NSEC3", "TLSA", "CAA":
		return false
	}
	return true
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
		if ev.Domain == "" && host == "" {
			ev.Domain = telemetry.HTTPDomain(urlHost(u))
		}
	}
	if s, ok := jsonline.String(h.Get("redirect")); ok {
		ev.AddExtra("http.redirect", telemetry.TypeURL, strings.TrimSpace(s))
	}
}

// urlHost returns the host[:port] of an absolute URL, "" if it has none.
func urlHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}

// serverPort guesses the HTTP server's port. EVE's tuple follows the packet
// that triggered the record, so an alert on a response or a fileinfo
// record of a download runs from the server. The direction field decides
// when present; otherwise a host value naming the destination address, a
// well-known destination port or a well-known source port do.
func (d *Decoder) serverPort(host string, ev *telemetry.Event) uint16 {
	switch string(jsonline.Bytes(d.r.direction)) {
	case "to_client":
		return ev.SrcPort
	case "to_server":
		return ev.DstPort
	}
	if h, _ := telemetry.SplitHostPort(host); h != "" && ev.DstIP.IsValid() && h == ev.DstIP.String() {
		return ev.DstPort
	}
	if ev.Kind == "fileinfo" || (ev.SrcPort != 0 && ev.SrcPort < 1024 && ev.DstPort >= 1024) {
		return ev.SrcPort
	}
	return ev.DstPort
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
