package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// TLP 2.0 marking-definition ids (OASIS cti-stix-common-objects).
const (
	tlpClear   = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	tlpGreen   = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	tlpAmber   = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	tlpExtDef  = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
	tlpCreated = "2022-10-01T00:00:00.000Z"
)

// Times stamped on the intel: written after the last events of the scenario.
var (
	intelCreated = time.Date(2015, time.December, 2, 9, 0, 0, 0, time.UTC)
	creatorID    = stixID("identity", "pactwatch-demo-intel-desk")
)

// obs is one value a supported indicator pattern compares against.
type obs struct{ kind, value string } // kind: ipv4, domain, url, md5, sha256

// indicatorSpec is one STIX indicator of the demo bundle.
type indicatorSpec struct {
	key        string
	name       string
	pattern    string
	validFrom  time.Time
	confidence int
	marking    string
	indicates  []string // STIX ids of intrusion sets or malware
	values     []obs    // nil when the pattern is beyond the simple forms
	types      []string // indicator_types
}

func (s indicatorSpec) id() string { return stixID("indicator", s.key) }

func ipPattern(a string) string { return fmt.Sprintf("[ipv4-addr:value = '%s']", a) }

func domainPattern(d string) string { return fmt.Sprintf("[domain-name:value = '%s']", d) }

func demoIndicators() []indicatorSpec {
	dp, mp, a3, a28 := actorByKey(actDeepPanda).id, actorByKey(actMenuPass).id, actorByKey(actAPT3).id, actorByKey(actAPT28).id
	mw := func(k string) string { return malwareByKey(k).id }
	derusbiURL := "http://" + dpC2Domain + dpDerusbiURI
	apt3URL := "http://" + apt3Exploit.String() + apt3Payload
	mal := []string{"malicious-activity"}
	attr := []string{"attribution"}
	return []indicatorSpec{
		{"dp-sqli-ip", "Deep Panda SQL injection source", ipPattern(dpSQLiSrc.String()), day(2015, time.July, 20), 70, tlpGreen, []string{dp}, []obs{{"ipv4", dpSQLiSrc.String()}}, attr},
		{"dp-derusbi-c2-ips", "Derusbi C2 addresses",
			fmt.Sprintf("[ipv4-addr:value = '%s' OR ipv4-addr:value = '%s']", dpC2, dpC2b), day(2015, time.July, 20), 75, tlpGreen,
			[]string{mw("derusbi"), dp}, []obs{{"ipv4", dpC2.String()}, {"ipv4", dpC2b.String()}}, mal},
		{"dp-derusbi-c2-domain", "Derusbi C2 domain", domainPattern(dpC2Domain), day(2015, time.July, 20), 85, tlpGreen, []string{mw("derusbi"), dp}, []obs{{"domain", dpC2Domain}}, mal},
		{"dp-sslcert-domain", "Deep Panda C2 domain", domainPattern(dpC2Domain2), day(2015, time.July, 20), 70, tlpAmber, []string{dp}, []obs{{"domain", dpC2Domain2}}, attr},
		{"dp-derusbi-url", "Derusbi download URL", fmt.Sprintf("[url:value = '%s']", derusbiURL), day(2015, time.July, 20), 85, tlpGreen, []string{mw("derusbi")}, []obs{{"url", derusbiURL}}, mal},
		{"dp-derusbi-sha256", "Derusbi dropper KB3079904.exe", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", hashDerusbi.SHA256), day(2015, time.July, 20), 90, tlpGreen, []string{mw("derusbi")}, []obs{{"sha256", hashDerusbi.SHA256}}, mal},
		{"dp-chopper-md5", "China Chopper web shell errors.aspx", fmt.Sprintf("[file:hashes.MD5 = '%s']", hashChopper.MD5), day(2015, time.July, 20), 80, tlpGreen, []string{mw("china-chopper"), dp}, []obs{{"md5", hashChopper.MD5}}, mal},
		{"dp-sakula-sha256", "Sakula sample MediaCenter.exe", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", hashSakula.SHA256), day(2015, time.March, 1), 85, tlpGreen, []string{mw("sakula")}, []obs{{"sha256", hashSakula.SHA256}}, mal},
		{"dp-domain-like", "Domains under example-cdn.com", "[domain-name:value LIKE '%.example-cdn.com']", day(2015, time.July, 20), 40, tlpGreen, []string{dp}, nil, attr},

		{"mp-chches-domain", "ChChes C2 domain", domainPattern(mpC2Domain), day(2015, time.October, 1), 80, tlpGreen, []string{mw("chches"), mp}, []obs{{"domain", mpC2Domain}}, mal},
		{"mp-plugx-domain", "PlugX C2 domain", domainPattern(mpC2Domain2), day(2015, time.October, 1), 80, tlpGreen, []string{mw("plugx"), mp}, []obs{{"domain", mpC2Domain2}}, mal},
		{"mp-c2-ip", "menuPass C2 address", ipPattern(mpC2a.String()), day(2015, time.October, 1), 65, tlpGreen, []string{mp}, []obs{{"ipv4", mpC2a.String()}}, attr},
		{"mp-lure-md5", "Spear-phishing document Q4_supplier_price_revision.doc", fmt.Sprintf("[file:hashes.MD5 = '%s']", hashChChesDoc.MD5), day(2015, time.October, 1), 85, tlpAmber, []string{mw("chches")}, []obs{{"md5", hashChChesDoc.MD5}}, mal},
		{"mp-plugx-sha256", "PlugX payload msoffice.dat", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", hashPlugX.SHA256), day(2015, time.October, 1), 85, tlpGreen, []string{mw("plugx")}, []obs{{"sha256", hashPlugX.SHA256}}, mal},
		{"mp-ip-and-domain", "menuPass C2 address together with its domain",
			fmt.Sprintf("[ipv4-addr:value = '%s'] AND [domain-name:value = '%s']", mpC2b, mpC2Domain2), day(2015, time.October, 1), 60, tlpGreen, []string{mp}, nil, attr},

		{"apt3-exploit-ip", "APT3 exploit server", ipPattern(apt3Exploit.String()), day(2015, time.June, 25), 70, tlpGreen, []string{a3}, []obs{{"ipv4", apt3Exploit.String()}}, attr},
		{"apt3-payload-url", "SHOTPUT payload URL", fmt.Sprintf("[url:value = '%s']", apt3URL), day(2015, time.June, 25), 80, tlpGreen, []string{mw("shotput"), a3}, []obs{{"url", apt3URL}}, mal},
		{"apt3-c2-domain", "SHOTPUT C2 domain", domainPattern(apt3C2Domain), day(2015, time.June, 25), 80, tlpGreen, []string{mw("shotput"), a3}, []obs{{"domain", apt3C2Domain}}, mal},
		{"apt3-shotput-sha256", "SHOTPUT payload logo.gif", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", hashShotput.SHA256), day(2015, time.June, 25), 90, tlpGreen, []string{mw("shotput")}, []obs{{"sha256", hashShotput.SHA256}}, mal},

		{"apt28-c2-domain", "CHOPSTICK C2 domain", domainPattern(apt28C2Domain), day(2015, time.September, 1), 80, tlpGreen, []string{mw("chopstick"), a28}, []obs{{"domain", apt28C2Domain}}, mal},
		{"apt28-c2-ip", "APT28 C2 address", ipPattern(apt28C2.String()), day(2015, time.September, 1), 70, tlpGreen, []string{a28}, []obs{{"ipv4", apt28C2.String()}}, attr},
		{"apt28-phish-domain", "APT28 credential-phishing and lure host", domainPattern(apt28PhishHost), day(2015, time.September, 1), 75, tlpGreen, []string{a28}, []obs{{"domain", apt28PhishHost}}, attr},
		{"apt28-lure-sha256", "CHOPSTICK dropper agenda.doc", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", hashChopstick.SHA256), day(2015, time.September, 1), 90, tlpGreen, []string{mw("chopstick")}, []obs{{"sha256", hashChopstick.SHA256}}, mal},

		{"shared-cdn-ip", "Shared hosting address named in Deep Panda and menuPass reporting", ipPattern(sharedCDN.String()), day(2015, time.June, 1), 15, tlpGreen, []string{dp, mp}, []obs{{"ipv4", sharedCDN.String()}}, attr},
	}
}

// object is a JSON object that keeps its keys in insertion order.
type object []field

type field struct {
	k string
	v any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(f.v)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.k, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape encodes v as JSON without HTML escaping and without the
// encoder's trailing newline.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// sdo starts a STIX domain object with the common properties.
func sdo(typ, id string, marking string) object {
	o := object{
		{"type", typ}, {"spec_version", "2.1"}, {"id", id},
		{"created_by_ref", creatorID},
		{"created", stixTime(intelCreated)}, {"modified", stixTime(intelCreated)},
	}
	if marking != "" {
		o = append(o, field{"object_marking_refs", []string{marking}})
	}
	return o
}

func attackRef(externalID, kind string) object {
	path := "groups"
	switch kind {
	case "software":
		path = "software"
	case "technique":
		path = "techniques"
	}
	url := "https://attack.mitre.org/" + path + "/" + externalID
	if kind == "technique" {
		url = "https://attack.mitre.org/techniques/" + replaceDot(externalID)
	}
	return object{{"source_name", "mitre-attack"}, {"url", url}, {"external_id", externalID}}
}

func replaceDot(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '.' {
			b[i] = '/'
		}
	}
	return string(b)
}

func relationship(kind, from, to string, confidence int, description string) object {
	o := sdo("relationship", stixID("relationship", kind+"|"+from+"|"+to), tlpClear)
	o = append(o, field{"relationship_type", kind})
	if description != "" {
		o = append(o, field{"description", description})
	}
	o = append(o, field{"source_ref", from}, field{"target_ref", to})
	if confidence > 0 {
		o = append(o, field{"confidence", confidence})
	}
	return o
}

// sectorClassID is the identity standing for a whole sector.
func sectorClassID(sector string) string { return stixID("identity", "sector/"+sector) }

func locationID(country string) string { return stixID("location", "country/"+country) }

var countryNames = map[string]string{"CN": "China", "RU": "Russia", "US": "United States", "GB": "United Kingdom", "JP": "Japan"}

// buildBundle returns the demo's STIX 2.1 intel bundle.
func buildBundle() object {
	var objs []any
	objs = append(objs, object{
		{"type", "identity"}, {"spec_version", "2.1"}, {"id", creatorID},
		{"created", stixTime(intelCreated)}, {"modified", stixTime(intelCreated)},
		{"name", "pactwatch demo intel desk"}, {"identity_class", "organization"},
		{"description", "Fictional analyst team that published the demo scenario's intel. Intrusion sets, malware and techniques carry their real MITRE ATT&CK ids so an ATT&CK import merges with them; indicators are invented (documentation addresses, example- domains)."},
	})
	for _, m := range []struct{ id, name, level string }{
		{tlpClear, "TLP:CLEAR", "clear"}, {tlpGreen, "TLP:GREEN", "green"}, {tlpAmber, "TLP:AMBER", "amber"},
	} {
		objs = append(objs, object{
			{"type", "marking-definition"}, {"spec_version", "2.1"}, {"id", m.id},
			{"created", tlpCreated}, {"name", m.name},
			{"extensions", map[string]any{tlpExtDef: object{{"extension_type", "property-extension"}, {"tlp_2_0", m.level}}}},
		})
	}

	countries := []string{"CN", "RU", "US", "GB", "JP"}
	for _, c := range countries {
		o := sdo("location", locationID(c), tlpClear)
		o = append(o, field{"name", countryNames[c]}, field{"country", c})
		objs = append(objs, o)
	}
	var sectors []string
	for _, a := range demoActors {
		sectors = append(sectors, a.sectors...)
	}
	slices.Sort(sectors)
	sectors = slices.Compact(sectors)
	for _, s := range sectors {
		o := sdo("identity", sectorClassID(s), tlpClear)
		o = append(o, field{"name", "Organisations in the " + s + " sector"}, field{"identity_class", "class"}, field{"sectors", []string{s}})
		objs = append(objs, o)
	}

	for _, m := range demoMalware {
		objs = append(objs, malwareObject(m))
	}
	objs = append(objs, techniqueObjects()...)

	var rels []any
	for _, a := range demoActors {
		o, rs := actorObjects(&a, countryNames[a.sponsor], func(key string) string { return malwareByKey(key).id })
		objs = append(objs, o)
		rels = append(rels, rs...)
	}
	for _, in := range demoIndicators() {
		o := sdo("indicator", in.id(), in.marking)
		o = append(o, field{"name", in.name}, field{"indicator_types", in.types},
			field{"pattern", in.pattern}, field{"pattern_type", "stix"}, field{"pattern_version", "2.1"},
			field{"valid_from", stixTime(in.validFrom)}, field{"confidence", in.confidence})
		objs = append(objs, o)
		for _, target := range in.indicates {
			rels = append(rels, relationship("indicates", in.id(), target, in.confidence, ""))
		}
	}
	objs = append(objs, rels...)
	return object{{"type", "bundle"}, {"id", stixID("bundle", "demo-2015")}, {"objects", objs}}
}

// actorObjects renders an actor as a STIX intrusion set with its
// relationships: sponsor (originates-from), target sectors and countries,
// malware and techniques it uses.
func actorObjects(a *actorSpec, sponsorName string, malwareID func(key string) string) (object, []any) {
	o := sdo("intrusion-set", a.id, tlpClear)
	o = append(o, field{"name", a.name}, field{"description", a.description},
		field{"aliases", a.aliases}, field{"first_seen", stixTime(a.firstSeen)},
		field{"resource_level", "government"},
		field{"external_references", []object{attackRef(a.externalID, "group")}})
	rels := []any{relationship("originates-from", a.id, locationID(a.sponsor), 85,
		fmt.Sprintf("%s is assessed to act for the state of %s.", a.name, sponsorName))}
	for _, s := range a.sectors {
		rels = append(rels, relationship("targets", a.id, sectorClassID(s), 0, ""))
	}
	for _, c := range a.countries {
		rels = append(rels, relationship("targets", a.id, locationID(c), 0, ""))
	}
	for _, m := range a.malware {
		rels = append(rels, relationship("uses", a.id, malwareID(m), 0, ""))
	}
	for _, t := range a.techniques {
		rels = append(rels, relationship("uses", a.id, techniqueByID(t).id, 0, ""))
	}
	return o, rels
}

// malwareObject renders a malware family as a STIX malware object.
func malwareObject(m malwareSpec) object {
	o := sdo("malware", m.id, tlpClear)
	o = append(o, field{"name", m.name}, field{"is_family", true})
	if len(m.aliases) > 0 {
		o = append(o, field{"aliases", append([]string{m.name}, m.aliases...)})
	}
	return append(o, field{"malware_types", []string{"remote-access-trojan"}}, field{"external_references", []object{attackRef(m.externalID, "software")}})
}

// techniqueObjects renders the ATT&CK techniques as attack patterns.
func techniqueObjects() []any {
	var out []any
	for _, t := range demoTechniques {
		o := sdo("attack-pattern", t.id, tlpClear)
		o = append(o, field{"name", t.name},
			field{"kill_chain_phases", []object{{{"kill_chain_name", "mitre-attack"}, {"phase_name", t.tactic}}}},
			field{"external_references", []object{attackRef(t.externalID, "technique")}})
		out = append(out, o)
	}
	return out
}
