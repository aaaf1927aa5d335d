package simulate

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Lookalike kinds of the easy and hard profiles.
const (
	lookKindSharedHosting = "shared-hosting"
	lookKindStale         = "stale-indicator"
	lookKindParentDomain  = "parent-domain"
	lookKindScan          = "sqli-scanning"
)

// lookExpected is what a correct run concludes about each lookalike kind.
var lookExpected = map[string]string{
	lookKindSharedHosting: "unattributed", lookKindStale: "unattributed",
	lookKindParentDomain: "no-sighting", lookKindScan: "no-sighting",
}

// slook is a benign look-alike, collected from the days' sessions.
type slook struct {
	id, kind string
	site     *site
	flows    []string
	sessions []*session // only for the indicator index (kept small: first few)
	n        int
	start    time.Time
	end      time.Time
	inds     map[string]bool
}

// addLookalikeHosts puts benign hosts that touch intel into the
// popularity pool: sites on shared hosting addresses that are indicators,
// benign hosts on reassigned (stale) actor addresses from the day they
// change hands, and parent domains of C2 domains.
func (w *world) addLookalikeHosts(g *rng) {
	ipInd := map[string]bool{}
	dnInd := map[string]bool{}
	for _, in := range w.inds {
		switch in.kind {
		case "ipv4":
			ipInd[in.value] = true
		case "domain":
			dnInd[in.value] = true
		}
	}
	for _, h := range w.hosts {
		if h.shared && ipInd[h.addr.String()] {
			h.look = lookKindSharedHosting
		}
	}
	insert := func(h *benignHost) {
		// Somewhere among the moderately popular sites.
		i := 60 + g.intn(340)
		w.hosts = append(w.hosts[:i], append([]*benignHost{h}, w.hosts[i:]...)...)
	}
	for _, a := range w.actors {
		for _, x := range a.c2 {
			if x.owners[0] != a {
				continue
			}
			if !x.staleAt.IsZero() {
				h := &benignHost{host: x.benignDN, addr: x.addr, tls: true, from: x.staleAt}
				h.cert = certificate(h.host, issGeoTrust, x.staleAt.AddDate(0, 0, -3), false)
				if ipInd[x.addr.String()] {
					h.look = lookKindStale
				}
				insert(h)
			}
			if dnInd[x.domain] && g.chance(0.4) {
				parent := "www" + x.domain[strings.IndexByte(x.domain, '.'):]
				if !w.usedDomain(parent) && !dnInd[parent] {
					h := &benignHost{host: parent, addr: w.alloc(g), tls: true, look: lookKindParentDomain}
					h.cert = certificate(parent, issDigiCert, day(2015, time.February, 11), false)
					insert(h)
				}
			}
		}
	}
}

// dayWeights are relative session rates per local hour.
var (
	weekdayHours = [24]float64{0.12, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.7, 1.5, 2.2, 2.3, 2.2, 1.6, 2.0, 2.2, 2.2, 2.0, 1.4, 0.8, 0.5, 0.4, 0.35, 0.25, 0.15}
	weekendHours = [24]float64{0.1, 0.1, 0.08, 0.08, 0.08, 0.08, 0.1, 0.15, 0.2, 0.3, 0.35, 0.35, 0.35, 0.35, 0.35, 0.3, 0.3, 0.3, 0.3, 0.3, 0.25, 0.2, 0.15, 0.1}
)

// eventsPerSession is the average number of telemetry records a benign
// session yields; it converts EventsPerOrgDay into sessions.
const eventsPerSession = 2.25

// benignDay generates one organisation's benign sessions of one UTC day.
func (w *world) benignDay(di, si int) *gen {
	s := w.sites[si]
	d := w.start.AddDate(0, 0, di)
	g := newRNG(w.cfg.Seed ^ mix64(uint64(di)<<10|uint64(si)))
	x := &gen{g: g, sites: w.sites, stream: 1 + uint64(di)<<10 | uint64(si)}
	loc := w.siteLoc[si]
	// The UTC day's hours in local time: weight each by the local hour's rate.
	var cum [24]float64
	sum := 0.0
	for h := range 24 {
		lt := d.Add(time.Duration(h) * time.Hour).In(loc)
		tbl := &weekdayHours
		if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday {
			tbl = &weekendHours
		}
		sum += tbl[lt.Hour()]
		cum[h] = sum
	}
	// Average weight over a week is about 0.8 per hour (24h): scale so
	// the period's mean matches EventsPerOrgDay.
	size := 0.5 + 0.5*float64(len(s.clients))/100
	n := int(float64(w.cfg.EventsPerOrgDay) / eventsPerSession * sum / (24 * 0.86) * size)
	for range n {
		u := g.r.Float64() * sum
		h := 0
		for h < 23 && cum[h] < u {
			h++
		}
		t := d.Add(time.Duration(h)*time.Hour + time.Duration(g.r.Int64N(int64(time.Hour/time.Microsecond)))*time.Microsecond)
		client := s.clients[g.intn(len(s.clients))]
		switch r := g.r.Float64(); {
		case r < 0.55:
			w.browse(x, s, client, t, d)
		case r < 0.72:
			// Internal name lookups answered from the private range.
			name := pick(g, []string{"fs01", "dc01", "dc02", "intranet", "wiki", "mail", "print01", "vpn", "jira", "sharepoint"}) + ".corp." + s.ID + ".internal"
			x.lookup(s, client, t, name, []netip.Addr{addrIn(s.private, 20+g.intn(40))}, "")
		case r < 0.78:
			x.plain(s, client, s.fileServer, 445, "smb", t, g.between64(2_000, 900_000), g.between64(5_000, 4_000_000), "")
		case r < 0.83:
			w.update(x, s, client, t)
		case r < 0.90:
			// Mail from the internet to the organisation's mail server.
			x.plain(s, randomClient(g), s.mail, 25, "smtp", t, g.between64(3_000, 400_000), g.between64(400, 2_000), "")
		default:
			// Internet visitors of the public web site.
			x.web(s, randomClient(g), s.web, 80, t, []httpTx{{method: "GET", host: s.webHost(), uri: pick(g, []string{"/", "/about", "/products/", "/careers", "/news/2015", "/contact"}),
				ua: pick(g, browsers).ua, status: 200, ctype: "text/html", respLen: g.between64(4_000, 60_000)}}, nil, "")
		}
	}
	// Internet SQL injection scanning: real T1190 alerts without an indicator.
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && g.chance(w.prof.scanRate) {
		scanner := randomClient(g)
		t := d.Add(g.dur(0, 23*time.Hour))
		for i := range g.between(2, 6) {
			uri := fmt.Sprintf("/products/detail.aspx?id=%d%%20AND%%201%%3D%d%%20UNION%%20ALL%%20SELECT%%20NULL%%2CNULL--", 10+i, 1+g.intn(9000))
			ss := x.web(s, scanner, s.web, 80, t, []httpTx{{method: "GET", host: s.webHost(), uri: uri, ua: uaSqlmap, status: 500, ctype: "text/html", respLen: 3_420}}, nil, lookID(lookKindScan, s))
			ss.alert(ruleSqlmap, 2*time.Millisecond, 0, false)
			t = t.Add(g.dur(2*time.Second, 40*time.Second))
		}
	}
	return x
}

func lookID(kind string, s *site) string { return "lookalike-" + kind + "-" + s.ID }

// browse adds a visit of a benign site, with a DNS look-up half the time.
func (w *world) browse(x *gen, s *site, client netip.Addr, t, d time.Time) {
	g := x.g
	h := w.pickHost(g)
	for !h.from.IsZero() && d.Before(h.from) {
		h = w.pickHost(g)
	}
	tag := ""
	if h.look != "" {
		tag = lookID(h.look, s)
	}
	if g.chance(0.5) {
		t = x.lookup(s, client, t, h.host, []netip.Addr{h.addr}, tag)
	}
	br := pick(g, browsers)
	if h.tls {
		c := *h.cert
		c.ja3, c.ja3s = br.ja3, ja3sCommon
		ss := x.secure(s, client, h.addr, t, &c, g.between64(800, 40_000), g.between64(20_000, 2_500_000), tag)
		if h.host == "www.dropbox.com" && g.chance(0.3) {
			ss.alert(ruleDropbox, 80*time.Millisecond, -1, false)
		}
		return
	}
	uri := pick(g, h.paths)
	tx := httpTx{method: "GET", host: h.host, uri: uri, ua: br.ua, status: 200, ctype: "text/html", respLen: g.between64(1_000, 180_000)}
	switch h.host {
	case "www.msftncsi.com":
		tx.ua, tx.ctype, tx.respLen = "Microsoft NCSI", "text/plain", 14
	case "ocsp.digicert.com":
		tx.ua, tx.ctype, tx.respLen = uaCryptoAPI, "application/ocsp-response", 471
	case "crl.microsoft.com", "ctldl.windowsupdate.com":
		tx.ua, tx.ctype, tx.respLen = uaCryptoAPI, "application/pkix-crl", g.between64(600, 2_000)
	}
	ss := x.web(s, client, h.addr, 80, t, []httpTx{tx}, nil, tag)
	if h.host == "www.cnn.com" && g.chance(0.2) {
		ss.alert(ruleFlashOld, 30*time.Millisecond, 0, false)
	}
}

// update adds a software update: usually a small check, sometimes a
// download with its file.
func (w *world) update(x *gen, s *site, client netip.Addr, t time.Time) {
	g := x.g
	hosts := []string{"download.windowsupdate.com", "au.download.windowsupdate.com", "update.adobe.example-updates.com", "liveupdate.symantecliveupdate.com"}
	host := pick(g, hosts)
	addr := w.updateAddr[host]
	t = x.lookup(s, client, t, host, []netip.Addr{addr}, "")
	if g.chance(0.7) {
		x.web(s, client, addr, 80, t, []httpTx{{method: "HEAD", host: host, uri: "/v9/windowsupdate/redir/muv4wuredir.cab", ua: uaWU, status: 200, ctype: "application/octet-stream"}}, nil, "")
		return
	}
	kb := 3_060_000 + g.intn(20_000)
	name := fmt.Sprintf("/d/msdownload/update/software/secu/2015/%02d/windows6.1-kb%d-x64.msu", int(t.Month()), kb)
	size := g.between64(400_000, 30_000_000)
	f := fileTx{name: name, size: size, mime: "application/octet-stream", magic: "data", hashes: fakeDigests(fmt.Sprintf("wu/%d", kb)), source: "HTTP"}
	tx := httpTx{method: "GET", host: host, uri: name, ua: uaWU, status: 200, ctype: "application/octet-stream", respLen: size, respFiles: []int{0}}
	x.web(s, client, addr, 80, t, []httpTx{tx}, []fileTx{f}, "")
}
