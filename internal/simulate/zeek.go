package simulate

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Zeek log names the demo writes for its UK sensor.
const (
	zeekConn  = "conn"
	zeekDNS   = "dns"
	zeekHTTP  = "http"
	zeekFiles = "files"
	zeekSSL   = "ssl"
)

var zeekConnFields = []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"}
var zeekConnTypes = []string{"time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count", "string", "bool", "bool", "count", "string", "count", "count", "count", "count", "set[string]"}
var zeekDNSFields = []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt", "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs", "rejected"}
var zeekDNSTypes = []string{"time", "string", "addr", "port", "addr", "port", "enum", "count", "interval", "string", "count", "string", "count", "string", "count", "string", "bool", "bool", "bool", "bool", "count", "vector[string]", "vector[interval]", "bool"}

// zeekTS renders a Zeek epoch timestamp with microseconds.
func zeekTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

func zeekInterval(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }

func zeekBool(b bool) string {
	if b {
		return "T"
	}
	return "F"
}

// zeekHeader returns the TSV header Zeek writes at the top of a log.
func zeekHeader(path string, fields, types []string, open time.Time) []byte {
	var b strings.Builder
	b.WriteString("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n")
	fmt.Fprintf(&b, "#path\t%s\n#open\t%s\n", path, open.UTC().Format("2006-01-02-15-04-05"))
	fmt.Fprintf(&b, "#fields\t%s\n#types\t%s\n", strings.Join(fields, "\t"), strings.Join(types, "\t"))
	return []byte(b.String())
}

func zeekFooter(end time.Time) []byte {
	return []byte("#close\t" + end.UTC().Format("2006-01-02-15-04-05") + "\n")
}

type zeekHTTPRecord struct {
	TS              json.Number `json:"ts"`
	UID             string      `json:"uid"`
	OrigH           string      `json:"id.orig_h"`
	OrigP           uint16      `json:"id.orig_p"`
	RespH           string      `json:"id.resp_h"`
	RespP           uint16      `json:"id.resp_p"`
	TransDepth      int         `json:"trans_depth"`
	Method          string      `json:"method"`
	Host            string      `json:"host"`
	URI             string      `json:"uri"`
	Referrer        string      `json:"referrer,omitempty"`
	Version         string      `json:"version"`
	UserAgent       string      `json:"user_agent,omitempty"`
	RequestBodyLen  int64       `json:"request_body_len"`
	ResponseBodyLen int64       `json:"response_body_len"`
	StatusCode      int         `json:"status_code,omitempty"`
	StatusMsg       string      `json:"status_msg,omitempty"`
	Tags            []string    `json:"tags"`
	OrigFuids       []string    `json:"orig_fuids,omitempty"`
	OrigFilenames   []string    `json:"orig_filenames,omitempty"`
	OrigMimeTypes   []string    `json:"orig_mime_types,omitempty"`
	RespFuids       []string    `json:"resp_fuids,omitempty"`
	RespMimeTypes   []string    `json:"resp_mime_types,omitempty"`
}

type zeekFilesRecord struct {
	TS            json.Number `json:"ts"`
	FUID          string      `json:"fuid"`
	UID           string      `json:"uid"`
	OrigH         string      `json:"id.orig_h"`
	OrigP         uint16      `json:"id.orig_p"`
	RespH         string      `json:"id.resp_h"`
	RespP         uint16      `json:"id.resp_p"`
	Source        string      `json:"source"`
	Depth         int         `json:"depth"`
	Analyzers     []string    `json:"analyzers"`
	MimeType      string      `json:"mime_type,omitempty"`
	Filename      string      `json:"filename,omitempty"`
	Duration      json.Number `json:"duration"`
	LocalOrig     bool        `json:"local_orig"`
	IsOrig        bool        `json:"is_orig"`
	SeenBytes     int64       `json:"seen_bytes"`
	TotalBytes    int64       `json:"total_bytes,omitempty"`
	MissingBytes  int64       `json:"missing_bytes"`
	OverflowBytes int64       `json:"overflow_bytes"`
	Timedout      bool        `json:"timedout"`
	MD5           string      `json:"md5"`
	SHA1          string      `json:"sha1"`
	SHA256        string      `json:"sha256"`
}

type zeekSSLRecord struct {
	TS                 json.Number `json:"ts"`
	UID                string      `json:"uid"`
	OrigH              string      `json:"id.orig_h"`
	OrigP              uint16      `json:"id.orig_p"`
	RespH              string      `json:"id.resp_h"`
	RespP              uint16      `json:"id.resp_p"`
	Version            string      `json:"version"`
	Cipher             string      `json:"cipher"`
	Curve              string      `json:"curve,omitempty"`
	ServerName         string      `json:"server_name,omitempty"`
	Resumed            bool        `json:"resumed"`
	Established        bool        `json:"established"`
	SSLHistory         string      `json:"ssl_history"`
	CertChainFps       []string    `json:"cert_chain_fps"`
	ClientCertChainFps []string    `json:"client_cert_chain_fps"`
	Subject            string      `json:"subject"`
	Issuer             string      `json:"issuer"`
	ValidationStatus   string      `json:"validation_status"`
	JA3                string      `json:"ja3,omitempty"`
	JA3S               string      `json:"ja3s,omitempty"`
}

var statusMsg = map[int]string{200: "OK", 302: "Found", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}

// renderZeek renders the sessions of Zeek-monitored sites, keyed by log name.
func renderZeek(sessions []*session) (map[string][]outLine, error) {
	out := map[string][]outLine{}
	put := func(log string, ss *session, t time.Time, b []byte) {
		out[log] = append(out[log], outLine{t: t, seq: ss.seq, kind: log, b: b})
	}
	js := func(log string, ss *session, t time.Time, v any) error {
		b, err := marshalNoEscape(v)
		if err != nil {
			return fmt.Errorf("render zeek %s: %w", log, err)
		}
		put(log, ss, t, b)
		return nil
	}
	for _, ss := range sessions {
		if !ss.site.zeek {
			continue
		}
		outB, inB, outP, inP := ss.wire()
		proto, history, service := "tcp", "ShADadFf", ss.app
		if ss.proto == "UDP" {
			proto, history = "udp", "Dd"
		}
		switch service {
		case "tls":
			service = "ssl"
		case "":
			service = "-"
		}
		row := []string{zeekTS(ss.start), ss.uid, ss.src.String(), fmt.Sprint(ss.sport), ss.dst.String(), fmt.Sprint(ss.dport), proto, service,
			zeekInterval(ss.dur), fmt.Sprint(ss.out), fmt.Sprint(ss.in), "SF", zeekBool(ss.site.contains(ss.src)), zeekBool(ss.site.contains(ss.dst)),
			"0", history, fmt.Sprint(outP), fmt.Sprint(outB), fmt.Sprint(inP), fmt.Sprint(inB), "-"}
		put(zeekConn, ss, ss.start, []byte(strings.Join(row, "\t")))

		if d := ss.dns; d != nil {
			rcode, answers, ttls := "0", "-", "-"
			if d.rcode == "NXDOMAIN" {
				rcode = "3"
			}
			var as, ts []string
			for _, a := range d.answers {
				as = append(as, a.data)
				ts = append(ts, fmt.Sprintf("%d.000000", a.ttl))
			}
			if len(as) > 0 {
				answers, ttls = strings.Join(as, ","), strings.Join(ts, ",")
			}
			row := []string{zeekTS(ss.start), ss.uid, ss.src.String(), fmt.Sprint(ss.sport), ss.dst.String(), fmt.Sprint(ss.dport), "udp",
				fmt.Sprint(d.id), zeekInterval(d.rtt), d.query, "1", "C_INTERNET", "1", d.qtype, rcode, d.rcode, "F", "F", "T", "T", "0", answers, ttls, "F"}
			put(zeekDNS, ss, ss.start, []byte(strings.Join(row, "\t")))
		}
		for i, tx := range ss.http {
			t := ss.start.Add(tx.at)
			r := zeekHTTPRecord{TS: json.Number(zeekTS(t)), UID: ss.uid, OrigH: ss.src.String(), OrigP: ss.sport, RespH: ss.dst.String(), RespP: ss.dport,
				TransDepth: i + 1, Method: tx.method, Host: tx.host, URI: tx.uri, Referrer: tx.referer, Version: "1.1", UserAgent: tx.ua,
				RequestBodyLen: tx.reqLen, ResponseBodyLen: tx.respLen, StatusCode: tx.status, StatusMsg: statusMsg[tx.status], Tags: []string{}}
			for _, fi := range tx.origFiles {
				f := ss.files[fi]
				r.OrigFuids = append(r.OrigFuids, f.fuid)
				r.OrigFilenames = append(r.OrigFilenames, f.name)
				r.OrigMimeTypes = append(r.OrigMimeTypes, f.mime)
			}
			for _, fi := range tx.respFiles {
				f := ss.files[fi]
				r.RespFuids = append(r.RespFuids, f.fuid)
				r.RespMimeTypes = append(r.RespMimeTypes, f.mime)
			}
			if err := js(zeekHTTP, ss, t, r); err != nil {
				return nil, err
			}
		}
		for _, f := range ss.files {
			t := ss.start.Add(20 * time.Millisecond)
			r := zeekFilesRecord{TS: json.Number(zeekTS(t)), FUID: f.fuid, UID: ss.uid, OrigH: ss.src.String(), OrigP: ss.sport, RespH: ss.dst.String(), RespP: ss.dport,
				Source: f.source, Analyzers: []string{"MD5", "SHA1", "SHA256"}, MimeType: f.mime,
				Duration: json.Number(zeekInterval(time.Duration(f.size) * time.Microsecond / 2)), LocalOrig: ss.site.contains(ss.src), IsOrig: f.upload,
				SeenBytes: f.size, TotalBytes: f.size, MD5: f.hashes.MD5, SHA1: f.hashes.SHA1, SHA256: f.hashes.SHA256}
			if f.upload {
				// Zeek knows a name from a multipart upload or a mail attachment, not from a plain download.
				r.Filename = f.name
			}
			if err := js(zeekFiles, ss, t, r); err != nil {
				return nil, err
			}
		}
		if x := ss.tls; x != nil {
			ver := strings.ReplaceAll(strings.ReplaceAll(x.version, " ", "v"), ".", "")
			r := zeekSSLRecord{TS: json.Number(zeekTS(ss.start)), UID: ss.uid, OrigH: ss.src.String(), OrigP: ss.sport, RespH: ss.dst.String(), RespP: ss.dport,
				Version: ver, Cipher: x.cipher, Curve: x.curve, ServerName: x.sni, Established: true, SSLHistory: "CsxknGIi",
				CertChainFps: []string{x.certSHA256}, ClientCertChainFps: []string{},
				Subject: strings.ReplaceAll(x.subject, ", ", ","), Issuer: strings.ReplaceAll(x.issuer, ", ", ","), ValidationStatus: x.validation}
			if x.ja3 != "" {
				r.JA3 = ja3Hash(x.ja3)
			}
			if x.ja3s != "" {
				r.JA3S = ja3Hash(x.ja3s)
			}
			if err := js(zeekSSL, ss, ss.start, r); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
