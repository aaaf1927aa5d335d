package zeek

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// slot numbers the Zeek fields the decoders map; both forms collect the raw
// text of these fields and hand it to one mapping function.
type slot int

const (
	sTS slot = iota
	sUID
	sOrigH
	sOrigP
	sRespH
	sRespP
	sProto
	sNode
	sPath
	sQuery
	sAnswers
	sHost
	sURI
	sServerName
	sJA3
	sJA3S
	sMD5
	sSHA1
	sSHA256
	sFilename
	sTxHosts
	sRxHosts
	sSanDNS
	sSanIP
	sFingerprint
	sMailFrom
	sRcptTo
	sOrigBytes
	sRespBytes
	sNote
	sMsg
	sSrc
	sDst
	sP
	sOrigFilenames
	sRespFilenames
	sSeenIndicator
	sSeenType
	sSources
	sFrom
	sTo
	sCC
	sReplyTo
	sXOrigIP
	sSanEmail
	sSanURI
	sCertFPs
	sName
	sClientAddr
	sServerAddr
	nSlots
)

// slotNames maps Zeek field names to slots.
var slotNames = map[string]slot{
	"ts":             sTS,
	"uid":            sUID,
	"id.orig_h":      sOrigH,
	"id.orig_p":      sOrigP,
	"id.resp_h":      sRespH,
	"id.resp_p":      sRespP,
	"proto":          sProto,
	"_node":          sNode,
	"_path":          sPath,
	"query":          sQuery,
	"answers":        sAnswers,
	"host":           sHost,
	"uri":            sURI,
	"server_name":    sServerName,
	"ja3":            sJA3,
	"ja3s":           sJA3S,
	"md5":            sMD5,
	"sha1":           sSHA1,
	"sha256":         sSHA256,
	"filename":       sFilename,
	"tx_hosts":       sTxHosts,
	"rx_hosts":       sRxHosts,
	"san.dns":        sSanDNS,
	"san.ip":         sSanIP,
	"fingerprint":    sFingerprint,
	"mailfrom":       sMailFrom,
	"rcptto":         sRcptTo,
	"orig_bytes":     sOrigBytes,
	"resp_bytes":     sRespBytes,
	"note":           sNote,
	"msg":            sMsg,
	"src":            sSrc,
	"dst":            sDst,
	"p":              sP,
	"orig_filenames": sOrigFilenames,
	"resp_filenames": sRespFilenames,

	"seen.indicator":      sSeenIndicator,
	"seen.indicator_type": sSeenType,
	"sources":             sSources,
	"from":                sFrom,
	"to":                  sTo,
	"cc":                  sCC,
	"reply_to":            sReplyTo,
	"x_originating_ip":    sXOrigIP,
	"san.email":           sSanEmail,
	"san.uri":             sSanURI,
	"cert_chain_fps":      sCertFPs,
	"name":                sName,
	"client_addr":         sClientAddr,
	"server_addr":         sServerAddr,
}

// fieldName is the inverse of slotNames, for error messages.
var fieldName = func() [nSlots]string {
	var n [nSlots]string
	for k, v := range slotNames {
		n[v] = k
	}
	return n
}()

// listSlot marks fields holding a set or vector.
var listSlot = [nSlots]bool{
	sAnswers: true, sTxHosts: true, sRxHosts: true, sSanDNS: true, sSanIP: true,
	sRcptTo: true, sOrigFilenames: true, sRespFilenames: true,
	sSources: true, sTo: true, sCC: true, sSanEmail: true, sSanURI: true, sCertFPs: true,
}

// values holds the raw text of one record's mapped fields. Byte slices point
// into the line or the decoder's scratch buffer and are valid until the next
// Decode.
type values struct {
	has  [nSlots]bool
	text [nSlots][]byte
	list [nSlots][][]byte
}

func (v *values) reset() {
	v.has = [nSlots]bool{}
	for i := range v.list {
		v.list[i] = v.list[i][:0]
	}
}

func (v *values) str(s slot) string {
	if !v.has[s] {
		return ""
	}
	return string(v.text[s])
}

// items returns the elements of a list field (a scalar counts as one).
func (v *values) items(s slot) [][]byte {
	if !v.has[s] {
		return nil
	}
	if listSlot[s] {
		return v.list[s]
	}
	return v.text[s : s+1]
}

var errNotNumber = errors.New("not a count")

// apply maps the collected values into ev. path is the log path when the
// record does not name it.
func (v *values) apply(ev *telemetry.Event, path string) error {
	if v.has[sPath] && len(v.text[sPath]) > 0 {
		path = internPath(v.text[sPath])
	}
	ev.Kind = path
	var err error
	if v.has[sTS] {
		if ev.Time, err = parseTS(v.text[sTS]); err != nil {
			return telemetry.FieldError("ts", err)
		}
	}
	ev.UID = v.str(sUID)
	ev.Sensor = v.str(sNode)
	if v.has[sProto] {
		ev.Proto = strings.ToLower(string(v.text[sProto]))
	}
	if ev.SrcIP, err = telemetry.ParseIP(v.str(sOrigH)); err != nil {
		return telemetry.FieldError("id.orig_h", err)
	}
	if ev.DstIP, err = telemetry.ParseIP(v.str(sRespH)); err != nil {
		return telemetry.FieldError("id.resp_h", err)
	}
	if ev.SrcPort, err = telemetry.ParsePort(v.str(sOrigP)); err != nil {
		return telemetry.FieldError("id.orig_p", err)
	}
	if ev.DstPort, err = telemetry.ParsePort(v.str(sRespP)); err != nil {
		return telemetry.FieldError("id.resp_p", err)
	}
	// notice.log names the endpoints src/dst/p when it has no connection.
	if !ev.SrcIP.IsValid() && v.has[sSrc] {
		if ev.SrcIP, err = telemetry.ParseIP(v.str(sSrc)); err != nil {
			return telemetry.FieldError("src", err)
		}
	}
	if !ev.DstIP.IsValid() && v.has[sDst] {
		if ev.DstIP, err = telemetry.ParseIP(v.str(sDst)); err != nil {
			return telemetry.FieldError("dst", err)
		}
	}
	// dhcp.log (Zeek 3+) names its endpoints client_addr/server_addr.
	if !ev.SrcIP.IsValid() && v.has[sClientAddr] {
		if ev.SrcIP, err = telemetry.ParseIP(v.str(sClientAddr)); err != nil {
			return telemetry.FieldError("client_addr", err)
		}
	}
	if !ev.DstIP.IsValid() && v.has[sServerAddr] {
		if ev.DstIP, err = telemetry.ParseIP(v.str(sServerAddr)); err != nil {
			return telemetry.FieldError("server_addr", err)
		}
	}
	if ev.DstPort == 0 && v.has[sP] {
		if ev.DstPort, err = telemetry.ParsePort(v.str(sP)); err != nil {
			return telemetry.FieldError("p", err)
		}
	}
	if ev.BytesOut, err = v.count(sOrigBytes); err != nil {
		return err
	}
	if ev.BytesIn, err = v.count(sRespBytes); err != nil {
		return err
	}

	if v.has[sQuery] {
		ev.Domain = telemetry.NormDomain(v.str(sQuery))
	}
	for _, a := range v.items(sAnswers) {
		ev.AddName("dns.answers", string(a))
	}
	if v.has[sHost] {
		host := v.str(sHost)
		if path == "http" || v.has[sURI] {
			if ev.Domain == "" {
				ev.Domain = telemetry.HTTPDomain(host)
			}
			ev.URL = telemetry.HTTPURL(host, ev.DstPort, v.str(sURI))
		} else if a, err := telemetry.ParseIP(host); err == nil && a.IsValid() {
			ev.AddExtra("host", telemetry.TypeIP, a.String())
		}
	}
	if v.has[sServerName] && ev.Domain == "" {
		ev.Domain = telemetry.NormDomain(v.str(sServerName))
	}
	if v.has[sJA3] {
		ev.JA3 = telemetry.NormHash(v.str(sJA3))
	}
	if v.has[sJA3S] {
		ev.AddExtra("ssl.ja3s", telemetry.TypeJA3, telemetry.NormHash(v.str(sJA3S)))
	}
	if v.has[sMD5] {
		ev.MD5 = telemetry.NormHash(v.str(sMD5))
	}
	if v.has[sSHA1] {
		ev.SHA1 = telemetry.NormHash(v.str(sSHA1))
	}
	if v.has[sSHA256] {
		ev.SHA256 = telemetry.NormHash(v.str(sSHA256))
	}
	for _, s := range []slot{sFilename, sOrigFilenames, sRespFilenames} {
		for _, f := range v.items(s) {
			ev.AddFile(telemetry.BaseName(string(f)))
		}
	}
	for _, h := range v.items(sTxHosts) {
		if a, err := telemetry.ParseIP(string(h)); err == nil && a.IsValid() {
			ev.AddExtra("files.tx_hosts", telemetry.TypeIP, a.String())
		}
	}
	for _, h := range v.items(sRxHosts) {
		if a, err := telemetry.ParseIP(string(h)); err == nil && a.IsValid() {
			ev.AddExtra("files.rx_hosts", telemetry.TypeIP, a.String())
		}
	}
	for _, n := range v.items(sSanDNS) {
		if d := telemetry.NormDomain(string(n)); telemetry.IsHostname(d) {
			ev.AddExtra("x509.san_dns", telemetry.TypeDomain, d)
		}
	}
	for _, n := range v.items(sSanIP) {
		if a, err := telemetry.ParseIP(string(n)); err == nil && a.IsValid() {
			ev.AddExtra("x509.san_ip", telemetry.TypeIP, a.String())
		}
	}
	if path == "x509" && v.has[sFingerprint] {
		ev.AddExtra("x509.fingerprint", telemetry.TypeHash, telemetry.NormHash(v.str(sFingerprint)))
	}
	if v.has[sMailFrom] {
		ev.AddExtra("smtp.mailfrom", telemetry.TypeEmail, telemetry.NormEmail(v.str(sMailFrom)))
	}
	for _, r := range v.items(sRcptTo) {
		ev.AddExtra("smtp.rcptto", telemetry.TypeEmail, telemetry.NormEmail(string(r)))
	}
	// Header addresses: only in smtp.log (sip.log has from/to SIP URIs).
	if path == "smtp" || path == "" {
		for _, k := range [...]struct {
			s     slot
			field string
		}{{sFrom, "smtp.from"}, {sTo, "smtp.to"}, {sCC, "smtp.cc"}, {sReplyTo, "smtp.reply_to"}} {
			for _, a := range v.items(k.s) {
				ev.AddExtra(k.field, telemetry.TypeEmail, telemetry.NormEmail(string(a)))
			}
		}
	}
	for _, a := range v.items(sSanEmail) {
		ev.AddExtra("x509.san_email", telemetry.TypeEmail, telemetry.NormEmail(string(a)))
	}
	if v.has[sXOrigIP] {
		if a, err := telemetry.ParseIP(v.str(sXOrigIP)); err == nil && a.IsValid() {
			ev.AddExtra("smtp.x_originating_ip", telemetry.TypeIP, a.String())
		}
	}
	for _, u := range v.items(sSanURI) {
		ev.AddExtra("x509.san_uri", telemetry.TypeURL, strings.TrimSpace(string(u)))
	}
	for _, h := range v.items(sCertFPs) {
		ev.AddExtra("ssl.cert_chain_fps", telemetry.TypeHash, telemetry.NormHash(string(h)))
	}
	if path == "smb_files" && v.has[sName] {
		ev.AddFile(telemetry.BaseName(v.str(sName)))
	}
	if v.has[sSeenIndicator] {
		v.applyIntel(ev)
	}
	if v.has[sNote] {
		ev.Signature = v.str(sNote)
	}
	if ev.Signature == "" && path == "notice" && v.has[sMsg] {
		ev.Signature = v.str(sMsg)
	}
	return nil
}

// applyIntel maps an intel.log hit: the indicator Zeek saw goes into the
// field its Intel type names (Domain, URL or a hash when those are free,
// and always into Extra as "intel.seen"), and the Signature names the intel
// sources, or the indicator type when none are logged.
func (v *values) applyIntel(ev *telemetry.Event) {
	val := strings.TrimSpace(v.str(sSeenIndicator))
	typ := v.str(sSeenType)
	switch typ {
	case "Intel::ADDR":
		if a, err := telemetry.ParseIP(val); err == nil && a.IsValid() {
			ev.AddExtra("intel.seen", telemetry.TypeIP, a.String())
		}
	case "Intel::DOMAIN":
		if d := telemetry.NormDomain(val); telemetry.IsHostname(d) {
			if ev.Domain == "" {
				ev.Domain = d
			}
			ev.AddExtra("intel.seen", telemetry.TypeDomain, d)
		}
	case "Intel::URL":
		if ev.URL == "" {
			ev.URL = val
		}
		ev.AddExtra("intel.seen", telemetry.TypeURL, val)
	case "Intel::EMAIL":
		ev.AddExtra("intel.seen", telemetry.TypeEmail, telemetry.NormEmail(val))
	case "Intel::FILE_HASH", "Intel::CERT_HASH":
		h := telemetry.NormHash(val)
		switch len(h) {
		case 32:
			if ev.MD5 == "" {
				ev.MD5 = h
			}
		case 40:
			if ev.SHA1 == "" {
				ev.SHA1 = h
			}
		case 64:
			if ev.SHA256 == "" {
				ev.SHA256 = h
			}
		}
		ev.AddExtra("intel.seen", telemetry.TypeHash, h)
	case "Intel::JA3":
		ev.AddExtra("intel.seen", telemetry.TypeJA3, telemetry.NormHash(val))
	}
	var src []string
	for _, s := range v.items(sSources) {
		src = append(src, string(s))
	}
	switch {
	case len(src) > 0:
		ev.Signature = strings.Join(src, ", ")
	case typ != "":
		ev.Signature = typ
	}
}

// parseTS parses a Zeek ts: epoch seconds (the default), an ISO 8601
// string (JSON::TS_ISO8601), or integer epoch milliseconds
// (JSON::TS_MILLIS and TS_MILLIS_UNSIGNED, Zeek 6+).
func parseTS(b []byte) (time.Time, error) {
	if n := len(b); n >= 12 && n <= 16 && b[0] != '-' && bytes.IndexByte(b, '.') < 0 && b[4] != '-' {
		if ms, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			return time.UnixMilli(ms).UTC(), nil
		}
	}
	t, err := telemetry.ParseTime(string(b))
	if err != nil {
		// Some writers use exponent notation for floats.
		if f, ferr := strconv.ParseFloat(string(b), 64); ferr == nil && f > 0 && f < 1<<40 {
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
		}
	}
	return t, err
}

func (v *values) count(s slot) (int64, error) {
	if !v.has[s] || len(v.text[s]) == 0 {
		return 0, nil
	}
	t := v.text[s]
	// Zeek JSON may write counts as 12.0 in some writers.
	if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(string(t), 64); err == nil && f >= 0 && f < 1<<62 {
		return int64(f), nil
	}
	return 0, telemetry.FieldError(fieldName[s], errNotNumber)
}

func internPath(b []byte) string {
	switch string(b) {
	case "conn":
		return "conn"
	case "dns":
		return "dns"
	case "http":
		return "http"
	case "ssl":
		return "ssl"
	case "files":
		return "files"
	case "x509":
		return "x509"
	case "smtp":
		return "smtp"
	case "notice":
		return "notice"
	case "weird":
		return "weird"
	}
	return string(b)
}

// PathFromName derives a Zeek log path from a file name: "conn.log",
// "dns.json", "conn.00:00:00-01:00:00.log.gz" and "/var/zeek/http.log"
// give conn, dns, conn and http. It returns "" when the name has no
// plausible path (empty, "-", or characters outside [a-z0-9_-]).
func PathFromName(name string) string {
	name = telemetry.BaseName(name)
	if name == "" || name == "-" || strings.HasPrefix(name, "<") {
		return ""
	}
	p, _, _ := strings.Cut(name, ".")
	if p == "" {
		return ""
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return ""
		}
	}
	return p
}

// knownLogs are Zeek log paths of the standard distribution, used to take a
// file name as a hint when sniffing.
var knownLogs = map[string]bool{
	"conn": true, "dns": true, "http": true, "ssl": true, "files": true, "x509": true, "smtp": true,
	"notice": true, "weird": true, "ssh": true, "intel": true, "known_hosts": true, "known_services": true,
	"known_certs": true, "software": true, "dhcp": true, "ftp": true, "irc": true, "kerberos": true,
	"ldap": true, "ldap_search": true, "modbus": true, "mysql": true, "ntlm": true, "ntp": true, "quic": true,
	"radius": true, "rdp": true, "rfb": true, "sip": true, "smb_files": true, "smb_mapping": true,
	"snmp": true, "socks": true, "syslog": true, "tunnel": true, "dpd": true, "analyzer": true,
	"capture_loss": true, "stats": true, "reporter": true, "packet_filter": true, "pe": true, "ocsp": true,
	"dce_rpc": true, "signatures": true, "traceroute": true, "mqtt": true, "websocket": true,
	"weird_stats": true, "conn_long": true, "loaded_scripts": true, "notice_alarm": true, "netcontrol": true,
	"openflow": true, "unified2": true, "ecat_arp_info": true, "dnp3": true, "bacnet": true, "s7comm": true,
}

// IsKnownLog reports whether a file name names a standard Zeek log
// (conn.log, dns.json, weird.12:00:00-13:00:00.log.gz ...).
func IsKnownLog(name string) bool { return knownLogs[PathFromName(name)] }
