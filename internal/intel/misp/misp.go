package misp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Source is the Source of every record this package produces.
const Source = "misp-galaxy"

// ErrNotGalaxy is returned for JSON that is not a MISP galaxy cluster file.
var ErrNotGalaxy = errors.New("not a MISP galaxy cluster file")

var groupID = regexp.MustCompile(`^G\d{4}$`)

type galaxy struct {
	Type     string    `json:"type"`
	Category string    `json:"category"`
	UUID     string    `json:"uuid"`
	Name     string    `json:"name"`
	Values   []cluster `json:"values"`
}

type cluster struct {
	UUID        string          `json:"uuid"`
	Value       string          `json:"value"`
	Description string          `json:"description"`
	Meta        json.RawMessage `json:"meta"`
}

type meta struct {
	Synonyms        stringList `json:"synonyms"`
	Country         string     `json:"country"`
	Sponsor         string     `json:"cfr-suspected-state-sponsor"`
	Confidence      string     `json:"attribution-confidence"`
	TargetCategory  stringList `json:"cfr-target-category"`
	SuspectedVictim stringList `json:"cfr-suspected-victims"`
	NameAttribution stringList `json:"name-attribution"`
}

// stringList accepts a JSON string or an array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// ReadFile reads a MISP galaxy cluster file; see Decode.
func ReadFile(ctx context.Context, path string) (*intel.Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read misp galaxy: %w", err)
	}
	return Decode(ctx, data, path)
}

// Decode turns a MISP galaxy cluster file into actors:
//   - ID "misp-galaxy--<cluster uuid>", Name = value, Aliases = meta.synonyms;
//   - Sponsors from meta.country and meta["cfr-suspected-state-sponsor"], one
//     claim per state, Confidence from meta["attribution-confidence"];
//   - TargetSectors from cfr-target-category, mapped to the STIX
//     industry-sector vocabulary where the meaning is clear (kept as given
//     otherwise); TargetCountries from cfr-suspected-victims (states only);
//   - Merges: the ATT&CK group ids the cluster covers (name-attribution
//     "G0009:<uuid>" entries and G-number synonyms), when there are two or
//     more.
//
// A cluster whose meta does not decode is listed as Unsupported. Actors are
// sorted by ID. A galaxy of another kind (sectors, tools) yields no actors;
// its clusters are counted in Ignored under "misp-galaxy:<type>".
func Decode(ctx context.Context, data []byte, file string) (*intel.Collection, error) {
	var g galaxy
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("misp galaxy %s: %w: %w", file, ErrNotGalaxy, err)
	}
	if g.Values == nil || (g.UUID == "" && g.Type == "") {
		return nil, fmt.Errorf("misp galaxy %s: %w", file, ErrNotGalaxy)
	}
	c := &intel.Collection{}
	if !actorGalaxy(g) {
		c.Ignored = map[string]int{"misp-galaxy:" + g.Type: len(g.Values)}
		return c, nil
	}
	for i, cl := range g.Values {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if cl.UUID == "" || cl.Value == "" {
			c.Unsupported = append(c.Unsupported, intel.Unsupported{
				File: file, Input: "values[" + strconv.Itoa(i) + "]", Reason: "cluster has no uuid or value",
			})
			continue
		}
		var m meta
		if len(cl.Meta) > 0 {
			if err := json.Unmarshal(cl.Meta, &m); err != nil {
				c.Unsupported = append(c.Unsupported, intel.Unsupported{
					File: file, ID: "misp-galaxy--" + cl.UUID, Input: cl.Value,
					Reason: fmt.Sprintf("cluster meta does not decode: %v", err),
				})
				continue
			}
		}
		c.Actors = append(c.Actors, actor(cl, m))
	}
	intel.SortCollection(c)
	return c, nil
}

// actorGalaxy reports whether g's clusters are actors (threat-actor and
// similar galaxies); others (sector, tool ...) are counted and skipped.
func actorGalaxy(g galaxy) bool {
	switch g.Type {
	case "threat-actor", "mitre-intrusion-set", "microsoft-activity-group", "360net", "tidal-groups":
		return true
	}
	return g.Category == "actor"
}

func actor(cl cluster, m meta) intel.Actor {
	a := intel.Actor{
		ID: "misp-galaxy--" + cl.UUID, Name: cl.Value, Source: Source, Description: cl.Description,
	}
	seen := map[string]bool{intel.NameKey(cl.Value): true}
	for _, s := range m.Synonyms {
		if k := intel.NameKey(s); k != "" && !seen[k] {
			seen[k] = true
			a.Aliases = append(a.Aliases, s)
		}
	}
	conf := 0
	if n, err := strconv.Atoi(strings.TrimSpace(m.Confidence)); err == nil && n >= 0 && n <= 100 {
		conf = n
	}
	claims := map[string][]string{}
	var order []string
	addClaim := func(name, basis string) {
		code, ok := intel.CountryCode(name)
		if !ok {
			return
		}
		if _, ok := claims[code]; !ok {
			order = append(order, code)
		}
		claims[code] = append(claims[code], basis)
	}
	if m.Country != "" {
		addClaim(m.Country, "meta.country "+m.Country)
	}
	if m.Sponsor != "" {
		addClaim(m.Sponsor, "cfr-suspected-state-sponsor "+m.Sponsor)
	}
	for _, code := range order {
		a.Sponsors = append(a.Sponsors, intel.SponsorClaim{
			Country: code, Confidence: conf, Source: Source, Basis: strings.Join(claims[code], "; "),
		})
	}
	for _, cat := range m.TargetCategory {
		s := Sector(cat)
		if !slices.Contains(a.TargetSectors, s) {
			a.TargetSectors = append(a.TargetSectors, s)
		}
	}
	for _, v := range m.SuspectedVictim {
		if code, ok := intel.CountryCode(v); ok && !slices.Contains(a.TargetCountries, code) {
			a.TargetCountries = append(a.TargetCountries, code)
		}
	}
	var merges []string
	for _, na := range m.NameAttribution {
		id, _, _ := strings.Cut(na, ":")
		if id = strings.TrimSpace(id); groupID.MatchString(id) && !slices.Contains(merges, id) {
			merges = append(merges, id)
		}
	}
	for _, s := range m.Synonyms {
		if s = strings.TrimSpace(s); groupID.MatchString(s) && !slices.Contains(merges, s) {
			merges = append(merges, s)
		}
	}
	if len(merges) >= 2 {
		slices.Sort(merges)
		a.Merges = merges
	}
	return a
}

// sectors maps folded CFR target categories to the STIX 2.1
// industry-sector vocabulary.
var sectors = map[string]string{
	"government": "government", "government agencies and services": "government",
	"government institutions": "government", "intergovernmental": "government",
	"private sector": "commercial", "business": "commercial",
	"military": "defense", "defense": "defense", "defence": "defense",
	"defense industrial base": "defense", "defense contractor": "defense",
	"civil society": "non-profit", "ngos": "non-profit", "ngo": "non-profit",
	"non-profit organisation": "non-profit", "religious organization": "non-profit",
	"religious organizations": "non-profit", "pro-democracy and human rights political organizations": "non-profit",
	"education": "education", "universities": "education", "scientific research": "education",
	"energy": "energy", "energy company": "energy", "petroleum": "energy",
	"healthcare": "healthcare", "health": "healthcare", "medical": "healthcare", "biomedical": "healthcare",
	"pharmaceuticals": "pharmaceuticals", "pharmaceutical": "pharmaceuticals",
	"finance": "financial-services", "financial": "financial-services", "financial services": "financial-services",
	"high-tech": "technology", "information technology": "technology", "technology": "technology",
	"semiconductor industry": "technology", "electronics manufacturers": "technology",
	"telecommunications": "telecommunications", "telecoms": "telecommunications", "telecomms": "telecommunications",
	"media and entertainment": "entertainment", "gaming": "entertainment",
	"transportation": "transportation", "transportation systems": "transportation", "rail": "transportation",
	"logistics": "transportation", "aviation": "aerospace", "aerospace": "aerospace",
	"automotive": "automotive", "retail": "retail", "manufacturing": "manufacturing",
	"critical manufacturing": "manufacturing", "construction": "construction", "civil engineering": "construction",
	"hospitality": "hospitality-leisure", "travel": "hospitality-leisure",
	"food and agriculture": "agriculture", "agriculture": "agriculture", "chemical": "chemical",
	"insurance": "insurance", "utilities": "utilities",
}

// Sector maps a CFR/MISP target category to the STIX industry-sector
// vocabulary ("Private sector" -> "commercial", "Military" -> "defense",
// "High-Tech" -> "technology"). A category without a clear equivalent
// (e.g. "Media", "Legal") is returned unchanged.
func Sector(category string) string {
	if s, ok := sectors[strings.ToLower(strings.TrimSpace(category))]; ok {
		return s
	}
	return strings.TrimSpace(category)
}
