package telemetry

import (
	"net/netip"
	"time"
)

// Event is one normalised telemetry record. Readers fill what their format
// carries and leave the rest zero. Source always leads back to the raw line.
type Event struct {
	Time   time.Time `json:"time"`
	Format string    `json:"format"`           // "eve", "zeek-json", "zeek-tsv", "ndjson"
	Kind   string    `json:"kind"`             // EVE event_type or Zeek log path: alert, dns, http, tls, conn, ...
	Sensor string    `json:"sensor,omitempty"` // EVE host / in_iface, Zeek _node, or NDJSON sensor field
	// UID links the records of one connection: Zeek's uid, or Suricata's
	// flow_id in decimal.
	UID string `json:"uid,omitempty"`

	Proto   string     `json:"proto,omitempty"`
	SrcIP   netip.Addr `json:"src_ip"`
	SrcPort uint16     `json:"src_port,omitempty"`
	DstIP   netip.Addr `json:"dst_ip"`
	DstPort uint16     `json:"dst_port,omitempty"`

	Domain string `json:"domain,omitempty"` // DNS query, HTTP host, TLS SNI (lower case, no trailing dot)
	URL    string `json:"url,omitempty"`    // full URL when known: http://host/path?query
	MD5    string `json:"md5,omitempty"`    // lower-case hex
	SHA1   string `json:"sha1,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	JA3    string `json:"ja3,omitempty"` // JA3 client fingerprint hash

	BytesOut int64 `json:"bytes_out,omitempty"` // bytes sent by the source (originator) side
	BytesIn  int64 `json:"bytes_in,omitempty"`  // bytes sent by the destination (responder) side

	Signature string `json:"signature,omitempty"` // IDS alert signature or Zeek notice
	Action    string `json:"action,omitempty"`    // IDS action: "allowed", "blocked"
	// Techniques are ATT&CK technique ids the record names, e.g. from an
	// alert rule's metadata (mitre_technique_id) or an NDJSON field.
	Techniques []string `json:"techniques,omitempty"`
	// Files are file names the record carries (HTTP URI basename, Zeek files.log filename, SMTP attachment).
	Files []string `json:"files,omitempty"`

	// Extra holds further matchable values a record carries beyond the
	// fixed fields: DNS answers, certificate names, mail addresses, JA3S ...
	Extra []Observable `json:"extra,omitempty"`

	Source Source `json:"source"`
}

// ValueType says how a value is matched against indicators.
type ValueType uint8

// Value types of observables.
const (
	TypeIP ValueType = iota + 1
	TypeDomain
	TypeURL
	TypeHash // MD5, SHA-1 or SHA-256 by length
	TypeJA3
	TypeEmail
)

// String returns the lower-case name of the type.
func (t ValueType) String() string {
	switch t {
	case TypeIP:
		return "ip"
	case TypeDomain:
		return "domain"
	case TypeURL:
		return "url"
	case TypeHash:
		return "hash"
	case TypeJA3:
		return "ja3"
	case TypeEmail:
		return "email"
	}
	return "unknown"
}

// Observable is one extra matchable value of an event, named by the field it
// came from in the raw record ("dns.answers", "smtp.mailfrom", "x509.san_dns").
type Observable struct {
	Field string    `json:"field"`
	Type  ValueType `json:"type"`
	Value string    `json:"value"`
}

// Source locates the raw line an event was read from.
type Source struct {
	File   string `json:"file"`   // path as given by the user
	Line   int64  `json:"line"`   // 1-based line number
	Offset int64  `json:"offset"` // byte offset of the line's first byte in the (decompressed) stream
	Length int    `json:"length"` // bytes in the line without its newline
}

// Field names used when reporting which fixed field of an Event matched.
const (
	FieldSrcIP  = "src_ip"
	FieldDstIP  = "dst_ip"
	FieldDomain = "domain"
	FieldURL    = "url"
	FieldMD5    = "md5"
	FieldSHA1   = "sha1"
	FieldSHA256 = "sha256"
	FieldJA3    = "ja3"
)
