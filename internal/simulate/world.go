package simulate

import (
	"net/netip"
	"time"

	"github.com/pactwatch/pactwatch/internal/org"
)

// Scenario period: the demo runs from August to the end of November 2015.
var (
	periodStart = day(2015, time.August, 1)
	periodEnd   = day(2015, time.December, 1) // exclusive
)

// site is one monitored organisation with the hosts the simulator uses.
type site struct {
	org.Organisation
	public, private netip.Prefix
	zeek            bool // monitored by the Zeek sensor (else Suricata)
	web             netip.Addr
	resolver        netip.Addr
	fileServer      netip.Addr
	mail            netip.Addr
	clients         []netip.Addr
}

func newSite(id, name, country, sector, public, private string, zeek bool) *site {
	pub, priv := mustPrefix(public), mustPrefix(private)
	sensor := id + "-ids"
	if zeek {
		sensor = id + "-zeek"
	}
	s := &site{
		Organisation: org.Organisation{
			ID: id, Name: name, Country: country, Sector: sector,
			Networks: []netip.Prefix{pub, priv},
			Sensors:  []string{sensor},
		},
		public: pub, private: priv, zeek: zeek,
		web:        addrIn(pub, 10),
		mail:       addrIn(pub, 25),
		resolver:   addrIn(priv, 53),
		fileServer: addrIn(priv, 20),
	}
	for i := range 12 {
		s.clients = append(s.clients, addrIn(priv, 1<<8+10+i*7))
	}
	return s
}

func (s *site) sensor() string { return s.Sensors[0] }

// contains reports whether a belongs to the organisation.
func (s *site) contains(a netip.Addr) bool { return s.public.Contains(a) || s.private.Contains(a) }

// webHost is the public web site's host name.
func (s *site) webHost() string { return "www." + s.ID + ".example" }

// utcOffset returns the organisation's local offset from UTC at t (US
// Eastern or UK time with the 2015 daylight-saving changes).
func (s *site) utcOffset(t time.Time) time.Duration {
	switch s.Country {
	case "GB":
		if t.Before(time.Date(2015, time.October, 25, 1, 0, 0, 0, time.UTC)) {
			return time.Hour
		}
		return 0
	default:
		if t.Before(time.Date(2015, time.November, 1, 6, 0, 0, 0, time.UTC)) {
			return -4 * time.Hour
		}
		return -5 * time.Hour
	}
}

// Organisation ids of the demo.
const (
	orgNorthwind = "northwind-systems"
	orgBluepeak  = "bluepeak-software"
	orgCobalt    = "cobalt-semiconductor"
	orgHarbor    = "harbor-cloud"
	orgTallgrass = "tallgrass-networks"
	orgMeridian  = "meridian-pharma"
	orgHalcyon   = "halcyon-therapeutics"
	orgThameside = "thameside-pharma"
	orgPennine   = "pennine-microsystems"
	orgOFWR      = "ofwr-gov"
	orgIronclad  = "ironclad-aerospace"
)

func demoSites() []*site {
	return []*site{
		newSite(orgNorthwind, "Northwind Systems Inc.", "US", "technology", "198.51.100.0/26", "10.10.0.0/16", false),
		newSite(orgBluepeak, "BluePeak Software Corp.", "US", "technology", "198.51.100.64/26", "10.11.0.0/16", false),
		newSite(orgCobalt, "Cobalt Ridge Semiconductor", "US", "technology", "198.51.100.128/26", "10.12.0.0/16", false),
		newSite(orgHarbor, "Harborline Cloud Services", "US", "technology", "198.51.100.192/26", "10.13.0.0/16", false),
		newSite(orgTallgrass, "Tallgrass Networks LLC", "US", "technology", "198.18.10.0/24", "10.14.0.0/16", false),
		newSite(orgMeridian, "Meridian Biopharma Inc.", "US", "pharmaceuticals", "198.18.20.0/24", "10.20.0.0/16", false),
		newSite(orgHalcyon, "Halcyon Therapeutics Corp.", "US", "pharmaceuticals", "198.18.21.0/24", "10.21.0.0/16", false),
		newSite(orgThameside, "Thameside Pharmaceuticals plc", "GB", "pharmaceuticals", "198.18.30.0/24", "10.30.0.0/16", true),
		newSite(orgPennine, "Pennine Microsystems Ltd", "GB", "technology", "198.18.31.0/24", "10.31.0.0/16", false),
		newSite(orgOFWR, "Office of Federal Workforce Records", "US", "government-national", "198.18.40.0/24", "10.40.0.0/16", false),
		newSite(orgIronclad, "Ironclad Aerospace & Defense Inc.", "US", "defense", "198.18.50.0/24", "10.50.0.0/16", false),
	}
}

// actorSpec is one intrusion set of the scenario, under its real ATT&CK id.
type actorSpec struct {
	key         string
	id          string
	name        string
	aliases     []string
	externalID  string
	sponsor     string        // ISO alpha-2
	workOffset  time.Duration // sponsor's office-hours time zone
	description string
	firstSeen   time.Time
	malware     []string // malwareSpec keys
	techniques  []string // ATT&CK technique ids
	sectors     []string // target sectors (STIX industry-sector vocabulary)
	countries   []string // target countries
}

// Actor keys.
const (
	actDeepPanda = "deep-panda"
	actMenuPass  = "menupass"
	actAPT3      = "apt3"
	actAPT28     = "apt28"
)

var demoActors = []actorSpec{
	{
		key: actDeepPanda, id: "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064", name: "Deep Panda",
		aliases: []string{"Deep Panda", "Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"}, externalID: "G0009",
		sponsor: "CN", workOffset: 8 * time.Hour, firstSeen: day(2011, time.January, 1),
		description: "Suspected Chinese threat group. In this scenario it enters US technology and pharmaceutical companies by SQL injection, plants China Chopper web shells and Derusbi, and exfiltrates R&D archives.",
		malware:     []string{"derusbi", "china-chopper", "sakula"},
		techniques:  []string{"T1190", "T1505.003", "T1105", "T1071.001", "T1560.001", "T1041"},
		sectors:     []string{"technology", "pharmaceuticals", "government-national", "defense"},
		countries:   []string{"US"},
	},
	{
		key: actMenuPass, id: "intrusion-set--222fbd21-fc4f-4b7e-9f85-0e6e3a76c33f", name: "menuPass",
		aliases: []string{"menuPass", "Cicada", "POTASSIUM", "Stone Panda", "APT10", "Red Apollo", "CVNX", "HOGFISH", "BRONZE RIVERSIDE"}, externalID: "G0045",
		sponsor: "CN", workOffset: 8 * time.Hour, firstSeen: day(2009, time.January, 1),
		description: "Threat group assessed to act for the Chinese Ministry of State Security. In this scenario it spear-phishes UK pharmaceutical and technology companies, runs ChChes and PlugX and takes research archives.",
		malware:     []string{"chches", "plugx"},
		techniques:  []string{"T1566.001", "T1204.002", "T1071.001", "T1560.001", "T1041"},
		sectors:     []string{"pharmaceuticals", "technology", "manufacturing"},
		countries:   []string{"GB", "US", "JP"},
	},
	{
		key: actAPT3, id: "intrusion-set--0bbdf25b-30ff-4894-a1cd-49260d0dd2d9", name: "APT3",
		aliases: []string{"APT3", "Gothic Panda", "Pirpi", "UPS Team", "Buckeye", "Threat Group-0110", "TG-0110"}, externalID: "G0022",
		sponsor: "CN", workOffset: 8 * time.Hour, firstSeen: day(2010, time.January, 1),
		description: "China-based threat group. In this scenario it compromises a US government agency through a browser exploit, runs SHOTPUT (Pirpi) and takes personnel and policy documents.",
		malware:     []string{"shotput"},
		techniques:  []string{"T1189", "T1203", "T1071.001", "T1041"},
		sectors:     []string{"government-national", "defense", "aerospace"},
		countries:   []string{"US"},
	},
	{
		key: actAPT28, id: "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c", name: "APT28",
		aliases: []string{"APT28", "Sofacy", "Fancy Bear", "Sednit", "Pawn Storm", "STRONTIUM", "Tsar Team"}, externalID: "G0007",
		sponsor: "RU", workOffset: 3 * time.Hour, firstSeen: day(2004, time.January, 1),
		description: "Threat group attributed to Russia's GRU. In this scenario it targets a US defence contractor with a malicious document and CHOPSTICK and takes military programme documents; Russia is not a party to the bilateral agreements.",
		malware:     []string{"chopstick"},
		techniques:  []string{"T1566.001", "T1204.002", "T1071.001", "T1041"},
		sectors:     []string{"defense", "aerospace", "government-national"},
		countries:   []string{"US", "GB"},
	},
}

func actorByKey(key string) *actorSpec {
	for i := range demoActors {
		if demoActors[i].key == key {
			return &demoActors[i]
		}
	}
	panic("simulate: unknown actor " + key)
}

// malwareSpec is a malware family under its real ATT&CK id.
type malwareSpec struct {
	key, id, name, externalID string
	aliases                   []string
}

var demoMalware = []malwareSpec{
	{"derusbi", "malware--94379dec-5c87-49db-b36e-66abc0b81344", "Derusbi", "S0021", []string{"PHOTO"}},
	{"china-chopper", "malware--5a3a31fe-5a8f-48e1-bff0-a753e5b1be70", "China Chopper", "S0020", nil},
	{"sakula", "malware--96b08451-b27a-4ff6-893f-790e26393a8e", "Sakula", "S0074", []string{"Sakurel", "VIPER"}},
	{"plugx", "malware--64fa0de0-6240-41f4-8638-f4ca7ed528fd", "PlugX", "S0013", []string{"Thoper", "TVT", "Sogu", "Kaba", "Korplug"}},
	{"chches", "malware--dc5d1a33-62aa-4a0c-aa8c-589b87beb11e", "ChChes", "S0144", []string{"Scorpion", "HAYMAKER"}},
	{"shotput", "malware--58adaaa8-f1e8-4606-9a08-422e568461eb", "SHOTPUT", "S0063", []string{"Backdoor.APT.CookieCutter", "Pirpi"}},
	{"chopstick", "malware--ccd61dfc-b03f-4689-8c18-7c97eab08472", "CHOPSTICK", "S0023", []string{"Backdoor.SofacyX", "SPLM", "Xagent", "X-Agent", "webhp"}},
}

func malwareByKey(key string) *malwareSpec {
	for i := range demoMalware {
		if demoMalware[i].key == key {
			return &demoMalware[i]
		}
	}
	panic("simulate: unknown malware " + key)
}

// techniqueSpec is an ATT&CK attack pattern under its real id.
type techniqueSpec struct {
	externalID, id, name, tactic string
	tacticID, tacticName         string // for IDS rule metadata
}

var demoTechniques = []techniqueSpec{
	{"T1190", "attack-pattern--3f886f2a-874f-4333-b794-aa6075009b1c", "Exploit Public-Facing Application", "initial-access", "TA0001", "Initial_Access"},
	{"T1189", "attack-pattern--d742a578-d70e-4d0e-96a6-02a9c30204e6", "Drive-by Compromise", "initial-access", "TA0001", "Initial_Access"},
	{"T1566.001", "attack-pattern--2e34237d-8574-43f6-aace-ae2915de8597", "Spearphishing Attachment", "initial-access", "TA0001", "Initial_Access"},
	{"T1203", "attack-pattern--be2dcee9-a7a7-4e38-afd6-21b31ecc3d63", "Exploitation for Client Execution", "execution", "TA0002", "Execution"},
	{"T1204.002", "attack-pattern--232b7f21-adf9-4b42-b936-b9d6f7df856e", "Malicious File", "execution", "TA0002", "Execution"},
	{"T1505.003", "attack-pattern--5d0d3609-d06d-49e1-b9c9-b544e0c618cb", "Web Shell", "persistence", "TA0003", "Persistence"},
	{"T1105", "attack-pattern--e6919abc-99f9-4c6c-95a5-14761e7b2add", "Ingress Tool Transfer", "command-and-control", "TA0011", "Command_And_Control"},
	{"T1071.001", "attack-pattern--df8b2a25-8bdf-4856-953c-a04372b1c161", "Web Protocols", "command-and-control", "TA0011", "Command_And_Control"},
	{"T1560.001", "attack-pattern--00f90846-cbd1-4fc5-9233-df5c2bf2a662", "Archive via Utility", "collection", "TA0009", "Collection"},
	{"T1041", "attack-pattern--92d7da27-2d91-488e-a00c-059dc162766d", "Exfiltration Over C2 Channel", "exfiltration", "TA0010", "Exfiltration"},
}

func techniqueByID(ext string) *techniqueSpec {
	for i := range demoTechniques {
		if demoTechniques[i].externalID == ext {
			return &demoTechniques[i]
		}
	}
	panic("simulate: unknown technique " + ext)
}

// Actor infrastructure (RFC 5737 documentation addresses, example- domains).
var (
	dpSQLiSrc    = mustAddr("192.0.2.45") // SQL injection source (indicator)
	dpShellOp    = mustAddr("192.0.2.46") // web shell operator (no indicator: unknown infrastructure)
	dpC2         = mustAddr("203.0.113.7")
	dpC2b        = mustAddr("203.0.113.8")
	dpC2Domain   = "update.example-cdn.com"
	dpC2Domain2  = "dns.example-sslcert.com"
	dpDerusbiURI = "/msupdate/KB3079904.exe"
	dpShellURI   = "/aspnet_client/system_web/4_0_30319/errors.aspx"

	mpC2a       = mustAddr("203.0.113.60")
	mpC2b       = mustAddr("203.0.113.61")
	mpC2Domain  = "update.example-officeonline.com"
	mpC2Domain2 = "dc.example-onedrive.net"

	apt3Exploit  = mustAddr("192.0.2.80")
	apt3C2       = mustAddr("203.0.113.90")
	apt3C2Domain = "ns.example-govupdates.com"
	apt3Lure     = "www.example-policyforum.org"
	apt3Payload  = "/images/logo.gif"

	apt28C2        = mustAddr("192.0.2.150")
	apt28C2Domain  = "sync.example-msn-cloud.com"
	apt28Phish     = mustAddr("192.0.2.151")
	apt28PhishHost = "login.example-mil-mail.com"

	sharedCDN       = mustAddr("203.0.113.200") // shared hosting used by two actors and by benign sites
	sharedCDNDomain = "static.example-cdnhost.net"
)

// Malware samples and documents (hashes of labels; see fakeDigests).
var (
	hashDerusbi   = fakeDigests("pactwatch-demo/malware/derusbi/KB3079904.exe")
	hashChopper   = fakeDigests("pactwatch-demo/malware/china-chopper/errors.aspx")
	hashSakula    = fakeDigests("pactwatch-demo/malware/sakula/MediaCenter.exe")
	hashChChesDoc = fakeDigests("pactwatch-demo/malware/chches/Q4_supplier_price_revision.doc")
	hashPlugX     = fakeDigests("pactwatch-demo/malware/plugx/msoffice.dat")
	hashShotput   = fakeDigests("pactwatch-demo/malware/shotput/logo.gif")
	hashChopstick = fakeDigests("pactwatch-demo/malware/chopstick/agenda.doc")
)
