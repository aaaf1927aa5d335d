package intel

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Conflict kinds reported by Conflicts.
const (
	ConflictMerge   = "merge"   // one source folds into one record groups another source keeps apart
	ConflictSponsor = "sponsor" // sources name different sponsor states
)

// Conflict is a disagreement between sources about one actor. pactwatch
// never merges such records silently; it shows both claims.
type Conflict struct {
	Kind    string   `json:"kind"`    // ConflictMerge or ConflictSponsor
	Detail  string   `json:"detail"`  // one sentence naming the records, ids and names
	Sources []string `json:"sources"` // the sources that disagree, sorted
	Records []string `json:"records"` // the record ids involved, sorted
}

// Resolve returns every record, from every source, whose Name, one of whose
// Aliases, or whose ExternalID has the same NameKey as name. The result is
// sorted by Source, then ID; a record met twice (the same Source and ID, as
// when two ATT&CK files overlap) is returned once; it is empty when nothing
// matches.
func Resolve(records []Actor, name string) []Actor {
	k := NameKey(name)
	if k == "" {
		return nil
	}
	var out []Actor
	seen := map[string]bool{}
	for _, a := range records {
		if seen[a.Source+"\x00"+a.ID] || !slices.Contains(actorKeys(a), k) {
			continue
		}
		seen[a.Source+"\x00"+a.ID] = true
		out = append(out, a)
	}
	sortActors(out)
	return out
}

// Conflicts reports, for the records of one resolved actor (as Resolve
// returns them), where sources disagree, looking up the other records in
// all:
//   - "merge": a record of one source covers (by name, alias, ATT&CK id or
//     its Merges list) two or more distinct records that another source keeps
//     apart, e.g. MISP's APT19 cluster folding ATT&CK's Deep Panda (G0009) and
//     APT19 (G0073);
//   - "sponsor": the records' sponsor claims name different states.
//
// The result is sorted by Kind, then Detail.
func Conflicts(records []Actor, all []Actor) []Conflict {
	seen := map[string]bool{}
	var out []Conflict
	add := func(c Conflict) {
		sort.Strings(c.Sources)
		sort.Strings(c.Records)
		c.Sources = slices.Compact(c.Sources)
		c.Records = slices.Compact(c.Records)
		key := c.Kind + "\x00" + strings.Join(c.Records, ",") + "\x00" + c.Detail
		if !seen[key] {
			seen[key] = true
			out = append(out, c)
		}
	}

	// Index all records by key, per source.
	byKey := map[string][]int{}
	for i, a := range all {
		for _, k := range actorKeys(a) {
			byKey[k] = append(byKey[k], i)
		}
	}
	for _, r := range records {
		keys := actorKeys(r)
		keys = append(keys, mergeKeys(r)...)
		covered := map[string]map[string]int{} // source -> record id -> index in all
		for _, k := range keys {
			for _, i := range byKey[k] {
				o := all[i]
				if o.Source == r.Source || o.ID == r.ID {
					continue
				}
				if covered[o.Source] == nil {
					covered[o.Source] = map[string]int{}
				}
				if _, ok := covered[o.Source][o.ID]; !ok {
					covered[o.Source][o.ID] = i
				}
			}
		}
		srcs := make([]string, 0, len(covered))
		for s := range covered {
			srcs = append(srcs, s)
		}
		sort.Strings(srcs)
		for _, s := range srcs {
			if len(covered[s]) < 2 {
				continue
			}
			idx := make([]int, 0, len(covered[s]))
			for _, i := range covered[s] {
				idx = append(idx, i)
			}
			sort.Slice(idx, func(a, b int) bool { return all[idx[a]].ID < all[idx[b]].ID })
			var names []string
			ids := []string{r.ID}
			for _, i := range idx {
				names = append(names, describe(all[i]))
				ids = append(ids, all[i].ID)
			}
			add(Conflict{
				Kind: ConflictMerge,
				Detail: fmt.Sprintf("%s folds into one record %d groups that %s keeps apart: %s",
					describe(r), len(idx), s, strings.Join(names, "; ")),
				Sources: []string{r.Source, s},
				Records: ids,
			})
		}
	}

	// Sponsor disagreement across the resolved records.
	bySponsor := map[string][]string{} // country -> "source (record)"
	srcOf := map[string][]string{}
	recOf := map[string][]string{}
	for _, r := range records {
		for _, c := range r.Sponsors {
			if c.Country == "" {
				continue
			}
			src := c.Source
			if src == "" {
				src = r.Source
			}
			bySponsor[c.Country] = append(bySponsor[c.Country], src)
			srcOf[c.Country] = append(srcOf[c.Country], src)
			recOf[c.Country] = append(recOf[c.Country], r.ID)
		}
	}
	if len(bySponsor) > 1 {
		countries := make([]string, 0, len(bySponsor))
		for c := range bySponsor {
			countries = append(countries, c)
		}
		sort.Strings(countries)
		var parts, srcs, recs []string
		for _, c := range countries {
			s := slices.Clone(srcOf[c])
			sort.Strings(s)
			parts = append(parts, fmt.Sprintf("%s per %s", c, strings.Join(slices.Compact(s), ", ")))
			srcs = append(srcs, srcOf[c]...)
			recs = append(recs, recOf[c]...)
		}
		add(Conflict{
			Kind:    ConflictSponsor,
			Detail:  "sources name different sponsor states: " + strings.Join(parts, "; "),
			Sources: srcs,
			Records: recs,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Detail < out[j].Detail
	})
	return out
}

// describe names a record for a conflict's Detail.
func describe(a Actor) string {
	s := a.Source + " " + a.Name
	if a.ExternalID != "" {
		s += " " + a.ExternalID
	}
	return s + " (" + a.ID + ")"
}

// actorKeys returns the NameKeys under which a resolves: its name, aliases
// and external id.
func actorKeys(a Actor) []string {
	keys := make([]string, 0, len(a.Aliases)+2)
	for _, n := range append([]string{a.Name, a.ExternalID}, a.Aliases...) {
		if k := NameKey(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// mergeKeys returns the NameKeys of the groups a record says it folds in.
// Entries like "G0009:<uuid>" count by their first part.
func mergeKeys(a Actor) []string {
	var keys []string
	for _, m := range a.Merges {
		if i := strings.IndexByte(m, ':'); i > 0 {
			m = m[:i]
		}
		if k := NameKey(m); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func sortActors(as []Actor) {
	sort.SliceStable(as, func(i, j int) bool {
		if as[i].Source != as[j].Source {
			return as[i].Source < as[j].Source
		}
		return as[i].ID < as[j].ID
	})
}

// SortActors orders actors by ID, the deterministic order importers use.
func SortActors(as []Actor) {
	sort.SliceStable(as, func(i, j int) bool { return as[i].ID < as[j].ID })
}
