package simulate

import (
	"fmt"
	"strings"
	"time"
)

// eveTime formats t as Suricata does: microseconds and a numeric offset.
func eveTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-0700") }

// eveRecord is one EVE JSON event; field order follows Suricata's output.
type eveRecord struct {
	Timestamp string       `json:"timestamp"`
	FlowID    int64        `json:"flow_id"`
	InIface   string       `json:"in_iface"`
	EventType string       `json:"event_type"`
	SrcIP     string       `json:"src_ip"`
	SrcPort   uint16       `json:"src_port"`
	DestIP    string       `json:"dest_ip"`
	DestPort  uint16       `json:"dest_port"`
	Proto     string       `json:"proto"`
	TxID      *int         `json:"tx_id,omitempty"`
	Alert     *eveAlert    `json:"alert,omitempty"`
	DNS       *eveDNS      `json:"dns,omitempty"`
	HTTP      *eveHTTP     `json:"http,omitempty"`
	TLS       *eveTLS      `json:"tls,omitempty"`
	AppProto  string       `json:"app_proto,omitempty"`
	Fileinfo  *eveFileinfo `json:"fileinfo,omitempty"`
	Flow      *eveFlow     `json:"flow,omitempty"`
	Host      string       `json:"host"`
}

type eveAlert struct {
	Action      string              `json:"action"`
	GID         int                 `json:"gid"`
	SignatureID int                 `json:"signature_id"`
	Rev         int                 `json:"rev"`
	Signature   string              `json:"signature"`
	Category    string              `json:"category"`
	Severity    int                 `json:"severity"`
	Metadata    map[string][]string `json:"metadata,omitempty"`
}

type eveDNS struct {
	Version int            `json:"version,omitempty"`
	Type    string         `json:"type"`
	ID      uint16         `json:"id"`
	Flags   string         `json:"flags,omitempty"`
	QR      bool           `json:"qr,omitempty"`
	RD      bool           `json:"rd,omitempty"`
	RA      bool           `json:"ra,omitempty"`
	RRName  string         `json:"rrname"`
	RRType  string         `json:"rrtype"`
	TxID    *int           `json:"tx_id,omitempty"`
	Rcode   string         `json:"rcode,omitempty"`
	Answers []eveDNSAnswer `json:"answers,omitempty"`
}

type eveDNSAnswer struct {
	RRName string `json:"rrname"`
	RRType string `json:"rrtype"`
	TTL    int    `json:"ttl"`
	RData  string `json:"rdata"`
}

type eveHTTP struct {
	Hostname    string `json:"hostname"`
	URL         string `json:"url"`
	UserAgent   string `json:"http_user_agent,omitempty"`
	ContentType string `json:"http_content_type,omitempty"`
	Refer       string `json:"http_refer,omitempty"`
	Method      string `json:"http_method"`
	Protocol    string `json:"protocol"`
	Status      int    `json:"status,omitempty"`
	Length      int64  `json:"length"`
}

type eveTLS struct {
	Subject     string   `json:"subject"`
	IssuerDN    string   `json:"issuerdn"`
	Serial      string   `json:"serial"`
	Fingerprint string   `json:"fingerprint"`
	SNI         string   `json:"sni"`
	Version     string   `json:"version"`
	NotBefore   string   `json:"notbefore"`
	NotAfter    string   `json:"notafter"`
	JA3         *eveHash `json:"ja3,omitempty"`
	JA3S        *eveHash `json:"ja3s,omitempty"`
}

type eveHash struct {
	Hash   string `json:"hash"`
	String string `json:"string"`
}

type eveFileinfo struct {
	Filename string `json:"filename"`
	Magic    string `json:"magic,omitempty"`
	Gaps     bool   `json:"gaps"`
	State    string `json:"state"`
	MD5      string `json:"md5"`
	SHA1     string `json:"sha1"`
	SHA256   string `json:"sha256"`
	Stored   bool   `json:"stored"`
	Size     int64  `json:"size"`
	TxID     int    `json:"tx_id"`
}

type eveFlow struct {
	PktsToServer  int64  `json:"pkts_toserver"`
	PktsToClient  int64  `json:"pkts_toclient"`
	BytesToServer int64  `json:"bytes_toserver"`
	BytesToClient int64  `json:"bytes_toclient"`
	Start         string `json:"start"`
	End           string `json:"end,omitempty"`
	Age           *int64 `json:"age,omitempty"`
	State         string `json:"state,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Alerted       *bool  `json:"alerted,omitempty"`
}

// outLine is one rendered line with the time it sorts by.
type outLine struct {
	t    time.Time
	seq  int
	kind string
	b    []byte
}

// wire returns the bytes and packets a session put on the wire each way,
// counting IP and TCP headers as the sensors do.
func (ss *session) wire() (outB, inB, outP, inP int64) {
	out, in := ss.out, ss.in
	if ss.blocked {
		out, in = min(out, 1_200), 0
	}
	hdr := int64(40)
	if ss.proto == "UDP" {
		hdr = 28
	}
	outP, inP = 1+out/1_400, in/1_400
	if ss.proto == "TCP" {
		outP += 3
		inP += 2
		if ss.blocked {
			inP = 1
		}
	} else if in > 0 {
		inP++
	}
	return out + hdr*outP + 14*outP, in + hdr*inP + 14*inP, outP, inP
}

func intp(i int) *int { return &i }

// renderEVE renders the sessions of Suricata-monitored sites as EVE lines.
func renderEVE(sessions []*session) ([]outLine, error) {
	var out []outLine
	emit := func(ss *session, t time.Time, r *eveRecord) error {
		r.Timestamp = eveTime(t)
		r.FlowID = ss.flowID
		r.InIface = "eth1"
		r.Host = ss.site.sensor()
		if r.SrcIP == "" {
			r.SrcIP, r.SrcPort, r.DestIP, r.DestPort = ss.src.String(), ss.sport, ss.dst.String(), ss.dport
		}
		r.Proto = ss.proto
		b, err := marshalNoEscape(r)
		if err != nil {
			return fmt.Errorf("render eve %s: %w", r.EventType, err)
		}
		out = append(out, outLine{t: t, seq: ss.seq, kind: r.EventType, b: b})
		return nil
	}
	for _, ss := range sessions {
		if ss.site.zeek {
			continue
		}
		if err := renderEVESession(ss, emit); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func httpObj(ss *session, i int) *eveHTTP {
	tx := ss.http[i]
	h := &eveHTTP{Hostname: tx.host, URL: tx.uri, UserAgent: tx.ua, Refer: tx.referer, Method: tx.method, Protocol: "HTTP/1.1", Length: tx.respLen}
	if !ss.blocked {
		h.Status = tx.status
		h.ContentType = tx.ctype
	} else {
		h.Length = 0
	}
	return h
}

func renderEVESession(ss *session, emit func(*session, time.Time, *eveRecord) error) error {
	outB, inB, outP, inP := ss.wire()
	flowStart := eveTime(ss.start)
	alertFlow := &eveFlow{PktsToServer: outP, PktsToClient: inP, BytesToServer: outB, BytesToClient: inB, Start: flowStart}
	for _, a := range ss.alerts {
		r := &eveRecord{EventType: "alert", TxID: intp(0), Alert: alertObj(a), Flow: alertFlow}
		switch {
		case a.httpTx >= 0:
			r.HTTP = httpObj(ss, a.httpTx)
			r.TxID = intp(a.httpTx)
			r.AppProto = "http"
		case ss.tls != nil:
			r.TLS = tlsObj(ss.tls)
			r.AppProto = "tls"
		}
		if err := emit(ss, ss.start.Add(a.at), r); err != nil {
			return err
		}
	}
	if ss.dns != nil {
		d := ss.dns
		q := &eveRecord{EventType: "dns", DNS: &eveDNS{Version: 2, Type: "query", ID: d.id, RRName: d.query, RRType: d.qtype, TxID: intp(0)}}
		if err := emit(ss, ss.start, q); err != nil {
			return err
		}
		ans := &eveDNS{Version: 2, Type: "answer", ID: d.id, Flags: "8180", QR: true, RD: true, RA: true, RRName: d.query, RRType: d.qtype, Rcode: d.rcode}
		if d.rcode == "NXDOMAIN" {
			ans.Flags = "8183"
		}
		for _, x := range d.answers {
			ans.Answers = append(ans.Answers, eveDNSAnswer{RRName: x.name, RRType: x.rtype, TTL: x.ttl, RData: x.data})
		}
		a := &eveRecord{EventType: "dns", DNS: ans,
			SrcIP: ss.dst.String(), SrcPort: ss.dport, DestIP: ss.src.String(), DestPort: ss.sport}
		// DNS flows are not logged as flow events here: keep the demo small.
		return emit(ss, ss.start.Add(d.rtt), a)
	}
	if !ss.blocked {
		for i := range ss.http {
			tx := ss.http[i]
			t := ss.start.Add(tx.at)
			if err := emit(ss, t, &eveRecord{EventType: "http", TxID: intp(i), HTTP: httpObj(ss, i)}); err != nil {
				return err
			}
			for _, fi := range append(append([]int(nil), tx.origFiles...), tx.respFiles...) {
				f := ss.files[fi]
				r := &eveRecord{EventType: "fileinfo", HTTP: httpObj(ss, i), AppProto: "http",
					Fileinfo: &eveFileinfo{Filename: f.name, Magic: f.magic, State: "CLOSED", MD5: f.hashes.MD5, SHA1: f.hashes.SHA1, SHA256: f.hashes.SHA256, Size: f.size, TxID: i}}
				if !f.upload {
					// A download flows from the server to the client.
					r.SrcIP, r.SrcPort, r.DestIP, r.DestPort = ss.dst.String(), ss.dport, ss.src.String(), ss.sport
				}
				ft := t.Add(time.Duration(f.size) * time.Microsecond / 2)
				if err := emit(ss, ft, r); err != nil {
					return err
				}
			}
		}
		if ss.tls != nil {
			if err := emit(ss, ss.start.Add(35*time.Millisecond), &eveRecord{EventType: "tls", TLS: tlsObj(ss.tls)}); err != nil {
				return err
			}
		}
	}
	end := ss.start.Add(ss.dur)
	age := int64(ss.dur / time.Second)
	alerted := len(ss.alerts) > 0
	app := ss.app
	if app == "" {
		app = "failed"
	}
	f := &eveFlow{PktsToServer: outP, PktsToClient: inP, BytesToServer: outB, BytesToClient: inB, Start: flowStart,
		End: eveTime(end), Age: &age, State: "closed", Reason: "timeout", Alerted: &alerted}
	if ss.blocked {
		f.State = "established"
	}
	// Suricata writes the flow record when the flow times out.
	return emit(ss, end.Add(time.Duration(60+ss.seq%60)*time.Second), &eveRecord{EventType: "flow", AppProto: app, Flow: f})
}

func alertObj(a alertTx) *eveAlert {
	r := a.rule
	action := "allowed"
	if a.blocked {
		action = "blocked"
	}
	md := map[string][]string{
		"created_at":         {"2015_07_20"},
		"updated_at":         {"2015_07_20"},
		"signature_severity": {r.signatureSeverity},
	}
	var tid, tname, techIDs, techNames []string
	for _, t := range r.techniques {
		ts := techniqueByID(t)
		tid = append(tid, ts.tacticID)
		tname = append(tname, ts.tacticName)
		techIDs = append(techIDs, t)
		techNames = append(techNames, strings.ReplaceAll(ts.name, " ", "_"))
	}
	if len(techIDs) > 0 {
		md["mitre_tactic_id"] = tid
		md["mitre_tactic_name"] = tname
		md["mitre_technique_id"] = techIDs
		md["mitre_technique_name"] = techNames
	}
	return &eveAlert{Action: action, GID: 1, SignatureID: r.sid, Rev: r.rev, Signature: r.msg, Category: r.category, Severity: r.severity, Metadata: md}
}

func tlsObj(t *tlsTx) *eveTLS {
	o := &eveTLS{Subject: t.subject, IssuerDN: t.issuer, Serial: t.serial, Fingerprint: t.fingerprint, SNI: t.sni, Version: t.version,
		NotBefore: t.notBefore.UTC().Format("2006-01-02T15:04:05"), NotAfter: t.notAfter.UTC().Format("2006-01-02T15:04:05")}
	if t.ja3 != "" {
		o.JA3 = &eveHash{Hash: ja3Hash(t.ja3), String: t.ja3}
	}
	if t.ja3s != "" {
		o.JA3S = &eveHash{Hash: ja3Hash(t.ja3s), String: t.ja3s}
	}
	return o
}
