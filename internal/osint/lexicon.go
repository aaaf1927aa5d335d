package osint

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// partyAliases name a state through its capital, seat of government or
// leader (2015-era leaders included, since the agreements are of 2015).
// They count as a party mention for agreements, not as a state claim.
var partyAliases = map[string]string{
	"Beijing": "CN", "Xi": "CN", "Xi Jinping": "CN", "Li Keqiang": "CN", "People’s Republic": "CN", "People's Republic": "CN", "Sino": "CN", "Zhongnanhai": "CN",
	"Washington": "US", "Obama": "US", "White House": "US", "Trump": "US", "Biden": "US", "Kerry": "US",
	"London": "GB", "Cameron": "GB", "Downing Street": "GB", "Whitehall": "GB", "Theresa May": "GB",
	"Moscow": "RU", "Kremlin": "RU", "Putin": "RU", "Pyongyang": "KP", "Tehran": "IR", "Tokyo": "JP", "Berlin": "DE", "Paris": "FR",
}

// notParty are country words too ambiguous in news English to count.
var notParty = map[string]bool{"English": true, "Georgia": true, "Jordan": true, "Lao": true, "Chad": true, "Persian": true, "Gaza": true, "America": false}

// partyTerm is one name that points to a state.
type partyTerm struct {
	term  string
	code  string
	alias bool // capital, leader or institution, not the state's name
}

var partyTerms = func() []partyTerm {
	var out []partyTerm
	for _, t := range intel.CountryTerms() {
		if notParty[t] {
			continue
		}
		if code, ok := intel.CountryCode(t); ok {
			out = append(out, partyTerm{term: t, code: code})
		}
	}
	for t, c := range partyAliases {
		out = append(out, partyTerm{term: t, code: c, alias: true})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].term) != len(out[j].term) {
			return len(out[i].term) > len(out[j].term)
		}
		return out[i].term < out[j].term
	})
	return out
}()

// partyMention is a state named in a sentence.
type partyMention struct {
	code       string
	text       string
	alias      bool
	start, end int
	attributed bool // "China-affiliated", "linked to Beijing": the state is said to be behind something
}

var (
	reAttribAfter  = lazyre.New(`^[- ](?:state[- ])?(?:affiliated|linked|backed|sponsored|government[- ]backed|state[- ]linked|state[- ]sponsored|state[- ]affiliated)\b`)
	reAttribAfter2 = lazyre.New(`^ (?:state[- ](?:linked|sponsored|affiliated|backed)|government[- ](?:linked|backed))\b`)
	reAttribBefore = lazyre.New(`(?i)\b(?:linked|tied|attributed|traced(?: back)?|connected|belonging)\s+to\s+(?:the\s+)?$`)
)

// findParties returns the states named in s, longest names first, without
// overlaps, in text order.
func findParties(s string) []partyMention {
	var out []partyMention
	taken := make([]bool, len(s)+1)
	for _, pt := range partyTerms {
		for from := 0; ; {
			i := strings.Index(s[from:], pt.term)
			if i < 0 {
				break
			}
			i += from
			j := i + len(pt.term)
			from = j
			if !wordBoundary(s, i, j) || taken[i] || taken[j-1] {
				continue
			}
			if pt.term == "Washington" && (strings.HasPrefix(s[j:], " Post") || strings.HasPrefix(s[j:], " Times") || strings.HasPrefix(s[j:], " state")) {
				continue
			}
			if pt.term == "US" && j < len(s) && s[j] == '\'' {
				continue
			}
			for k := i; k < j; k++ {
				taken[k] = true
			}
			m := partyMention{code: pt.code, text: pt.term, alias: pt.alias, start: i, end: j}
			m.attributed = reAttribAfter.MatchString(s[j:]) || reAttribAfter2.MatchString(s[j:]) || reAttribBefore.MatchString(s[:i])
			out = append(out, m)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

// wordBoundary reports whether s[i:j] is not part of a longer word.
func wordBoundary(s string, i, j int) bool {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if j < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// orgEntry is an organisation pactwatch recognises by name.
type orgEntry struct {
	Name  string   // canonical
	Kind  string   // "security-vendor", "government", "outlet", "international", "industry", "research"
	Names []string // other spellings; matched case-insensitively when longer than 4 bytes, exactly otherwise
	State string   // ISO code of a government body
}

// organisations is the gazetteer of organisations met in reporting on
// state cyber operations: security vendors, agencies, outlets and bodies.
var organisations = []orgEntry{
	{Name: "CrowdStrike", Kind: "security-vendor"},
	{Name: "F-Secure", Kind: "security-vendor"},
	{Name: "FireEye", Kind: "security-vendor"},
	{Name: "Mandiant", Kind: "security-vendor"},
	{Name: "Symantec", Kind: "security-vendor"},
	{Name: "Kaspersky", Kind: "security-vendor", Names: []string{"Kaspersky Lab"}},
	{Name: "ESET", Kind: "security-vendor"},
	{Name: "Trend Micro", Kind: "security-vendor"},
	{Name: "McAfee", Kind: "security-vendor"},
	{Name: "Sophos", Kind: "security-vendor"},
	{Name: "Palo Alto Networks", Kind: "security-vendor", Names: []string{"Unit 42"}},
	{Name: "Cisco Talos", Kind: "security-vendor", Names: []string{"Talos"}},
	{Name: "Check Point", Kind: "security-vendor"},
	{Name: "Recorded Future", Kind: "security-vendor"},
	{Name: "Secureworks", Kind: "security-vendor", Names: []string{"Dell SecureWorks"}},
	{Name: "Proofpoint", Kind: "security-vendor"},
	{Name: "Microsoft", Kind: "security-vendor"},
	{Name: "Google", Kind: "security-vendor"},
	{Name: "Novetta", Kind: "security-vendor"},
	{Name: "Cylance", Kind: "security-vendor"},
	{Name: "ThreatConnect", Kind: "security-vendor"},
	{Name: "Fidelis", Kind: "security-vendor"},
	{Name: "Citizen Lab", Kind: "research"},
	{Name: "FBI", Kind: "government", State: "US", Names: []string{"Federal Bureau of Investigation"}},
	{Name: "NSA", Kind: "government", State: "US", Names: []string{"National Security Agency"}},
	{Name: "CIA", Kind: "government", State: "US", Names: []string{"Central Intelligence Agency"}},
	{Name: "DHS", Kind: "government", State: "US", Names: []string{"Department of Homeland Security", "Homeland Security"}},
	{Name: "Department of Justice", Kind: "government", State: "US", Names: []string{"Justice Department", "DOJ"}},
	{Name: "OPM", Kind: "government", State: "US", Names: []string{"Office of Personnel Management"}},
	{Name: "Pentagon", Kind: "government", State: "US", Names: []string{"Department of Defense"}},
	{Name: "White House", Kind: "government", State: "US"},
	{Name: "US Congress", Kind: "government", State: "US", Names: []string{"U.S. Congress"}},
	{Name: "U.S.-China Economic and Security Review Commission", Kind: "government", State: "US", Names: []string{"US-China Economic and Security Review Commission"}},
	{Name: "GCHQ", Kind: "government", State: "GB", Names: []string{"Government Communications Headquarters"}},
	{Name: "NCSC", Kind: "government", State: "GB", Names: []string{"National Cyber Security Centre"}},
	{Name: "Ministry of State Security", Kind: "government", State: "CN", Names: []string{"MSS"}},
	{Name: "Ministry of Public Security", Kind: "government", State: "CN"},
	{Name: "People's Liberation Army", Kind: "government", State: "CN", Names: []string{"People’s Liberation Army", "PLA"}},
	{Name: "Information Technology Industry Council", Kind: "industry", Names: []string{"ITI", "ITIC"}},
	{Name: "The Guardian", Kind: "outlet", Names: []string{"Guardian"}},
	{Name: "Wall Street Journal", Kind: "outlet"},
	{Name: "New York Times", Kind: "outlet"},
	{Name: "Washington Post", Kind: "outlet"},
	{Name: "Infosecurity Magazine", Kind: "outlet", Names: []string{"Infosecurity"}},
	{Name: "Reuters", Kind: "outlet"},
	{Name: "Associated Press", Kind: "outlet"},
	{Name: "Bloomberg", Kind: "outlet"},
	{Name: "SC Magazine", Kind: "outlet"},
	{Name: "Foreign Policy", Kind: "outlet"},
	{Name: "BBC", Kind: "outlet"},
	{Name: "Xinhua", Kind: "outlet"},
	{Name: "United Nations", Kind: "international", Names: []string{"UN", "U.N."}},
	{Name: "NATO", Kind: "international"},
	{Name: "G20", Kind: "international", Names: []string{"G-20", "Group of 20", "Group of Twenty"}},
}

// sectorWords maps words to STIX industry-sector values.
var sectorWords = []struct {
	re     *lazyre.Regexp
	sector string
}{
	{lazyre.New(`(?i)\b(tech|technology|software|semiconductors?|high-tech|internet)\b`), "technology"},
	{lazyre.New(`\bIT\b`), "technology"},
	{lazyre.New(`(?i)\b(pharmaceuticals?|pharma|drugmakers?|biotech(nology)?|life sciences)\b`), "pharmaceuticals"},
	{lazyre.New(`(?i)\b(agriculture|agricultural|agribusiness|farming)\b`), "agriculture"},
	{lazyre.New(`(?i)\b(finance|financial|banks?|banking|insurance)\b`), "financial-services"},
	{lazyre.New(`(?i)\b(chemicals?)\b`), "chemical"},
	{lazyre.New(`(?i)\b(defen[cs]e contractors?|defen[cs]e industry|aerospace|military contractors?)\b`), "defense"},
	{lazyre.New(`(?i)\b(energy|oil and gas|utilities|power grid)\b`), "energy"},
	{lazyre.New(`(?i)\b(telecommunications?|telecoms?)\b`), "telecommunications"},
	{lazyre.New(`(?i)\b(healthcare|health care|hospitals?)\b`), "healthcare"},
	{lazyre.New(`(?i)\b(manufacturing|manufacturers?)\b`), "manufacturing"},
}

// reIntrusion marks a sentence about intrusions.
var reIntrusion = lazyre.New(`(?i)\b(intrusions?|(cyber[- ]?)?attacks?|attempts?|hack(s|ed|ing)?|breach(es|ed)?|compromis(e|es|ed)|incursions?|infiltrat\w*|targeted|targeting|espionage|spying|stole|stolen|theft)\b`)

// reIntrusionEvent is the narrower vocabulary of an intrusion event.
var reIntrusionEvent = lazyre.New(`(?i)\b(intrusions?|(cyber[- ]?)?attacks?|attempts?|hacks|hacked|breach(es|ed)?|compromis(e|es|ed)|incursions?)\b`)

// reFirst marks a first event: "the very first intrusion", "the first attempt".
var reFirst = lazyre.New(`(?i)\bfirst\s+(?:\w+\s+){0,2}(intrusion|attempt|attack|hack|breach|compromise|incursion)`)

// reAfter ties an event to what came before it.
var reAfter = lazyre.New(`(?i)\b(after|since|following|in the wake of|despite)\b`)

// reAgreementWord finds words that refer to an agreement.
var reAgreementWord = lazyre.New(`(?i)\b(agreements?|deal|pact|pledges?|pledged|accord|understanding|commitments?|treaty|joint statement|communiqu[eé]|announcement|agreed|agree|vowed|shook hands|shake hands)\b`)

// reMultilateral names the G20 agreement.
var reMultilateral = lazyre.New(`\b(G20|G-20|Group of (?:20|Twenty)|Antalya)\b`)

// countNouns are what counts count.
var countNouns = map[string]string{
	"company": "victims", "companies": "victims", "firm": "victims", "firms": "victims", "organisation": "victims", "organisations": "victims",
	"organization": "victims", "organizations": "victims", "customer": "victims", "customers": "victims", "victim": "victims", "victims": "victims",
	"target": "victims", "targets": "victims", "network": "victims", "networks": "victims", "agency": "victims", "agencies": "victims", "businesses": "victims",
	"intrusion": "intrusions", "intrusions": "intrusions", "attack": "intrusions", "attacks": "intrusions", "attempt": "intrusions", "attempts": "intrusions",
	"breach": "intrusions", "breaches": "intrusions", "hack": "intrusions", "hacks": "intrusions", "incident": "intrusions", "incidents": "intrusions",
	"compromise": "intrusions", "compromises": "intrusions", "cyberattack": "intrusions", "cyberattacks": "intrusions", "intrusion attempts": "intrusions",
	"group": "actors", "groups": "actors", "hacker": "actors", "hackers": "actors", "actor": "actors", "actors": "actors", "gangs": "actors",
}

var reCount = lazyre.New(`(?i)\b(?:(at least|more than|over|nearly|almost|about|around|some|up to|fewer than|less than)\s+)?(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|dozens|hundreds|thousands|multiple|several|numerous|a number|a handful|a dozen|many)\s+(?:of\s+(?:the|its|their|these|those)\s+)?((?:[\w’'-]+\s+){0,4}?)(companies|company|firms|firm|organi[sz]ations?|customers|victims|targets|networks|agencies|businesses|intrusions?|(?:cyber)?attacks?|attempts|breaches|hacks|incidents|compromises|groups|hackers|actors|gangs)\b`)

// vagueCounts are count words that give only a lower bound.
var vagueCounts = map[string]int{"multiple": 2, "several": 3, "numerous": 3, "a number": 2, "a handful": 3, "many": 3, "dozens": 24, "hundreds": 200, "thousands": 2000, "a dozen": 12}

// roleWords are job titles that mark a speaker's role.
var roleWords = []string{
	"chief executive officer", "chief executive", "chief technology officer", "chief information security officer", "chief security officer",
	"chief operating officer", "chief research officer", "vice president", "executive director", "managing director", "security adviser", "security advisor",
	"senior fellow", "research fellow", "attorney general", "attorney-general", "national security adviser", "secretary of state", "foreign minister",
	"co-founder", "cofounder", "founder", "president", "chairman", "chairwoman", "chair", "director", "ceo", "cto", "ciso", "cso", "coo",
	"spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "analyst", "researcher", "official", "minister", "secretary",
	"senator", "member", "head", "chief", "professor", "fellow", "expert", "ambassador", "lawyer", "partner", "principal", "manager", "officer",
	"representative", "commissioner", "general", "premier", "prime minister", "leader", "economist",
}
