package simulate

import (
	"fmt"
	"slices"
)

var scenCountryNames = map[string]string{
	"CN": "China", "RU": "Russia", "KP": "North Korea", "IR": "Iran", "US": "United States", "GB": "United Kingdom",
	"JP": "Japan", "DE": "Germany", "FR": "France", "AU": "Australia", "CA": "Canada", "KR": "South Korea", "IT": "Italy",
}

// bundle returns the scenario's STIX 2.1 intel bundle: the intrusion sets
// with sponsor (originates-from), victimology (targets) and tools and
// techniques (uses); malware families; and the indicators intel has,
// each with confidence, valid_from (and sometimes valid_until) and
// "indicates" relationships to intrusion sets or malware.
func (w *world) bundle() object {
	var objs []any
	objs = append(objs, object{
		{"type", "identity"}, {"spec_version", "2.1"}, {"id", creatorID},
		{"created", stixTime(intelCreated)}, {"modified", stixTime(intelCreated)},
		{"name", "pactwatch demo intel desk"}, {"identity_class", "organization"},
		{"description", "Fictional analyst team that published the generated scenario's intel. Intrusion sets, malware and techniques carry their real MITRE ATT&CK ids; indicators are invented (reserved addresses, example- domains) and cover only part of each actor's infrastructure."},
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
	var countries, sectors []string
	for _, a := range w.actors {
		countries = append(countries, a.sponsor)
		countries = append(countries, a.countries...)
		sectors = append(sectors, a.sectors...)
	}
	slices.Sort(countries)
	countries = slices.Compact(countries)
	slices.Sort(sectors)
	sectors = slices.Compact(sectors)
	for _, c := range countries {
		o := sdo("location", locationID(c), tlpClear)
		o = append(o, field{"name", scenCountryNames[c]}, field{"country", c})
		objs = append(objs, o)
	}
	for _, s := range sectors {
		o := sdo("identity", sectorClassID(s), tlpClear)
		o = append(o, field{"name", "Organisations in the " + s + " sector"}, field{"identity_class", "class"}, field{"sectors", []string{s}})
		objs = append(objs, o)
	}
	var used []string
	for _, a := range w.actors {
		used = append(used, a.malware...)
	}
	for _, m := range scenMalware {
		if !slices.Contains(used, m.key) {
			continue
		}
		objs = append(objs, malwareObject(m))
	}
	objs = append(objs, techniqueObjects()...)
	var rels []any
	for _, a := range w.actors {
		o, rs := actorObjects(&a.actorSpec, scenCountryNames[a.sponsor], func(key string) string { return scenMalwareByKey(key).id })
		objs = append(objs, o)
		rels = append(rels, rs...)
	}
	for _, in := range w.inds {
		o := sdo("indicator", in.id(), in.marking)
		o = append(o, field{"name", in.name}, field{"indicator_types", in.types},
			field{"pattern", in.pattern()}, field{"pattern_type", "stix"}, field{"pattern_version", "2.1"},
			field{"valid_from", stixTime(in.validFrom)})
		if !in.validUntil.IsZero() {
			o = append(o, field{"valid_until", stixTime(in.validUntil)})
		}
		o = append(o, field{"confidence", in.confidence})
		objs = append(objs, o)
		for _, target := range in.indicates {
			rels = append(rels, relationship("indicates", in.id(), target, in.confidence, ""))
		}
	}
	objs = append(objs, rels...)
	return object{{"type", "bundle"}, {"id", stixID("bundle", fmt.Sprintf("%s-%d", w.cfg.Profile, w.cfg.Seed))}, {"objects", objs}}
}
