package attack

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// Source is the Source of every record the ATT&CK reader produces.
const Source = "mitre-attack"

// mitreIdentity is the id of "The MITRE Corporation" identity that creates
// ATT&CK objects.
const mitreIdentity = "The MITRE Corporation"

var groupID = lazyre.New(`^G\d{4}$`)

// ReadFile reads an ATT&CK STIX bundle and applies Enrich.
func ReadFile(ctx context.Context, path string) (*intel.Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read attack: %w", err)
	}
	return Decode(ctx, data, path)
}

// Decode decodes an ATT&CK STIX bundle (see stix.Decode) and applies Enrich.
func Decode(ctx context.Context, data []byte, file string) (*intel.Collection, error) {
	c, err := stix.Decode(ctx, data, file)
	if err != nil {
		return nil, fmt.Errorf("attack: %w", err)
	}
	Enrich(c)
	return c, nil
}

// IsATTACK reports whether c holds ATT&CK groups: intrusion sets with an
// ATT&CK group id (G0009).
func IsATTACK(c *intel.Collection) bool {
	for _, a := range c.Actors {
		if groupID.MatchString(a.ExternalID) {
			return true
		}
	}
	return false
}

// Enrich marks the ATT&CK records of c (groups with a G-number and every
// record created by The MITRE Corporation) with Source "mitre-attack" and
// adds to each group the sponsor claims its description makes.
func Enrich(c *intel.Collection) {
	for i := range c.Actors {
		a := &c.Actors[i]
		if !groupID.MatchString(a.ExternalID) && a.Source != mitreIdentity {
			continue
		}
		a.Source = Source
		a.Sponsors = append(a.Sponsors, Sponsors(a.Name, a.Description)...)
	}
	for i := range c.Software {
		if c.Software[i].Source == mitreIdentity {
			c.Software[i].Source = Source
		}
	}
	for i := range c.Relationships {
		if c.Relationships[i].Source == mitreIdentity {
			c.Relationships[i].Source = Source
		}
	}
	for i := range c.Indicators {
		if c.Indicators[i].Source == mitreIdentity {
			c.Indicators[i].Source = Source
		}
	}
}

// Confidence levels given to claims read from descriptions, on the STIX
// 0..100 scale (appendix: Med 50, High 85).
const (
	ConfidenceHedged = 50 // "suspected", "likely", "may be"
	ConfidencePlain  = 70 // "is a China-based threat group"
	ConfidenceStrong = 85 // "attributed to China's Ministry of State Security", "state-sponsored"
)

var (
	citation  = lazyre.New(`\s*\(Citation:[^)]*\)`)
	mdLink    = lazyre.New(`\[([^\]]+)\]\(([^)]*)\)`)
	sentences = lazyre.New(`[^.!?\n]+(?:\.(?:[A-Z]\.)*[^.!?\n\s][^.!?\n]*)*[.!?]?`)
	hedge     = lazyre.New(`(?i)\b(suspected|likely|possibly|possible|probabl[ey]|may|might|allegedly|reportedly|appears?|suggests?|circumstantial|potentially)\b`)

	claimPatterns []claimPattern
)

type claimPattern struct {
	re       *regexp.Regexp
	strength int // ConfidencePlain or ConfidenceStrong when not hedged
}

// countryTerms are the names and demonyms replaced by a "§CC§" marker
// before the claim patterns run, longest first. Ambiguous words in prose
// ("US", "English speakers", "Georgia" as a name) are left out.
var countryTerms []string

// setup builds countryTerms and claimPatterns on first use (not when the
// program starts: every command would pay for them).
var setup = sync.OnceFunc(func() {
	for _, t := range intel.CountryTerms() {
		switch t {
		case "US", "UK", "U.K.", "USA", "U.S.", "U.S.A.", "America", "American", "English", "ROK", "Georgia", "Georgian", "Jordan", "Turkey":
			continue
		}
		countryTerms = append(countryTerms, t)
	}
	x := `§([A-Z]{2})§(?: \((?:§[A-Z]{2}§|[A-Z.]+)\))?`
	add := func(strength int, expr string) {
		claimPatterns = append(claimPatterns, claimPattern{re: regexp.MustCompile(expr), strength: strength})
	}
	// "Chinese state-sponsored", "Iranian-sponsored", "PRC state-backed", "Russian government-sponsored".
	add(ConfidenceStrong, x+`(?:'s)?(?: state|-state| government|-government)?[- ](?:sponsored|backed|directed)\b`)
	// "attributed to China's Ministry", "attributed to the Chinese PLA", "attributed to Iranian actors".
	add(ConfidenceStrong, `\battributed (?:[^.,;]{0,40} )?to (?:the )?(?:government of )?`+x)
	// "in association with the Chinese Ministry of State Security", "subordinate element within Iran's MOIS".
	add(ConfidenceStrong, `\b(?:association with|affiliated with|linked to|tied to|element within|behest of(?: the government of)?|on behalf of|nexus to) (?:the )?(?:government of )?`+x+`(?:'s)? (?:Ministry|People's Liberation Army|PLA|government|military|intelligence|General Staff|Main Intelligence|Federal Security|Foreign Intelligence|Reconnaissance General Bureau|Islamic Revolutionary Guard|state)`)
	// "China-based", "North Korea-based", "Russia based".
	add(ConfidencePlain, x+`[- ]based\b`)
	// "is a suspected Chinese threat group", "is an Iranian cyber espionage group".
	add(ConfidencePlain, `\b(?:is|are|as|be) (?:an? )?(?:(?:suspected|likely|possibly|probable|alleged|pro-[A-Za-z]+ or) )?`+x+` (?:threat|cyber|espionage|APT|group|actor|hacking|advanced|intrusion|entity|adversary)`)
	// "with likely Chinese origins", "originating in Russia", "operating out of China", "operate from ... of China".
	add(ConfidencePlain, x+` origins?\b`)
	add(ConfidencePlain, `\b(?:originating (?:in|from)|operating out of|operates? (?:out of|from)(?: the [A-Z][a-z]+ Province of)?) `+x)
})

// markCountries replaces each country name or demonym in s by "§CC§"
// (its ISO code), longest names first, whole words only.
func markCountries(s string) string {
	setup()
	for _, term := range countryTerms {
		if !strings.Contains(s, term) {
			continue
		}
		code, _ := intel.CountryCode(term)
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, term)
			if i < 0 {
				break
			}
			end := i + len(term)
			if (i > 0 && isWordByte(rest[i-1])) || (end < len(rest) && isWordByte(rest[end])) {
				b.WriteString(rest[:end])
				rest = rest[end:]
				continue
			}
			b.WriteString(rest[:i])
			b.WriteString("§" + code + "§")
			rest = rest[end:]
		}
		b.WriteString(rest)
		s = b.String()
	}
	return s
}

func isWordByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Sponsors derives sponsor claims from an ATT&CK group description: for
// each sentence that says, about the group itself, that it is e.g. "a
// suspected Chinese threat group", "China-based", "Chinese state-sponsored"
// or "attributed to China's Ministry of State Security", a claim for that
// state with the sentence as Basis. Hedged wording ("suspected",
// "likely", "may") gives ConfidenceHedged, "X-based" or "an X threat group"
// ConfidencePlain, attributions and "state-sponsored" ConfidenceStrong.
// Sentences where another group's link comes before the words ("...
// [Sidewinder], a suspected Indian threat group") are skipped, as are
// language hints ("Russian-speaking"). One claim per state, the strongest.
func Sponsors(name, description string) []intel.SponsorClaim {
	setup()
	text := strings.NewReplacer("’", "'", "‘", "'", "\u00a0", " ").Replace(description)
	text = citation.ReplaceAllString(text, "")
	best := map[string]intel.SponsorClaim{}
	for _, para := range strings.Split(text, "\n") {
		for _, sent := range sentences.FindAllString(para, -1) {
			sent = strings.TrimSpace(sent)
			if sent == "" {
				continue
			}
			// flat is the sentence with links flattened to their names; in
			// flagged, a link to another group is preceded by \x01.
			var flat, flagged strings.Builder
			last := 0
			for _, m := range mdLink.FindAllStringSubmatchIndex(sent, -1) {
				flat.WriteString(sent[last:m[0]])
				flagged.WriteString(sent[last:m[0]])
				linkName := sent[m[2]:m[3]]
				url := sent[m[4]:m[5]]
				if strings.Contains(url, "/groups/") && intel.NameKey(linkName) != intel.NameKey(name) {
					flagged.WriteByte('\x01')
				}
				flat.WriteString(linkName)
				flagged.WriteString(linkName)
				last = m[1]
			}
			flat.WriteString(sent[last:])
			flagged.WriteString(sent[last:])
			basis := flat.String()
			s := markCountries(flagged.String())
			if !strings.Contains(s, "§") {
				continue
			}
			for _, cp := range claimPatterns {
				for _, m := range cp.re.FindAllStringSubmatchIndex(s, -1) {
					if strings.IndexByte(s[:m[0]], '\x01') >= 0 {
						continue
					}
					code := s[m[2]:m[3]]
					if strings.HasPrefix(s[m[3]+len("§"):], "-speaking") {
						continue
					}
					conf := cp.strength
					if hedge.MatchString(s[:m[1]]) {
						conf = ConfidenceHedged
					}
					if cur, ok := best[code]; !ok || conf > cur.Confidence {
						best[code] = intel.SponsorClaim{Country: code, Confidence: conf, Source: Source, Basis: basis}
					}
				}
			}
		}
	}
	out := make([]intel.SponsorClaim, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Confidence != out[j].Confidence {
			return out[i].Confidence > out[j].Confidence
		}
		return out[i].Country < out[j].Country
	})
	return out
}
