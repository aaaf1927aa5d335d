package simulate

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"
)

// gen accumulates the sessions of one run.
type gen struct {
	g        *rng
	sites    []*site
	byID     map[string]*site
	sessions []*session

	// stream, when set, makes connection and file ids a function of the
	// stream and the session's index instead of random draws, so that
	// streams generated in parallel never collide (easy and hard profiles).
	stream uint64
}

func newGen(seed uint64, sites []*site) *gen {
	x := &gen{g: newRNG(seed), sites: sites, byID: map[string]*site{}}
	for _, s := range sites {
		x.byID[s.ID] = s
	}
	return x
}

// add assigns the session its identifiers and keeps it.
func (x *gen) add(s *session) *session {
	s.seq = len(x.sessions)
	if x.stream != 0 {
		key := x.stream<<22 | uint64(s.seq)
		s.flowID = streamFlowID(key)
		s.uid = streamUID('C', key)
		for i := range s.files {
			s.files[i].fuid = streamUID('F', key<<3|uint64(i))
		}
	} else {
		s.flowID = x.g.flowID()
		s.uid = x.g.zeekID('C')
		for i := range s.files {
			s.files[i].fuid = x.g.zeekID('F')
		}
	}
	if s.sport == 0 {
		s.sport = x.g.port()
	}
	s.start = s.start.Truncate(time.Microsecond)
	s.dur = s.dur.Truncate(time.Microsecond)
	x.sessions = append(x.sessions, s)
	return s
}

// lookup adds a DNS query from client to the site's resolver at t and
// returns when the answer arrived. A nil answer list means NXDOMAIN.
func (x *gen) lookup(s *site, client netip.Addr, t time.Time, name string, answers []netip.Addr, tag string) time.Time {
	tx := &dnsTx{id: uint16(x.g.intn(65536)), query: name, qtype: "A", rcode: "NOERROR", rtt: x.g.dur(400*time.Microsecond, 60*time.Millisecond)}
	if answers == nil {
		tx.rcode = "NXDOMAIN"
	}
	ttl := pick(x.g, []int{60, 300, 300, 600, 3600})
	for _, a := range answers {
		tx.answers = append(tx.answers, dnsAnswer{name: name, rtype: "A", data: a.String(), ttl: ttl})
	}
	out := int64(17 + len(name) + 12)
	in := out + int64(16*len(answers))
	x.add(&session{site: s, start: t, dur: tx.rtt, proto: "UDP", src: client, dst: s.resolver, dport: 53,
		app: "dns", dns: tx, out: out, in: in, truth: tag})
	return t.Add(tx.rtt + x.g.dur(time.Millisecond, 40*time.Millisecond))
}

// web adds an HTTP conversation; request and response bodies come from the
// transactions, headers are added to the byte counts.
func (x *gen) web(s *site, client, server netip.Addr, port uint16, t time.Time, txs []httpTx, files []fileTx, tag string) *session {
	ss := &session{site: s, start: t, proto: "TCP", src: client, dst: server, dport: port, app: "http", http: txs, files: files, truth: tag}
	var d time.Duration
	for i := range ss.http {
		tx := &ss.http[i]
		tx.at = d
		ss.out += 320 + int64(len(tx.uri)+len(tx.ua)+len(tx.host)) + tx.reqLen
		ss.in += 240 + tx.respLen
		d += x.g.dur(20*time.Millisecond, 400*time.Millisecond) + time.Duration(tx.reqLen+tx.respLen)*time.Microsecond/2
	}
	ss.dur = d + x.g.dur(5*time.Millisecond, 2*time.Second)
	return x.add(ss)
}

// secure adds a TLS conversation.
func (x *gen) secure(s *site, client, server netip.Addr, t time.Time, tx *tlsTx, out, in int64, tag string) *session {
	ss := &session{site: s, start: t, proto: "TCP", src: client, dst: server, dport: 443, app: "tls", tls: tx,
		out: out + 517, in: in + 3100, truth: tag}
	ss.dur = x.g.dur(150*time.Millisecond, 25*time.Second) + time.Duration(out+in)*time.Microsecond/4
	return x.add(ss)
}

// plain adds a TCP conversation without a parsed application protocol.
func (x *gen) plain(s *site, client, server netip.Addr, port uint16, app string, t time.Time, out, in int64, tag string) *session {
	ss := &session{site: s, start: t, proto: "TCP", src: client, dst: server, dport: port, app: app, out: out, in: in, truth: tag}
	ss.dur = x.g.dur(10*time.Millisecond, 90*time.Second)
	return x.add(ss)
}

// alert attaches an IDS alert to a session.
func (ss *session) alert(r *rule, at time.Duration, httpTx int, blocked bool) {
	ss.alerts = append(ss.alerts, alertTx{at: at, rule: r, httpTx: httpTx, blocked: blocked})
	if blocked {
		ss.blocked = true
	}
}

// certificate describes a server certificate for a TLS session.
func certificate(sni, issuer string, notBefore time.Time, selfSigned bool) *tlsTx {
	f := sha1.Sum([]byte("cert/" + sni + "/" + issuer))
	f2 := sha256.Sum256([]byte("cert/" + sni + "/" + issuer))
	ser := md5.Sum([]byte("serial/" + sni))
	subject := "CN=" + sni
	if selfSigned {
		issuer = subject
	}
	return &tlsTx{
		sni: sni, version: "TLS 1.2", cipher: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", curve: "secp256r1",
		subject: subject, issuer: issuer, serial: colonHex(ser[:8], true),
		fingerprint: colonHex(f[:], false), certSHA256: hex.EncodeToString(f2[:]),
		notBefore: notBefore, notAfter: notBefore.AddDate(2, 0, 0), validation: "ok",
	}
}

// ja3Hash returns the JA3 hash (MD5) of a JA3 string.
func ja3Hash(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// Client fingerprints (JA3 strings) of 2015-era browsers and of the malware.
const (
	ja3Chrome   = "771,49195-49199-52393-52392-49162-49161-49171-49172-156-157-47-53-10,65281-0-23-35-13-5-18-16-30032-11-10,23-24,0"
	ja3IE11     = "771,49192-49191-49172-49171-159-158-57-51-157-156-61-60-53-47-49196-49195-49188-49187-49162-49161-106-64-56-50-10-19,0-10-11-13-23-65281,23-24,0"
	ja3Firefox  = "771,49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-51-57-47-53-10,0-23-65281-10-11-35-16-5-13,23-24-25,0"
	ja3WinHTTP  = "771,49200-49199-49196-49195-49192-49191-49172-49171-159-158-57-51-157-156-61-60-53-47-10,0-10-11-13-23-65281,23-24-25,0"
	ja3Derusbi  = "769,4-5-10-9-100-98-3-6-19-18-99,0-10-11,23-24-25,0"
	ja3PlugX    = "769,49162-49161-49172-49171-53-47-10,0-10-11-65281,23-24,0"
	ja3sCommon  = "771,49199,65281-0-11-35-16"
	ja3sOld     = "769,4,65281"
	uaChrome    = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.157 Safari/537.36"
	uaIE11      = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
	uaFirefox   = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.0"
	uaWU        = "Windows-Update-Agent/7.6.7601.18847 Client-Protocol/1.21"
	uaCryptoAPI = "Microsoft-CryptoAPI/6.1"
	uaOldIE     = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0; SLCC2; .NET CLR 2.0.50727)"
	uaSqlmap    = "sqlmap/1.0-dev (http://sqlmap.org)"
)
