package simulate

import (
	"net/netip"
	"strconv"
	"time"
)

// session is one network conversation as a sensor sees it. Renderers turn it
// into EVE events or Zeek log lines.
type session struct {
	seq      int
	site     *site
	start    time.Time
	dur      time.Duration
	proto    string // "TCP" or "UDP"
	src, dst netip.Addr
	sport    uint16
	dport    uint16
	app      string // "dns", "http", "tls", "smtp", "smb", "" (none)
	flowID   int64
	uid      string // Zeek connection uid

	dns    *dnsTx
	http   []httpTx
	tls    *tlsTx
	files  []fileTx
	alerts []alertTx

	out, in int64 // payload bytes sent by src (to server) and by dst (to client)
	blocked bool  // an IPS dropped it: the flow stops after the first packets

	truth string // id of the planted intrusion or look-alike this belongs to, "" if benign background
}

type dnsTx struct {
	id      uint16
	query   string
	qtype   string // "A", "AAAA", "CNAME", "TXT"
	rcode   string // "NOERROR", "NXDOMAIN"
	answers []dnsAnswer
	rtt     time.Duration
}

type dnsAnswer struct {
	name, rtype, data string
	ttl               int
}

type httpTx struct {
	at        time.Duration // offset from session start
	method    string
	host      string
	uri       string
	ua        string
	referer   string
	status    int
	ctype     string // response content type
	reqLen    int64  // request body
	respLen   int64  // response body
	origFiles []int  // indexes into session.files sent by the client
	respFiles []int  // indexes into session.files sent by the server
}

type tlsTx struct {
	sni, version, cipher, curve string
	subject, issuer, serial     string
	fingerprint                 string // SHA-1 of the certificate, colon hex
	certSHA256                  string
	notBefore, notAfter         time.Time
	ja3, ja3s                   string // JA3 / JA3S strings (hashes are their MD5)
	validation                  string // Zeek validation_status
}

type fileTx struct {
	name   string // file name as the protocol carries it (URI path for downloads)
	size   int64
	mime   string
	magic  string
	hashes digests
	upload bool   // sent by the client (HTTP POST, SMTP)
	source string // "HTTP", "SMTP"
	fuid   string
}

type alertTx struct {
	at      time.Duration
	rule    *rule
	reverse bool // the alerting packet flowed from dst to src
	blocked bool
	httpTx  int // index of the HTTP transaction the alert is about, -1 none
}

// rule is an IDS signature of the demo rule set (invented sids, ET-style names).
type rule struct {
	sid               int
	rev               int
	msg               string
	category          string
	severity          int
	techniques        []string
	signatureSeverity string
}

var (
	ruleSQLi      = &rule{9000101, 3, "ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT", "Web Application Attack", 1, []string{"T1190"}, "Major"}
	ruleSQLiXP    = &rule{9000102, 2, "ET WEB_SERVER Possible MSSQL xp_cmdshell Injection Attempt", "Web Application Attack", 1, []string{"T1190"}, "Major"}
	ruleSqlmap    = &rule{9000103, 4, "ET SCAN Sqlmap SQL Injection Scan", "Attempted Information Leak", 2, []string{"T1190"}, "Minor"}
	ruleChopper   = &rule{9000201, 2, "ET WEB_SERVER ChinaChopper Generic Webshell Request", "A Network Trojan was detected", 1, []string{"T1505.003"}, "Critical"}
	ruleDerusbiDL = &rule{9000301, 1, "ET TROJAN Derusbi Dropper Download (KB-named EXE from non-Microsoft host)", "A Network Trojan was detected", 1, []string{"T1105"}, "Critical"}
	ruleDerusbiC2 = &rule{9000302, 3, "ET TROJAN Derusbi Variant CnC Beacon", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	ruleArchiveUp = &rule{9000401, 1, "ET POLICY Large Archive Upload to External Host (RAR/7z)", "Potential Corporate Privacy Violation", 2, []string{"T1041"}, "Major"}
	ruleChChes    = &rule{9000501, 2, "ET TROJAN ChChes CnC Checkin", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	rulePlugX     = &rule{9000502, 5, "ET TROJAN PlugX Related Checkin", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	ruleFlash     = &rule{9000601, 1, "ET EXPLOIT Possible Adobe Flash Player Exploit (CVE-2015-5119)", "Attempted User Privilege Gain", 1, []string{"T1203"}, "Critical"}
	ruleShotput   = &rule{9000602, 2, "ET TROJAN APT3 SHOTPUT Checkin", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	ruleOfficeDoc = &rule{9000701, 1, "ET CURRENT_EVENTS Suspicious Office Document with Embedded Macro Download", "Potentially Bad Traffic", 2, []string{"T1204.002"}, "Major"}
	ruleChopstick = &rule{9000702, 2, "ET TROJAN Sofacy CHOPSTICK CnC Beacon", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	ruleDropbox   = &rule{9000801, 1, "ET POLICY Dropbox.com Offsite File Backup in Use", "Potential Corporate Privacy Violation", 3, nil, "Informational"}
	ruleFlashOld  = &rule{9000802, 2, "ET POLICY Outdated Flash Version M1", "Potentially Bad Traffic", 3, nil, "Informational"}
)

// connID is the connection id the session's sensor writes: the Zeek uid
// for Zeek-monitored sites, else the EVE flow_id in decimal.
func (ss *session) connID() string {
	if ss.site.zeek {
		return ss.uid
	}
	return strconv.FormatInt(ss.flowID, 10)
}
