package simulate

import (
	"fmt"
	"math"
	"net/netip"
	"time"
)

// webSite is a benign internet destination.
type webSite struct {
	host   string
	tls    bool
	issuer string
}

const (
	issDigiCert = "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert SHA2 High Assurance Server CA"
	issSymantec = "C=US, O=Symantec Corporation, OU=Symantec Trust Network, CN=Symantec Class 3 Secure Server CA - G4"
	issGeoTrust = "C=US, O=GeoTrust Inc., CN=GeoTrust SSL CA - G3"
	issGoogle   = "C=US, O=Google Inc, CN=Google Internet Authority G2"
	issMS       = "C=US, ST=Washington, L=Redmond, O=Microsoft Corporation, OU=Microsoft IT, CN=Microsoft IT SSL SHA2"
)

var commonSites = []webSite{
	{"www.google.com", true, issGoogle}, {"www.google.com", true, issGoogle}, {"fonts.gstatic.com", true, issGoogle},
	{"ajax.googleapis.com", true, issGoogle}, {"www.youtube.com", true, issGoogle},
	{"www.bing.com", true, issMS}, {"outlook.office365.com", true, issMS}, {"login.microsoftonline.com", true, issMS},
	{"www.linkedin.com", true, issSymantec}, {"www.nytimes.com", true, issDigiCert}, {"www.reuters.com", true, issGeoTrust},
	{"github.com", true, issDigiCert}, {"stackoverflow.com", true, issDigiCert}, {"en.wikipedia.org", true, issGlobalSign},
	{"www.amazon.com", true, issSymantec}, {"s3.amazonaws.com", true, issDigiCert}, {"www.salesforce.com", true, issSymantec},
	{"www.dropbox.com", true, issDigiCert}, {"www.theguardian.com", true, issGeoTrust},
	{"www.msftncsi.com", false, ""}, {"ocsp.digicert.com", false, ""}, {"crl.microsoft.com", false, ""},
	{"www.weather.com", false, ""}, {"www.cnn.com", false, ""},
}

const issGlobalSign = "C=BE, O=GlobalSign nv-sa, CN=GlobalSign Organization Validation CA - SHA256 - G2"

var sectorSites = map[string][]webSite{
	"technology":          {{"docs.oracle.com", true, issSymantec}, {"www.jetbrains.com", true, issGeoTrust}, {"msdn.microsoft.com", true, issMS}},
	"pharmaceuticals":     {{"www.fda.gov", true, issDigiCert}, {"clinicaltrials.gov", true, issDigiCert}, {"www.ncbi.nlm.nih.gov", true, issDigiCert}, {"www.ema.europa.eu", true, issGlobalSign}},
	"government-national": {{"www.usa.gov", true, issDigiCert}, {"www.federalregister.gov", true, issDigiCert}, {"www.gao.gov", true, issDigiCert}},
	"defense":             {{"www.defense.gov", true, issDigiCert}, {"www.janes.com", true, issGeoTrust}, {"www.sam.gov", true, issDigiCert}},
}

var ukSites = []webSite{{"www.gov.uk", true, issGlobalSign}, {"www.bbc.co.uk", true, issGlobalSign}, {"www.ft.com", true, issGeoTrust}}

var httpPaths = map[string][]string{
	"www.msftncsi.com":  {"/ncsi.txt"},
	"ocsp.digicert.com": {"/MFEwTzBNMEswSTAJBgUrDgMCGgUABBQ50otx%2Fh0Ztl%2Bz8SiPI7wEWVxDlQQUTiJUIBiV5uNu5g%2F6%2BrkS7QYXjzkCEAUZLmDGvjs2mFn4GVTN1vA%3D"},
	"crl.microsoft.com": {"/pki/crl/products/MicRooCerAut_2010-06-23.crl", "/pki/crl/products/MicCodSigPCA_08-31-2010.crl"},
	"www.weather.com":   {"/", "/weather/today/l/USNY0996:1:US", "/news"},
	"www.cnn.com":       {"/", "/2015/politics", "/us"},
}

var browsers = []struct{ ua, ja3 string }{{uaChrome, ja3Chrome}, {uaChrome, ja3Chrome}, {uaIE11, ja3IE11}, {uaFirefox, ja3Firefox}}

// benign adds the background traffic of every site over the scenario period.
func (x *gen) benign(scale float64) {
	for _, s := range x.sites {
		for d := periodStart; d.Before(periodEnd); d = d.AddDate(0, 0, 1) {
			x.benignDay(s, d, scale)
		}
	}
}

func scaled(n int, scale float64) int { return int(math.Round(float64(n) * scale)) }

func (x *gen) benignDay(s *site, d time.Time, scale float64) {
	g := x.g
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	browse := g.between(2, 5)
	if weekend {
		browse = g.between(0, 1)
	}
	off := s.utcOffset(d.Add(12 * time.Hour))
	for range scaled(browse, scale) {
		client := pick(g, s.clients)
		t := g.at(d, 8-off.Hours(), 10*time.Hour+30*time.Minute)
		x.browse(s, client, t)
	}
	// Internal file shares and directory traffic.
	for range scaled(g.between(0, 1), scale) {
		client := pick(g, s.clients)
		t := g.at(d, 8-off.Hours(), 10*time.Hour)
		x.plain(s, client, s.fileServer, 445, "smb", t, g.between64(2_000, 900_000), g.between64(5_000, 4_000_000), "")
	}
	// Nightly update check of one client.
	if g.chance(0.35 * scale) {
		client := pick(g, s.clients)
		t := g.at(d, 2-off.Hours(), 3*time.Hour)
		x.windowsUpdate(s, client, t)
	}
	// Internet visitors of the public web site.
	for range scaled(g.between(0, 1), scale) {
		visitor := netip.AddrFrom4([4]byte{198, 19, byte(128 + g.intn(64)), byte(1 + g.intn(254))})
		t := g.at(d, 0, 24*time.Hour-time.Minute)
		x.web(s, visitor, s.web, 80, t, []httpTx{{method: "GET", host: s.webHost(), uri: pick(g, []string{"/", "/about", "/products/", "/careers", "/news/2015"}),
			ua: pick(g, browsers).ua, status: 200, ctype: "text/html", respLen: g.between64(4_000, 60_000)}}, nil, "")
	}
	// Internet SQL injection scanning: IDS alerts with no indicator behind them.
	if !weekend && g.chance(0.06) {
		x.scan(s, d)
	}
}

// browse adds one look-up and visit of a benign web site.
func (x *gen) browse(s *site, client netip.Addr, t time.Time) {
	g := x.g
	sites := commonSites
	if g.chance(0.25) {
		sites = sectorSites[s.Sector]
		if s.Country == "GB" && g.chance(0.5) {
			sites = ukSites
		}
	}
	w := pick(g, sites)
	addr := siteAddr(w.host)
	if g.chance(0.5) {
		// Otherwise the client's resolver cache still holds the name.
		t = x.lookup(s, client, t, w.host, []netip.Addr{addr}, "")
	}
	br := pick(g, browsers)
	if w.tls {
		tx := certificate(w.host, w.issuer, day(2015, time.Month(1+g.intn(6)), 1+g.intn(28)), false)
		tx.ja3, tx.ja3s = br.ja3, ja3sCommon
		ss := x.secure(s, client, addr, t, tx, g.between64(800, 40_000), g.between64(20_000, 2_500_000), "")
		if w.host == "www.dropbox.com" && g.chance(0.3) {
			ss.alert(ruleDropbox, 80*time.Millisecond, -1, false)
		}
		return
	}
	uri := pick(g, httpPaths[w.host])
	tx := httpTx{method: "GET", host: w.host, uri: uri, ua: br.ua, status: 200, ctype: "text/html", respLen: g.between64(1_000, 180_000)}
	switch w.host {
	case "www.msftncsi.com":
		tx.ua, tx.ctype, tx.respLen = "Microsoft NCSI", "text/plain", 14
	case "ocsp.digicert.com":
		tx.ua, tx.ctype, tx.respLen = uaCryptoAPI, "application/ocsp-response", 471
	case "crl.microsoft.com":
		tx.ua, tx.ctype, tx.respLen = uaCryptoAPI, "application/pkix-crl", g.between64(600, 2_000)
	}
	ss := x.web(s, client, addr, 80, t, []httpTx{tx}, nil, "")
	if w.host == "www.cnn.com" && g.chance(0.2) {
		ss.alert(ruleFlashOld, 30*time.Millisecond, 0, false)
	}
}

// windowsUpdate adds an update download with its file.
func (x *gen) windowsUpdate(s *site, client netip.Addr, t time.Time) {
	g := x.g
	host := "download.windowsupdate.com"
	addr := siteAddr(host)
	t = x.lookup(s, client, t, host, []netip.Addr{addr}, "")
	kb := 3_060_000 + g.intn(20_000)
	name := fmt.Sprintf("/d/msdownload/update/software/secu/2015/%02d/windows6.1-kb%d-x64_%s.psf", int(t.Month()), kb, fakeDigests(fmt.Sprint(kb)).SHA1[:40])
	size := g.between64(400_000, 30_000_000)
	f := fileTx{name: name, size: size, mime: "application/octet-stream", magic: "data", hashes: fakeDigests(fmt.Sprintf("wu/%d/%d", kb, size)), source: "HTTP"}
	tx := httpTx{method: "GET", host: host, uri: name, ua: uaWU, status: 200, ctype: "application/octet-stream", respLen: size, respFiles: []int{0}}
	x.web(s, client, addr, 80, t, []httpTx{tx}, []fileTx{f}, "")
}

// Truth ids of the benign look-alikes.
const (
	lookScan         = "lookalike-sqli-scanning"
	lookSharedCDN    = "lookalike-shared-cdn"
	lookParentDomain = "lookalike-parent-domain"
)

// scan adds a burst of automated SQL injection probes from an internet
// scanner against the site's web server: real alerts, no indicator.
func (x *gen) scan(s *site, d time.Time) {
	g := x.g
	scanner := netip.AddrFrom4([4]byte{198, 19, byte(200 + g.intn(50)), byte(1 + g.intn(254))})
	t := g.at(d, 0, 23*time.Hour)
	for i := range g.between(2, 5) {
		uri := fmt.Sprintf("/products/detail.aspx?id=%d%%20AND%%201%%3D%d%%20UNION%%20ALL%%20SELECT%%20NULL%%2CNULL--", 10+i, 1+g.intn(9000))
		ss := x.web(s, scanner, s.web, 80, t, []httpTx{{method: "GET", host: s.webHost(), uri: uri, ua: uaSqlmap, status: 500, ctype: "text/html", respLen: 3_420}}, nil, lookScan)
		ss.alert(ruleSqlmap, 2*time.Millisecond, 0, false)
		t = t.Add(g.dur(2*time.Second, 40*time.Second))
	}
}

// lookalikes adds benign traffic that touches intel: a site on the shared
// hosting address named in two actors' reporting, and a parent domain of a
// C2 domain that a subdomain-matching sweep must not confuse with it.
func (x *gen) lookalikes() {
	g := x.g
	h := x.byID[orgHarbor]
	client := h.clients[3]
	for d := day(2015, time.November, 9); d.Before(day(2015, time.November, 21)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for range g.between(1, 3) {
			t := g.at(d, 13, 8*time.Hour)
			t = x.lookup(h, client, t, sharedCDNDomain, []netip.Addr{sharedCDN}, lookSharedCDN)
			tx := certificate(sharedCDNDomain, issGeoTrust, day(2015, time.March, 2), false)
			tx.ja3, tx.ja3s = ja3Chrome, ja3sCommon
			x.secure(h, client, sharedCDN, t, tx, g.between64(900, 6_000), g.between64(30_000, 900_000), lookSharedCDN)
		}
	}
	n := x.byID[orgNorthwind]
	parent := "www.example-cdn.com"
	for _, dd := range []int{3, 5, 10, 12} {
		client := pick(g, n.clients)
		t := g.at(day(2015, time.November, dd), 15, 6*time.Hour)
		addr := siteAddr(parent)
		t = x.lookup(n, client, t, parent, []netip.Addr{addr}, lookParentDomain)
		tx := certificate(parent, issDigiCert, day(2015, time.February, 11), false)
		tx.ja3, tx.ja3s = ja3Chrome, ja3sCommon
		x.secure(n, client, addr, t, tx, g.between64(900, 6_000), g.between64(30_000, 400_000), lookParentDomain)
	}
}
