package simulate

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
)

// plant is one intrusion the scenario plants, before its events are known.
type plant struct {
	id     string
	site   *site
	actor  *actorSpec
	intent intent.Class
	status intrusion.Status
	files  []TakenFile
	note   string
}

// loot is a file an actor takes.
type loot struct {
	name string
	size int64
	mime string
}

func (x *gen) newPlant(id string, s *site, a *actorSpec, in intent.Class, st intrusion.Status, note string) *plant {
	return &plant{id: id, site: s, actor: a, intent: in, status: st, note: note}
}

// opTime returns a time during the actor's office hours (09:00-18:00 in
// its sponsor's time zone) on day d.
func (x *gen) opTime(a *actorSpec, d time.Time) time.Time {
	return x.g.at(d, 9-a.workOffset.Hours(), 8*time.Hour+30*time.Minute)
}

// weekdays returns the weekdays in [from, to].
func weekdays(from, to time.Time) []time.Time {
	var out []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// c2cert returns the self-signed certificate of a C2 server.
func c2cert(sni, ja3 string) *tlsTx {
	tx := certificate(sni, "", day(2015, time.May, 4), true)
	tx.version, tx.cipher, tx.curve = "TLS 1.0", "TLS_RSA_WITH_RC4_128_SHA", ""
	tx.ja3, tx.ja3s, tx.validation = ja3, ja3sOld, "self signed certificate"
	return tx
}

// beaconHTTP adds a small HTTP check-in from client to a C2 server.
func (x *gen) beaconHTTP(p *plant, client, server netip.Addr, host, uri, ua, method string, t time.Time, r *rule, alertP float64) {
	g := x.g
	tx := httpTx{method: method, host: host, uri: uri, ua: ua, status: 200, ctype: "text/html", respLen: g.between64(0, 2_048)}
	if method == "POST" {
		tx.reqLen = g.between64(64, 1_400)
	}
	ss := x.web(p.site, client, server, 80, t, []httpTx{tx}, nil, p.id)
	if r != nil && g.chance(alertP) {
		ss.alert(r, 3*time.Millisecond, 0, false)
	}
}

// beaconTLS adds a TLS session from client to a C2 server.
func (x *gen) beaconTLS(p *plant, client, server netip.Addr, sni, ja3 string, t time.Time, r *rule, alertP float64) {
	g := x.g
	ss := x.secure(p.site, client, server, t, c2cert(sni, ja3), g.between64(300, 9_000), g.between64(200, 30_000), p.id)
	if r != nil && g.chance(alertP) {
		ss.alert(r, 120*time.Millisecond, -1, false)
	}
}

// download adds an HTTP download of a file from server.
func (x *gen) download(p *plant, client, server netip.Addr, host, uri, ua string, t time.Time, name string, size int64, mime, magic string, h digests, r *rule) *session {
	f := fileTx{name: name, size: size, mime: mime, magic: magic, hashes: h, source: "HTTP"}
	tx := httpTx{method: "GET", host: host, uri: uri, ua: ua, status: 200, ctype: mime, respLen: size, respFiles: []int{0}}
	ss := x.web(p.site, client, server, 80, t, []httpTx{tx}, []fileTx{f}, p.id)
	if r != nil {
		ss.alert(r, 5*time.Millisecond, 0, false)
	}
	return ss
}

// exfil adds an HTTP POST carrying a file to a C2 server and records it as taken.
func (x *gen) exfil(p *plant, client, server netip.Addr, host, uri string, t time.Time, l loot, alert bool) {
	h := fakeDigests(fmt.Sprintf("loot/%s/%s/%d", p.site.ID, l.name, l.size))
	f := fileTx{name: l.name, size: l.size, mime: l.mime, magic: magicOf(l.mime), hashes: h, upload: true, source: "HTTP"}
	tx := httpTx{method: "POST", host: host, uri: uri, ua: uaOldIE, status: 200, ctype: "text/html", reqLen: l.size + 412, respLen: 2, origFiles: []int{0}}
	ss := x.web(p.site, client, server, 80, t, []httpTx{tx}, []fileTx{f}, p.id)
	if alert {
		ss.alert(ruleArchiveUp, time.Duration(l.size/20)*time.Microsecond, 0, false)
	}
	p.files = append(p.files, TakenFile{Name: l.name, Bytes: l.size, SHA256: h.SHA256})
}

func magicOf(mime string) string {
	switch mime {
	case "application/x-rar-compressed":
		return "RAR archive data, v1d, os: Win32"
	case "application/x-7z-compressed":
		return "7-zip archive data, version 0.3"
	case "application/zip":
		return "Zip archive data, at least v2.0 to extract"
	case "application/pdf":
		return "PDF document, version 1.5"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "Microsoft OOXML"
	case "application/msword":
		return "Composite Document File V2 Document, Little Endian, Os: Windows, Version 6.1, Code page: 1252"
	}
	return "data"
}

const (
	mimeRAR  = "application/x-rar-compressed"
	mime7z   = "application/x-7z-compressed"
	mimeZip  = "application/zip"
	mimePDF  = "application/pdf"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeDOC  = "application/msword"
	mimeEXE  = "application/x-dosexec"
	magicPE  = "PE32 executable (GUI) Intel 80386, for MS Windows"
)

// sqli adds SQL injection requests from src against the site's web server.
func (x *gen) sqli(p *plant, src netip.Addr, t time.Time, n int, blocked bool) time.Time {
	g := x.g
	for i := range n {
		uri := fmt.Sprintf("/products/detail.aspx?id=%d'%%20UNION%%20SELECT%%20%s--", 100+g.intn(900), pick(g, []string{"name,password_hash%20FROM%20users", "@@version,NULL", "table_name,NULL%20FROM%20information_schema.tables"}))
		r := ruleSQLi
		if i == n-1 {
			uri = "/products/detail.aspx?id=1;EXEC%20master..xp_cmdshell%20'whoami'--"
			r = ruleSQLiXP
		}
		tx := httpTx{method: "GET", host: p.site.webHost(), uri: uri, ua: uaOldIE, status: 500, ctype: "text/html", respLen: g.between64(1_200, 6_000)}
		ss := x.web(p.site, src, p.site.web, 80, t, []httpTx{tx}, nil, p.id)
		ss.alert(r, 2*time.Millisecond, 0, blocked)
		t = t.Add(g.dur(20*time.Second, 4*time.Minute))
	}
	return t
}

// deepPandaTheft plants a full Deep Panda intrusion: SQL injection, China
// Chopper, Derusbi, beacons and exfiltration of the given files.
func (x *gen) deepPandaTheft(p *plant, from time.Time, days int, files []loot) {
	g := x.g
	a := p.actor
	s := p.site
	eng := s.clients[0]
	days0 := weekdays(from, from.AddDate(0, 0, days))
	t := x.opTime(a, days0[0])
	t = x.sqli(p, dpSQLiSrc, t, g.between(4, 7), false)

	// Web shell planted through an upload form, then used.
	t = t.Add(g.dur(10*time.Minute, 50*time.Minute))
	up := fileTx{name: "errors.aspx", size: 73, mime: "text/plain", magic: "ASCII text, with no line terminators", hashes: hashChopper, upload: true, source: "HTTP"}
	x.web(s, dpShellOp, s.web, 80, t, []httpTx{{method: "POST", host: s.webHost(), uri: "/admin/upload.aspx", ua: uaOldIE, status: 200, ctype: "text/html", reqLen: 611, respLen: 1_020, origFiles: []int{0}}}, []fileTx{up}, p.id)
	for i, d := range days0[:min(4, len(days0))] {
		for j := range g.between(2, 4) {
			tt := x.opTime(a, d)
			if i == 0 {
				tt = t.Add(time.Duration(j+1) * g.dur(2*time.Minute, 20*time.Minute))
			}
			ss := x.web(s, dpShellOp, s.web, 80, tt, []httpTx{{method: "POST", host: s.webHost(), uri: dpShellURI, ua: uaOldIE, status: 200, ctype: "text/html", reqLen: g.between64(60, 900), respLen: g.between64(40, 20_000)}}, nil, p.id)
			if j == 0 || g.chance(0.3) {
				ss.alert(ruleChopper, 2*time.Millisecond, 0, false)
			}
		}
	}

	// Derusbi fetched by the web server and the engineering workstation.
	d1 := days0[1]
	for _, host := range []netip.Addr{s.web, eng} {
		tt := x.opTime(a, d1)
		tt = x.lookup(s, host, tt, dpC2Domain, []netip.Addr{dpC2}, p.id)
		x.download(p, host, dpC2, dpC2Domain, dpDerusbiURI, uaOldIE, tt, dpDerusbiURI, 148_992, mimeEXE, magicPE, hashDerusbi, ruleDerusbiDL)
	}

	// Beacons on every working day from then on.
	for _, d := range days0[1:] {
		for range g.between(3, 6) {
			tt := x.opTime(a, d)
			if g.chance(0.3) {
				tt = x.lookup(s, eng, tt, dpC2Domain, []netip.Addr{dpC2}, p.id)
			}
			x.beaconTLS(p, eng, dpC2, dpC2Domain, ja3Derusbi, tt, ruleDerusbiC2, 0.25)
		}
	}
	// A couple of beacons outside office hours: the implant runs all day.
	for range 2 {
		d := pick(g, days0[1:])
		x.beaconTLS(p, eng, dpC2, dpC2Domain, ja3Derusbi, g.at(d, 14, 8*time.Hour), nil, 0)
	}

	// Exfiltration over the C2 channel in the last days.
	last := days0[len(days0)-len(files):]
	for i, l := range files {
		tt := x.opTime(a, last[i])
		x.exfil(p, eng, dpC2, dpC2Domain, "/upload.php", tt, l, true)
	}
}

// deepPandaAttempt plants a Deep Panda attempt that the IPS blocks: nothing
// leaves the victim.
func (x *gen) deepPandaAttempt(p *plant, d time.Time, withC2, second bool) {
	g := x.g
	a := p.actor
	s := p.site
	t := x.opTime(a, d)
	if d.Equal(day(2015, time.September, 26)) {
		// The first attempt after the agreement: Saturday morning in Beijing.
		t = g.at(d, 2, 40*time.Minute)
	}
	t = x.sqli(p, dpSQLiSrc, t, g.between(3, 6), true)
	t = t.Add(g.dur(5*time.Minute, 30*time.Minute))
	ss := x.web(s, dpShellOp, s.web, 80, t, []httpTx{{method: "POST", host: s.webHost(), uri: "/admin/upload.aspx", ua: uaOldIE, reqLen: 611}}, nil, p.id)
	ss.alert(ruleChopper, 2*time.Millisecond, 0, true)
	if !withC2 {
		return
	}
	t = t.Add(g.dur(3*time.Minute, 20*time.Minute))
	domain, ip := dpC2Domain, dpC2
	if second {
		domain, ip = dpC2Domain2, dpC2b
	}
	t = x.lookup(s, s.web, t, domain, []netip.Addr{ip}, p.id)
	ss = x.web(s, s.web, ip, 80, t, []httpTx{{method: "GET", host: domain, uri: dpDerusbiURI, ua: uaOldIE}}, nil, p.id)
	ss.alert(ruleDerusbiDL, time.Millisecond, 0, true)
}

// menuPassTheft plants menuPass against a UK company: a lure (by mail when
// the site runs Zeek), ChChes check-ins, PlugX and exfiltration.
func (x *gen) menuPassTheft(p *plant, from time.Time, days int, files []loot) {
	g := x.g
	a := p.actor
	s := p.site
	victim := s.clients[2]
	ds := weekdays(from, from.AddDate(0, 0, days))
	t := x.opTime(a, ds[0])
	if s.zeek {
		relay := netip.AddrFrom4([4]byte{198, 19, 77, 25})
		lure := fileTx{name: "Q4_supplier_price_revision.doc", size: 188_416, mime: mimeDOC, magic: magicOf(mimeDOC), hashes: hashChChesDoc, upload: true, source: "SMTP"}
		ss := x.plain(s, relay, s.mail, 25, "smtp", t, 254_000, 1_900, p.id)
		ss.files = []fileTx{lure}
		ss.files[0].fuid = g.zeekID('F')
		t = t.Add(g.dur(40*time.Minute, 90*time.Minute))
	}
	t = x.lookup(s, victim, t, mpC2Domain, []netip.Addr{mpC2a}, p.id)
	x.beaconHTTP(p, victim, mpC2a, mpC2Domain, fmt.Sprintf("/%s.htm", g.zeekID('k')[1:9]), uaOldIE, "GET", t, ruleChChes, 1)
	tt := x.opTime(a, ds[1])
	tt = x.lookup(s, victim, tt, mpC2Domain, []netip.Addr{mpC2a}, p.id)
	x.download(p, victim, mpC2a, mpC2Domain, "/msoffice.dat", uaOldIE, tt, "/msoffice.dat", 237_568, "application/octet-stream", "data", hashPlugX, nil)
	for _, d := range ds[1:] {
		for range g.between(2, 4) {
			tt := x.opTime(a, d)
			x.beaconHTTP(p, victim, mpC2a, mpC2Domain, fmt.Sprintf("/%s.htm", g.zeekID('k')[1:9]), uaOldIE, "GET", tt, ruleChChes, 0.3)
		}
		for range g.between(2, 5) {
			tt := x.opTime(a, d)
			if g.chance(0.4) {
				tt = x.lookup(s, victim, tt, mpC2Domain2, []netip.Addr{mpC2b}, p.id)
			}
			x.beaconTLS(p, victim, mpC2b, mpC2Domain2, ja3PlugX, tt, rulePlugX, 0.2)
		}
	}
	last := ds[len(ds)-len(files):]
	for i, l := range files {
		tt := x.opTime(a, last[i])
		x.exfil(p, victim, mpC2b, mpC2Domain2, "/upload", tt, l, true)
	}
}

// apt3Theft plants APT3 against the government agency: a watering-hole
// exploit, SHOTPUT, check-ins and exfiltration of documents.
func (x *gen) apt3Theft(p *plant, from time.Time, days int, files []loot) {
	g := x.g
	a := p.actor
	s := p.site
	victim := s.clients[5]
	ds := weekdays(from, from.AddDate(0, 0, days))
	// The victim browses in its own working hours; the lure site is benign but compromised.
	t := g.at(ds[0], 14, 2*time.Hour)
	lure := siteAddr(apt3Lure)
	t = x.lookup(s, victim, t, apt3Lure, []netip.Addr{lure}, p.id)
	x.web(s, victim, lure, 80, t, []httpTx{{method: "GET", host: apt3Lure, uri: "/events/2015-trade-forum.html", ua: uaIE11, status: 200, ctype: "text/html", respLen: 31_877}}, nil, p.id)
	t = t.Add(g.dur(time.Second, 4*time.Second))
	ss := x.web(s, victim, apt3Exploit, 80, t, []httpTx{
		{method: "GET", host: apt3Exploit.String(), uri: "/flash/index.html", ua: uaIE11, referer: "http://" + apt3Lure + "/events/2015-trade-forum.html", status: 200, ctype: "text/html", respLen: 1_204},
		{method: "GET", host: apt3Exploit.String(), uri: "/flash/player.swf", ua: uaIE11, status: 200, ctype: "application/x-shockwave-flash", respLen: 46_310},
	}, nil, p.id)
	ss.alert(ruleFlash, 600*time.Millisecond, 1, false)
	t = t.Add(g.dur(3*time.Second, 9*time.Second))
	x.download(p, victim, apt3Exploit, apt3Exploit.String(), apt3Payload, uaOldIE, t, apt3Payload, 93_696, "image/gif", magicPE, hashShotput, nil)
	// Operators check in from the next working day (Beijing hours precede the US afternoon infection).
	for _, d := range ds[1:] {
		for range g.between(3, 6) {
			tt := x.opTime(a, d)
			if g.chance(0.3) {
				tt = x.lookup(s, victim, tt, apt3C2Domain, []netip.Addr{apt3C2}, p.id)
			}
			x.beaconHTTP(p, victim, apt3C2, apt3C2Domain, fmt.Sprintf("/index.asp?id=%d", 10_000+g.intn(90_000)), uaOldIE, "GET", tt, ruleShotput, 0.3)
		}
	}
	last := ds[len(ds)-len(files):]
	for i, l := range files {
		tt := x.opTime(a, last[i])
		x.exfil(p, victim, apt3C2, apt3C2Domain, "/upload.asp", tt, l, false)
	}
}

// apt28Theft plants APT28 against the defence contractor: a malicious
// document, CHOPSTICK check-ins in Moscow office hours and exfiltration.
func (x *gen) apt28Theft(p *plant, from time.Time, days int, files []loot) {
	g := x.g
	a := p.actor
	s := p.site
	victim := s.clients[7]
	ds := weekdays(from, from.AddDate(0, 0, days))
	t := g.at(ds[0], 14, 3*time.Hour)
	t = x.lookup(s, victim, t, apt28PhishHost, []netip.Addr{apt28Phish}, p.id)
	x.download(p, victim, apt28Phish, apt28PhishHost, "/attach/agenda.doc", uaIE11, t, "/attach/agenda.doc", 402_432, mimeDOC, magicOf(mimeDOC), hashChopstick, ruleOfficeDoc)
	for _, d := range ds[1:] {
		for range g.between(3, 6) {
			tt := x.opTime(a, d)
			if g.chance(0.35) {
				tt = x.lookup(s, victim, tt, apt28C2Domain, []netip.Addr{apt28C2}, p.id)
			}
			x.beaconHTTP(p, victim, apt28C2, apt28C2Domain, fmt.Sprintf("/search/?q=%s", g.zeekID('q')[1:12]), uaIE11, "POST", tt, ruleChopstick, 0.3)
		}
	}
	last := ds[len(ds)-len(files):]
	for i, l := range files {
		tt := x.opTime(a, last[i])
		x.exfil(p, victim, apt28C2, apt28C2Domain, "/webhp/", tt, l, false)
	}
}

// plantDemo plants every intrusion of the demo scenario and returns them in
// truth order.
func (x *gen) plantDemo() []*plant {
	dp, mp, a3, a28 := actorByKey(actDeepPanda), actorByKey(actMenuPass), actorByKey(actAPT3), actorByKey(actAPT28)
	var ps []*plant
	theft := func(org string, from time.Time, days int, files []loot) {
		p := x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[org], dp, intent.Economic, intrusion.Exfiltrated,
			"Deep Panda intrusion before the US-China agreement: SQL injection, China Chopper, Derusbi, exfiltration of R&D files.")
		x.deepPandaTheft(p, from, days, files)
		ps = append(ps, p)
	}
	theft(orgNorthwind, day(2015, time.August, 4), 10, []loot{{"src-firmware.7z", 7_834_112, mime7z}, {"build-signing-keys.zip", 412_004, mimeZip}})
	theft(orgMeridian, day(2015, time.August, 11), 10, []loot{{"clinical-trial-data.rar", 12_641_280, mimeRAR}, {"formula-MRP-2215.docx", 1_104_896, mimeDOCX}})
	theft(orgCobalt, day(2015, time.August, 18), 10, []loot{{"asic-rtl-v3.7z", 9_306_624, mime7z}})
	theft(orgHalcyon, day(2015, time.August, 31), 9, []loot{{"api-synthesis-route.pdf", 2_207_744, mimePDF}, {"stability-study-results.xlsx", 3_391_488, mimeXLSX}})

	attempt := func(org string, d time.Time, withC2, second bool) {
		p := x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[org], dp, intent.Economic, intrusion.Prevented,
			"Deep Panda attempt after the US-China agreement: SQL injection and web shell upload blocked by the IPS, no exfiltration.")
		x.deepPandaAttempt(p, d, withC2, second)
		ps = append(ps, p)
	}
	attempt(orgBluepeak, day(2015, time.September, 26), true, false)
	attempt(orgNorthwind, day(2015, time.October, 1), true, true)
	attempt(orgMeridian, day(2015, time.October, 5), true, true)
	attempt(orgTallgrass, day(2015, time.October, 7), true, false)
	attempt(orgCobalt, day(2015, time.October, 9), true, false)
	attempt(orgHalcyon, day(2015, time.October, 13), true, true)
	attempt(orgHarbor, day(2015, time.October, 15), true, true)

	p := x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[orgOFWR], a3, intent.NationalSecurity, intrusion.Exfiltrated,
		"APT3 against a US government agency: watering-hole Flash exploit, SHOTPUT, theft of personnel and policy documents.")
	x.apt3Theft(p, day(2015, time.October, 6), 10, []loot{{"personnel-clearances.xlsx", 3_207_168, mimeXLSX}, {"policy-memo-south-china-sea.docx", 911_360, mimeDOCX}, {"agency-org-chart-2015.pdf", 1_433_600, mimePDF}})
	ps = append(ps, p)

	p = x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[orgThameside], mp, intent.Economic, intrusion.Exfiltrated,
		"menuPass against a UK pharmaceutical company after the UK-China statement: spear-phishing, ChChes, PlugX, theft of research data.")
	x.menuPassTheft(p, day(2015, time.October, 27), 10, []loot{{"compound-assay-results.rar", 11_894_784, mimeRAR}, {"formulation-batch-records.7z", 6_029_312, mime7z}})
	ps = append(ps, p)

	p = x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[orgIronclad], a28, intent.NationalSecurity, intrusion.Exfiltrated,
		"APT28 against a US defence contractor: malicious document, CHOPSTICK, theft of military programme documents. Russia is party to none of the bilateral agreements.")
	x.apt28Theft(p, day(2015, time.November, 18), 7, []loot{{"radar-integration-test-plan.pdf", 5_120_000, mimePDF}, {"avionics-interface-spec.docx", 2_306_048, mimeDOCX}})
	ps = append(ps, p)

	p = x.newPlant(fmt.Sprintf("truth-%02d", len(ps)+1), x.byID[orgPennine], mp, intent.Economic, intrusion.Exfiltrated,
		"menuPass against a UK technology company after the G20 communique: ChChes, PlugX, theft of chip layouts.")
	x.menuPassTheft(p, day(2015, time.November, 23), 4, []loot{{"asic-layout-gen4.7z", 9_043_968, mime7z}})
	ps = append(ps, p)
	return ps
}
