package simulate

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // organisation and sponsor zones must resolve everywhere

	"github.com/pactwatch/pactwatch/internal/org"
)

// profile holds the knobs that make a scenario easy or hard.
type profile struct {
	name          string
	coverage      [2]float64 // share of an actor's infrastructure and samples in intel (per actor, uniform in range)
	offVictim     float64    // share of intrusions against organisations outside the actor's victimology
	afterHours    float64    // share of operator sessions outside office hours
	rate          float64    // intrusions per actor per 30 days
	sharedInfra   int        // infrastructure items shared by two actors
	oneSided      float64    // share of shared items intel ties to one of the two actors only
	sharedHosting int        // actor domains on shared hosting addresses also serving benign sites
	stale         int        // actor addresses reassigned to benign hosts later
	falseFlags    int        // intrusions using another actor's tool
	neutralLoot   float64    // share of economic intrusions with a neutrally named file among the loot
	validUntil    float64    // share of address indicators with valid_until
	lowConfidence float64    // share of indicators with confidence below 50
	scanRate      float64    // chance per organisation and weekday of a sqlmap scan
}

var profiles = map[string]profile{
	ProfileEasy: {
		name: ProfileEasy, coverage: [2]float64{0.85, 0.95}, offVictim: 0.03, afterHours: 0.02, rate: 1.6,
		sharedInfra: 1, oneSided: 0, sharedHosting: 1, stale: 1, falseFlags: 1, neutralLoot: 0,
		validUntil: 0.5, lowConfidence: 0.05, scanRate: 0.02,
	},
	ProfileHard: {
		name: ProfileHard, coverage: [2]float64{0.5, 0.7}, offVictim: 0.12, afterHours: 0.12, rate: 2.2,
		sharedInfra: 4, oneSided: 0.5, sharedHosting: 3, stale: 4, falseFlags: 3, neutralLoot: 0.3,
		validUntil: 0.35, lowConfidence: 0.2, scanRate: 0.06,
	},
}

// Country facts of the organisations: IANA zone and a weight (US and GB
// well represented).
var orgCountries = []struct {
	code, zone string
	weight     int
	suffix     string
}{
	{"US", "America/New_York", 34, "Inc."}, {"GB", "Europe/London", 20, "plc"}, {"DE", "Europe/Berlin", 9, "GmbH"},
	{"JP", "Asia/Tokyo", 9, "K.K."}, {"FR", "Europe/Paris", 8, "SA"}, {"AU", "Australia/Sydney", 6, "Pty Ltd"},
	{"CA", "America/Toronto", 7, "Ltd."}, {"KR", "Asia/Seoul", 4, "Co., Ltd."}, {"IT", "Europe/Rome", 3, "S.p.A."},
}

// orgSectors lists the sectors organisations are drawn from with weights.
var orgSectors = []struct {
	sector string
	weight int
	words  []string
}{
	{"technology", 16, []string{"Systems", "Software", "Networks", "Cloud", "Data"}},
	{"pharmaceuticals", 10, []string{"Biopharma", "Therapeutics", "Pharma", "Biosciences"}},
	{"manufacturing", 9, []string{"Semiconductor", "Microsystems", "Industries", "Precision"}},
	{"energy", 7, []string{"Energy", "Petroleum", "Power", "Renewables"}},
	{"financial-services", 7, []string{"Capital", "Bank", "Securities", "Financial"}},
	{"government-national", 8, []string{"Ministry of Trade", "Office of Policy", "Department of State Affairs", "National Agency"}},
	{"defense", 6, []string{"Defense Systems", "Ordnance", "Defence Technologies"}},
	{"aerospace", 5, []string{"Aerospace", "Avionics", "Aviation"}},
	{"education", 4, []string{"University", "Institute of Technology"}},
	{"non-profit", 3, []string{"Policy Institute", "Foundation for Strategic Studies"}},
	{"healthcare", 3, []string{"Health", "Medical Centre"}},
}

var nameStems = []string{"Northwind", "Bluepeak", "Cobalt", "Harbor", "Tallgrass", "Meridian", "Halcyon", "Thameside", "Pennine",
	"Ironclad", "Silverline", "Redwood", "Granite", "Aurora", "Beacon", "Crescent", "Falcon", "Juniper", "Keystone", "Lakeside",
	"Maple", "Nimbus", "Orchard", "Pioneer", "Quarry", "Riverton", "Summit", "Titan", "Upland", "Vanguard", "Westbrook", "Yarrow",
	"Zephyr", "Alder", "Birch", "Cedar", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Highgate", "Ivybridge", "Kestrel", "Larkspur",
	"Marston", "Newhaven", "Oakmont", "Pembroke", "Rosewood", "Stonebridge", "Thornbury", "Wexford", "Ashby", "Brampton", "Calder"}

// actorDef describes one actor of the easy and hard profiles.
type actorDef struct {
	actorSpec
	zone       string
	workdays   []time.Weekday
	access     []string // initial access: sqli, phish, waterhole
	intents    []string // "economic", "national-security": what it steals
	natsecFor  []string // sectors it steals state secrets from
	rate       float64  // relative activity
	afterHours bool     // works some evenings (hard)
	// behaviour after each agreement against that agreement's counterparty:
	// "stop" (no more economic intrusions), "attempts" (only blocked
	// attempts), "continue".
	after map[string]string
}

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
var satWed = []time.Weekday{time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday}

// scenMalware adds the families of the easy and hard profiles to the demo's.
var scenMalware = append(slices.Clone(demoMalware),
	malwareSpec{"streamex", "malware--91000a8a-58cc-4aba-9ad0-993ad6302b86", "StreamEx", "S0142", nil},
	malwareSpec{"redleaves", "malware--17b40f60-729f-4fe8-8aea-cc9ee44a95d5", "RedLeaves", "S0153", []string{"BUGJUICE"}},
	malwareSpec{"remotecmd", "malware--4e6b9625-bbda-4d96-a652-b3bb45453f26", "RemoteCMD", "S0166", nil},
	malwareSpec{"biscuit", "malware--b8eb28e4-48a6-40ae-951a-328714f75eda", "BISCUIT", "S0017", nil},
	malwareSpec{"webc2", "malware--1d808f62-cf63-4063-9727-ff6132514c22", "WEBC2", "S0109", nil},
	malwareSpec{"poisonivy", "malware--b42378e0-f147-496f-992a-26a49705395b", "PoisonIvy", "S0012", []string{"Poison Ivy", "Darkmoon"}},
	malwareSpec{"hikit", "malware--95047f03-4811-4300-922e-1ba937d53a61", "Hikit", "S0009", nil},
	malwareSpec{"gh0st", "malware--88c621a7-aef9-4ae0-94e3-1fc87123eb24", "gh0st RAT", "S0032", []string{"Mydoor", "Moudoor"}},
	// Families outside the China subset of ATT&CK in ../shared/data: real
	// ATT&CK software ids, STIX ids derived by the simulator.
	malwareSpec{"cozycar", stixID("malware", "S0046"), "CozyCar", "S0046", []string{"CozyDuke", "CozyBear", "Cozer", "EuroAPT"}},
	malwareSpec{"volgmer", stixID("malware", "S0180"), "Volgmer", "S0180", nil},
	malwareSpec{"helminth", stixID("malware", "S0170"), "Helminth", "S0170", nil},
	malwareSpec{"downpaper", stixID("malware", "S0186"), "DownPaper", "S0186", nil},
)

func scenMalwareByKey(key string) *malwareSpec {
	for i := range scenMalware {
		if scenMalware[i].key == key {
			return &scenMalware[i]
		}
	}
	panic("simulate: unknown malware " + key)
}

var scenActors = []actorDef{
	{actorSpec: actorSpec{key: actDeepPanda, id: "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064", name: "Deep Panda",
		aliases: []string{"Deep Panda", "Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"}, externalID: "G0009", sponsor: "CN",
		firstSeen: day(2011, time.January, 1), description: "Suspected Chinese threat group: SQL injection, China Chopper web shells, Derusbi and StreamEx against technology, pharmaceutical and financial companies.",
		malware: []string{"derusbi", "streamex", "sakula"}, techniques: []string{"T1190", "T1505.003", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"technology", "pharmaceuticals", "financial-services", "healthcare"}, countries: []string{"US", "GB", "CA"}},
		zone: "Asia/Shanghai", workdays: monFri, access: []string{"sqli"}, intents: []string{"economic"}, rate: 1.3,
		after: map[string]string{"us-cn-2015": "attempts", "gb-cn-2015": "continue", "g20-2015": "continue"}},
	{actorSpec: actorSpec{key: "apt1", id: "intrusion-set--6a2e693f-24e5-451a-9f88-b36a108e5662", name: "APT1",
		aliases: []string{"APT1", "Comment Crew", "Comment Group", "Comment Panda"}, externalID: "G0006", sponsor: "CN",
		firstSeen: day(2006, time.January, 1), description: "Chinese PLA Unit 61398: spear-phishing, BISCUIT and WEBC2 against manufacturing, energy and aerospace companies.",
		malware: []string{"biscuit", "webc2", "poisonivy"}, techniques: []string{"T1566.001", "T1204.002", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"manufacturing", "energy", "aerospace", "technology"}, countries: []string{"US", "GB", "CA", "AU"}},
		zone: "Asia/Shanghai", workdays: monFri, access: []string{"phish"}, intents: []string{"economic"}, rate: 1.2,
		after: map[string]string{"us-cn-2015": "stop", "gb-cn-2015": "stop", "g20-2015": "stop"}},
	{actorSpec: actorSpec{key: actMenuPass, id: "intrusion-set--222fbd21-fc4f-4b7e-9f85-0e6e3a76c33f", name: "menuPass",
		aliases: []string{"menuPass", "Cicada", "POTASSIUM", "Stone Panda", "APT10", "Red Apollo", "CVNX", "HOGFISH", "BRONZE RIVERSIDE"}, externalID: "G0045", sponsor: "CN",
		firstSeen: day(2009, time.January, 1), description: "Threat group assessed to act for the Chinese Ministry of State Security: spear-phishing, ChChes, RedLeaves and PlugX against pharmaceutical, technology and manufacturing companies.",
		malware: []string{"chches", "redleaves", "plugx"}, techniques: []string{"T1566.001", "T1204.002", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"pharmaceuticals", "technology", "manufacturing", "healthcare"}, countries: []string{"GB", "JP", "US", "FR"}},
		zone: "Asia/Shanghai", workdays: monFri, access: []string{"phish"}, intents: []string{"economic"}, rate: 1.3,
		after: map[string]string{"us-cn-2015": "continue", "gb-cn-2015": "continue", "g20-2015": "continue"}},
	{actorSpec: actorSpec{key: "axiom", id: "intrusion-set--a0cb9370-e39b-44d5-9f50-ef78e412b973", name: "Axiom",
		aliases: []string{"Axiom", "Group 72"}, externalID: "G0001", sponsor: "CN",
		firstSeen: day(2008, time.January, 1), description: "Chinese cyber espionage group: watering holes, Hikit and gh0st RAT against technology, energy and manufacturing firms in Europe and Asia.",
		malware: []string{"hikit", "gh0st", "derusbi"}, techniques: []string{"T1189", "T1203", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"technology", "energy", "manufacturing"}, countries: []string{"DE", "JP", "FR", "KR", "IT"}},
		zone: "Asia/Shanghai", workdays: monFri, access: []string{"waterhole"}, intents: []string{"economic"}, rate: 1.0,
		after: map[string]string{"us-cn-2015": "continue", "gb-cn-2015": "continue", "g20-2015": "continue"}},
	{actorSpec: actorSpec{key: actAPT3, id: "intrusion-set--0bbdf25b-30ff-4894-a1cd-49260d0dd2d9", name: "APT3",
		aliases: []string{"APT3", "Gothic Panda", "Pirpi", "UPS Team", "Buckeye", "Threat Group-0110", "TG-0110"}, externalID: "G0022", sponsor: "CN",
		firstSeen: day(2010, time.January, 1), description: "China-based threat group that steals both designs from aerospace and technology companies and policy documents from government: browser exploits, SHOTPUT and RemoteCMD.",
		malware: []string{"shotput", "remotecmd"}, techniques: []string{"T1189", "T1203", "T1105", "T1071.001", "T1041"},
		sectors: []string{"government-national", "defense", "aerospace", "technology"}, countries: []string{"US", "GB"}},
		zone: "Asia/Shanghai", workdays: monFri, access: []string{"waterhole", "phish"}, intents: []string{"economic", "national-security"},
		natsecFor: []string{"government-national", "defense"}, rate: 1.2, afterHours: true,
		after: map[string]string{"us-cn-2015": "stop", "gb-cn-2015": "continue", "g20-2015": "continue"}},
	{actorSpec: actorSpec{key: actAPT28, id: "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c", name: "APT28",
		aliases: []string{"APT28", "Sofacy", "Fancy Bear", "Sednit", "Pawn Storm", "STRONTIUM", "Tsar Team"}, externalID: "G0007", sponsor: "RU",
		firstSeen: day(2004, time.January, 1), description: "Threat group attributed to Russia's GRU: malicious documents and CHOPSTICK against defence, aerospace and government targets.",
		malware: []string{"chopstick"}, techniques: []string{"T1566.001", "T1204.002", "T1071.001", "T1041"},
		sectors: []string{"defense", "aerospace", "government-national"}, countries: []string{"US", "GB", "DE", "FR"}},
		zone: "Europe/Moscow", workdays: monFri, access: []string{"phish"}, intents: []string{"national-security"},
		natsecFor: []string{"defense", "aerospace", "government-national"}, rate: 1.1, afterHours: true},
	{actorSpec: actorSpec{key: "apt29", id: "intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542", name: "APT29",
		aliases: []string{"APT29", "The Dukes", "Cozy Bear", "CozyDuke", "YTTRIUM", "NOBELIUM"}, externalID: "G0016", sponsor: "RU",
		firstSeen: day(2008, time.January, 1), description: "Threat group attributed to Russia's SVR: spear-phishing and CozyCar against governments, think tanks and universities.",
		malware: []string{"cozycar"}, techniques: []string{"T1566.001", "T1204.002", "T1105", "T1071.001", "T1041"},
		sectors: []string{"government-national", "non-profit", "education"}, countries: []string{"US", "GB", "DE", "JP"}},
		zone: "Europe/Moscow", workdays: monFri, access: []string{"phish"}, intents: []string{"national-security"},
		natsecFor: []string{"government-national", "non-profit", "education"}, rate: 0.9},
	{actorSpec: actorSpec{key: "lazarus", id: "intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a", name: "Lazarus Group",
		aliases: []string{"Lazarus Group", "Labyrinth Chollima", "HIDDEN COBRA", "Guardians of Peace", "ZINC"}, externalID: "G0032", sponsor: "KP",
		firstSeen: day(2009, time.January, 1), description: "North Korean state-sponsored group: watering holes and Volgmer against banks and defence contractors.",
		malware: []string{"volgmer"}, techniques: []string{"T1189", "T1203", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"financial-services", "defense", "technology"}, countries: []string{"US", "KR", "JP", "GB"}},
		zone: "Asia/Pyongyang", workdays: monFri, access: []string{"waterhole"}, intents: []string{"economic", "national-security"},
		natsecFor: []string{"defense"}, rate: 0.9},
	{actorSpec: actorSpec{key: "oilrig", id: "intrusion-set--4ca1929c-7d64-4aab-b849-badbfc0c760d", name: "OilRig",
		aliases: []string{"OilRig", "COBALT GYPSY", "IRN2", "APT34", "Helix Kitten"}, externalID: "G0049", sponsor: "IR",
		firstSeen: day(2014, time.January, 1), description: "Suspected Iranian threat group: spear-phishing and Helminth against energy, financial and government targets.",
		malware: []string{"helminth"}, techniques: []string{"T1566.001", "T1204.002", "T1105", "T1071.001", "T1041"},
		sectors: []string{"energy", "government-national", "financial-services"}, countries: []string{"US", "GB", "DE"}},
		zone: "Asia/Tehran", workdays: satWed, access: []string{"phish"}, intents: []string{"national-security", "economic"},
		natsecFor: []string{"government-national", "energy"}, rate: 0.9},
	{actorSpec: actorSpec{key: "magic-hound", id: "intrusion-set--f9d6633a-55e6-4adc-9263-6ae080421a13", name: "Magic Hound",
		aliases: []string{"Magic Hound", "TA453", "COBALT ILLUSION", "Charming Kitten", "ITG18", "Phosphorus", "Newscaster", "APT35"}, externalID: "G0059", sponsor: "IR",
		firstSeen: day(2014, time.January, 1), description: "Iranian-sponsored group: spear-phishing and DownPaper against government, defence, research and education; known to reuse tools of other groups.",
		malware: []string{"downpaper"}, techniques: []string{"T1566.001", "T1204.002", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors: []string{"government-national", "defense", "education", "technology", "pharmaceuticals"}, countries: []string{"US", "GB"}},
		zone: "Asia/Tehran", workdays: satWed, access: []string{"phish"}, intents: []string{"national-security", "economic"},
		natsecFor: []string{"government-national", "defense", "education"}, rate: 0.8},
}

// falseFlag names who borrows whose tool: the actor keeps its own
// infrastructure and hours but drops a family intel ties to the lender.
var falseFlag = struct{ actor, lender, family string }{"magic-hound", actMenuPass, "chches"}

// actor is an actor of a built world with its infrastructure.
type actor struct {
	*actorDef
	idx      int
	loc      *time.Location
	coverage float64
	c2       []*infra // C2 servers: address and domain
	stage    []*infra // payload staging servers
	entry    []*infra // SQL injection sources, phishing and exploit hosts
	samples  map[string][]*sample
}

// infra is one piece of actor infrastructure: an address, usually with a
// domain that resolves to it.
type infra struct {
	key       string
	addr      netip.Addr
	domain    string
	owners    []*actor
	shared    bool      // hosted on a shared provider address that also serves benign sites
	intelTo   []*actor  // actors intel ties it to (nil: not in intel)
	ipInIntel bool      // the address is an indicator
	dnInIntel bool      // the domain is an indicator
	validTo   time.Time // valid_until of the address indicator (zero: none)
	staleAt   time.Time // from this day the address serves a benign host (zero: never)
	benignDN  string    // the benign host's name after reassignment
	lowConf   bool
	uses      int // intrusions that used it (planning)
}

// sample is one malware build with its hashes.
type sample struct {
	family  *malwareSpec
	name    string // file name as downloaded
	size    int64
	hashes  digests
	inIntel bool
	direct  bool // the hash indicator names the actor too
	owner   *actor
}

// benignHost is an internet destination of benign traffic.
type benignHost struct {
	host   string
	addr   netip.Addr
	tls    bool
	cert   *tlsTx // cached certificate (nil for plain HTTP)
	paths  []string
	shared bool      // on a shared hosting address
	look   string    // lookalike kind when visiting it touches intel
	from   time.Time // first day it exists (stale reassignments)
}

// world is everything a scenario of the easy or hard profile is built from.
type world struct {
	cfg      Config
	prof     profile
	start    time.Time
	days     int
	sites    []*site
	siteLoc  []*time.Location
	actors   []*actor
	byKey    map[string]*actor
	hosts    []*benignHost // benign destinations, most popular first
	cum      []float64     // cumulative Zipf weights over hosts
	cdnAddrs []netip.Addr  // shared hosting addresses (benign only: not in intel)
	used     map[netip.Addr]bool
	inds     []scenIndicator
	rules    map[string]*rule // C2 rule per malware key
	plans    []*splan
	looks    []*slook
	notes    []TruthIndicatorNote
	// updateAddr holds the addresses of the software update hosts.
	updateAddr map[string]netip.Addr
}

// allocator hands out unique internet addresses in 100.80.0.0/12 and
// 100.96.0.0/11 (inside RFC 6598 shared address space, never routable on
// the internet). Random benign clients come from 100.64.0.0/12, which
// allocated hosts never use.
func (w *world) alloc(g *rng) netip.Addr {
	for {
		a := netip.AddrFrom4([4]byte{100, byte(80 + g.intn(48)), byte(g.intn(256)), byte(1 + g.intn(254))})
		if !w.used[a] {
			w.used[a] = true
			return a
		}
	}
}

// randomClient returns an internet address for visitors, scanners and
// mail relays: never an allocated host.
func randomClient(g *rng) netip.Addr {
	return netip.AddrFrom4([4]byte{100, byte(64 + g.intn(16)), byte(g.intn(256)), byte(1 + g.intn(254))})
}

// buildWorld draws organisations, actors, infrastructure and benign hosts.
func buildWorld(cfg Config) (*world, error) {
	prof := profiles[cfg.Profile]
	w := &world{cfg: cfg, prof: prof, start: cfg.Start, days: cfg.Days, byKey: map[string]*actor{}, used: map[netip.Addr]bool{}, rules: map[string]*rule{}}
	g := newRNG(cfg.Seed ^ 0x5157_0a11_d00d)
	if err := w.buildSites(g); err != nil {
		return nil, err
	}
	if err := w.buildActors(g); err != nil {
		return nil, err
	}
	w.buildBenignHosts(g)
	w.buildTraps(g)
	w.buildIndicators(g)
	return w, nil
}

func (w *world) buildSites(g *rng) error {
	n := w.cfg.Orgs
	names := map[string]bool{}
	totalC, totalS := 0, 0
	for _, c := range orgCountries {
		totalC += c.weight
	}
	for _, s := range orgSectors {
		totalS += s.weight
	}
	for i := range n {
		// The first organisations cover every country and sector, then draw by weight.
		ci := i % len(orgCountries)
		if i >= len(orgCountries) {
			ci = weighted(g, totalC, len(orgCountries), func(j int) int { return orgCountries[j].weight })
		}
		si := i % len(orgSectors)
		if i >= len(orgSectors) {
			si = weighted(g, totalS, len(orgSectors), func(j int) int { return orgSectors[j].weight })
		}
		c, sec := orgCountries[ci], orgSectors[si]
		var name string
		for {
			stem := pick(g, nameStems)
			word := pick(g, sec.words)
			switch {
			case sec.sector == "government-national":
				name = fmt.Sprintf("%s (%s) %s", word, c.code, stem)
			case sec.sector == "education" || sec.sector == "non-profit":
				name = stem + " " + word
			default:
				name = stem + " " + word + " " + c.suffix
			}
			if !names[name] {
				names[name] = true
				break
			}
		}
		id := slug(name)
		pub := netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 18 + byte(i/256), byte(i % 256), 0}), 24)
		priv := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16)
		zeek := i%3 == 2
		sensor := id + "-ids"
		if zeek {
			sensor = id + "-zeek"
		}
		s := &site{
			Organisation: org.Organisation{ID: id, Name: name, Country: c.code, Sector: sec.sector,
				Networks: []netip.Prefix{pub, priv}, Sensors: []string{sensor},
				StateOwned: sec.sector == "energy" && (c.code == "FR" || c.code == "IT") && g.chance(0.5)},
			public: pub, private: priv, zeek: zeek,
			web: addrIn(pub, 10), mail: addrIn(pub, 25), resolver: addrIn(priv, 53), fileServer: addrIn(priv, 20),
		}
		nc := g.between(40, 160)
		for j := range nc {
			s.clients = append(s.clients, addrIn(priv, 1<<8+10+j*3))
		}
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			return fmt.Errorf("load zone %s: %w", c.zone, err)
		}
		w.sites = append(w.sites, s)
		w.siteLoc = append(w.siteLoc, loc)
	}
	return nil
}

func weighted(g *rng, total, n int, weight func(int) int) int {
	r := g.intn(total)
	for j := range n {
		r -= weight(j)
		if r < 0 {
			return j
		}
	}
	return n - 1
}

// slug turns a name into an organisation id.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Words for invented domain names.
var domainWords = []string{"cloud", "update", "secure", "office", "online", "cdn", "static", "media", "news", "portal", "sync", "mail",
	"service", "data", "web", "global", "net", "soft", "micro", "tech", "info", "trade", "forum", "policy", "health", "energy", "garden",
	"travel", "books", "photo", "music", "sport", "market", "finance", "study", "science", "city", "green", "blue", "north", "star"}

func (w *world) domain(g *rng, sub string) string {
	for {
		d := sub + ".example-" + pick(g, domainWords) + pick(g, domainWords) + pick(g, []string{".com", ".net", ".org", ".info"})
		if !w.usedDomain(d) {
			return d
		}
	}
}

func (w *world) usedDomain(d string) bool {
	for _, a := range w.actors {
		for _, pool := range [][]*infra{a.c2, a.stage, a.entry} {
			for _, x := range pool {
				if x.domain == d || x.benignDN == d {
					return true
				}
			}
		}
	}
	for _, h := range w.hosts {
		if h.host == d {
			return true
		}
	}
	return false
}

func (w *world) buildActors(g *rng) error {
	for i := range scenActors {
		d := &scenActors[i]
		loc, err := time.LoadLocation(d.zone)
		if err != nil {
			return fmt.Errorf("load zone %s: %w", d.zone, err)
		}
		a := &actor{actorDef: d, idx: i, loc: loc, samples: map[string][]*sample{}}
		a.coverage = w.prof.coverage[0] + g.r.Float64()*(w.prof.coverage[1]-w.prof.coverage[0])
		w.actors = append(w.actors, a)
		w.byKey[d.key] = a
		subs := []string{"update", "mail", "login", "cdn", "api", "news", "sync", "dns", "static", "img"}
		for j := range g.between(5, 8) {
			w.addInfra(g, a, &a.c2, fmt.Sprintf("%s/c2/%d", a.key, j), pick(g, subs))
		}
		for j := range g.between(2, 3) {
			w.addInfra(g, a, &a.stage, fmt.Sprintf("%s/stage/%d", a.key, j), pick(g, []string{"download", "files", "dl", "repo"}))
		}
		for j := range g.between(2, 4) {
			w.addInfra(g, a, &a.entry, fmt.Sprintf("%s/entry/%d", a.key, j), pick(g, []string{"www", "docs", "login", "portal"}))
		}
		for _, m := range d.malware {
			fam := scenMalwareByKey(m)
			for v := range g.between(2, 4) {
				a.samples[m] = append(a.samples[m], w.newSample(g, a, fam, v))
			}
		}
	}
	// C2 rules per family, with invented sids.
	for i, m := range scenMalware {
		w.rules[m.key] = &rule{9100000 + i*10, 1 + i%4, "ET TROJAN " + m.name + " CnC Beacon", "A Network Trojan was detected", 1, []string{"T1071.001"}, "Critical"}
	}
	return nil
}

func (w *world) newSample(g *rng, a *actor, fam *malwareSpec, v int) *sample {
	names := []string{"svchost.exe", "msupdate.exe", "KB%d.exe", "flashplayer.exe", "rundll.dat", "wmiprvse.exe", "install.msi", "logo.gif"}
	name := pick(g, names)
	if strings.Contains(name, "%d") {
		name = fmt.Sprintf(name, 3_000_000+g.intn(99_999))
	}
	s := &sample{family: fam, name: name, size: g.between64(40_000, 900_000), owner: a,
		hashes: fakeDigests(fmt.Sprintf("pactwatch-%d/malware/%s/%s/%d/%s", w.cfg.Seed, a.key, fam.key, v, name))}
	s.inIntel = g.chance(a.coverage)
	s.direct = g.chance(0.4)
	return s
}

func (w *world) addInfra(g *rng, a *actor, pool *[]*infra, key, sub string) *infra {
	x := &infra{key: key, addr: w.alloc(g), domain: w.domain(g, sub), owners: []*actor{a}}
	*pool = append(*pool, x)
	return x
}

// Benign destinations: well-known names (with invented addresses) and a
// long tail of invented sites, some on shared hosting addresses.
var wellKnown = []webSite{
	{"www.google.com", true, issGoogle}, {"fonts.gstatic.com", true, issGoogle}, {"ajax.googleapis.com", true, issGoogle},
	{"www.youtube.com", true, issGoogle}, {"www.bing.com", true, issMS}, {"outlook.office365.com", true, issMS},
	{"login.microsoftonline.com", true, issMS}, {"www.linkedin.com", true, issSymantec}, {"www.nytimes.com", true, issDigiCert},
	{"www.reuters.com", true, issGeoTrust}, {"github.com", true, issDigiCert}, {"stackoverflow.com", true, issDigiCert},
	{"en.wikipedia.org", true, issGlobalSign}, {"www.amazon.com", true, issSymantec}, {"s3.amazonaws.com", true, issDigiCert},
	{"www.salesforce.com", true, issSymantec}, {"www.dropbox.com", true, issDigiCert}, {"www.theguardian.com", true, issGeoTrust},
	{"www.bbc.co.uk", true, issGlobalSign}, {"www.gov.uk", true, issGlobalSign}, {"www.ft.com", true, issGeoTrust},
	{"www.spiegel.de", true, issGeoTrust}, {"www.nikkei.com", true, issGlobalSign}, {"www.lemonde.fr", true, issGlobalSign},
	{"www.abc.net.au", true, issDigiCert}, {"www.cbc.ca", true, issDigiCert}, {"www.fda.gov", true, issDigiCert},
	{"www.ncbi.nlm.nih.gov", true, issDigiCert}, {"docs.oracle.com", true, issSymantec}, {"msdn.microsoft.com", true, issMS},
	{"www.defense.gov", true, issDigiCert}, {"www.bloomberg.com", true, issDigiCert}, {"www.facebook.com", true, issDigiCert},
	{"twitter.com", true, issSymantec}, {"www.msftncsi.com", false, ""}, {"ocsp.digicert.com", false, ""},
	{"crl.microsoft.com", false, ""}, {"www.weather.com", false, ""}, {"www.cnn.com", false, ""}, {"ctldl.windowsupdate.com", false, ""},
}

func (w *world) buildBenignHosts(g *rng) {
	// Shared hosting: a few provider addresses each serving many small sites.
	for range 24 {
		w.cdnAddrs = append(w.cdnAddrs, w.alloc(g))
	}
	for _, s := range wellKnown {
		h := &benignHost{host: s.host, addr: w.alloc(g), tls: s.tls}
		if s.tls {
			h.cert = certificate(s.host, s.issuer, day(2015, time.Month(1+g.intn(6)), 1+g.intn(28)), false)
		} else if h.paths = httpPaths[s.host]; len(h.paths) == 0 {
			h.paths = []string{"/msdownload/update/v3/static/trustedr/en/authrootstl.cab"}
		}
		w.hosts = append(w.hosts, h)
	}
	w.updateAddr = map[string]netip.Addr{}
	for _, h := range []string{"download.windowsupdate.com", "au.download.windowsupdate.com", "update.adobe.example-updates.com", "liveupdate.symantecliveupdate.com"} {
		w.updateAddr[h] = w.alloc(g)
	}
	issuers := []string{issDigiCert, issSymantec, issGeoTrust, issGlobalSign, issGoogle}
	for range 1500 {
		h := &benignHost{host: w.domain(g, pick(g, []string{"www", "www", "www", "shop", "blog", "news", "app"}))}
		if g.chance(0.3) {
			h.addr, h.shared = pick(g, w.cdnAddrs), true
		} else {
			h.addr = w.alloc(g)
		}
		h.tls = g.chance(0.7)
		if h.tls {
			h.cert = certificate(h.host, pick(g, issuers), day(2015, time.Month(1+g.intn(6)), 1+g.intn(28)), false)
		} else {
			h.paths = []string{"/", "/index.html", "/about", "/news/2015/" + pick(g, domainWords), "/" + pick(g, domainWords) + ".html"}
		}
		w.hosts = append(w.hosts, h)
	}
	// Zipf-like popularity: weight 1/(rank+1)^0.9.
	w.cum = make([]float64, len(w.hosts))
	sum := 0.0
	for i := range w.hosts {
		sum += 1 / pow09(float64(i+1))
		w.cum[i] = sum
	}
	for i := range w.cum {
		w.cum[i] /= sum
	}
}

func pow09(x float64) float64 { return math.Pow(x, 0.9) }

// pickHost draws a benign destination by popularity.
func (w *world) pickHost(g *rng) *benignHost {
	u := g.r.Float64()
	i, _ := slices.BinarySearch(w.cum, u)
	return w.hosts[min(i, len(w.hosts)-1)]
}
