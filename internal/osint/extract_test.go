package osint_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/osint"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFindDates(t *testing.T) {
	anchor := &osint.Anchor{Time: day("2015-09-25"), Label: "us-cn-2015"}
	tests := []struct {
		sentence string
		pub      string // "" unknown
		anchor   *osint.Anchor
		want     string // value of the first date, "" when unresolved
		approx   bool
		report   bool
	}{
		{"It took place the very next day — Saturday, Sept. 26.", "2015-10-22", anchor, "2015-09-26", false, false},
		{"It took place the very next day.", "2015-10-22", anchor, "2015-09-26", false, false},
		{"It took place the very next day.", "2015-10-22", nil, "", false, false},
		{"Obama said on Sept. 25 that it must stop.", "2015-09-26", nil, "2015-09-25", false, true},
		{"The deal of September 25, 2015 matters.", "", nil, "2015-09-25", false, false},
		{"The deal of Sept. 25 matters.", "", nil, "", false, false},
		{"CrowdStrike warned on Monday that it had seen attacks.", "2015-10-22", nil, "2015-10-19", false, true},
		{"The statement on Thursday was long.", "2015-10-22", nil, "2015-10-22", false, false},
		{"The talks will resume on Monday.", "2015-10-22", nil, "2015-10-26", false, false},
		{"A deal struck nearly a month ago.", "2015-10-22", nil, "2015-09-22", true, false},
		{"A deal struck nearly a month ago.", "", nil, "", false, false},
		{"One reached in September.", "2015-10-22", nil, "2015-09", false, false},
		{"One reached in December.", "2015-10-22", nil, "2014-12", false, false},
		{"Met in Russia in 2013.", "2015-10-22", nil, "2013", false, false},
		{"Filed on 2016-06-20.", "", nil, "2016-06-20", false, false},
		{"On 16 November 2015 the G20 met.", "", nil, "2015-11-16", false, false},
		{"Attacks over the past three weeks.", "2015-10-22", nil, "2015-10-01", true, false},
		{"The first attempt was made just a day after they shook hands.", "2015-10-22", anchor, "2015-09-26", false, false},
		{"It happened yesterday.", "2015-10-22", nil, "2015-10-21", false, false},
		{"Feb. 30 is no day.", "2015-10-22", nil, "", false, false},
	}
	for _, tt := range tests {
		var pub time.Time
		if tt.pub != "" {
			pub = day(tt.pub)
		}
		ds := osint.FindDates(tt.sentence, pub, tt.anchor)
		if len(ds) == 0 {
			t.Errorf("FindDates(%q) found nothing", tt.sentence)
			continue
		}
		d := ds[0]
		got := ""
		if d.Resolved {
			got = d.Value
		}
		if got != tt.want || d.Approximate != tt.approx || d.Report != tt.report {
			t.Errorf("FindDates(%q, %s) = %q (approx %v, report %v, %s%s), want %q (approx %v, report %v)",
				tt.sentence, tt.pub, got, d.Approximate, d.Report, d.Basis, d.Reason, tt.want, tt.approx, tt.report)
		}
		if !d.Resolved && d.Reason == "" {
			t.Errorf("FindDates(%q): unresolved without a reason", tt.sentence)
		}
		if d.Resolved && d.Basis == "" {
			t.Errorf("FindDates(%q): resolved without a basis", tt.sentence)
		}
	}
}

// TestExtract checks that each extractor finds what one sentence says.
func TestExtract(t *testing.T) {
	x := osint.NewExtractor(testActors(), nil)
	if x == nil {
		t.Fatal("NewExtractor returned nil")
	}
	xb := osint.NewExtractor(testActors(), builtinAgreements())
	tests := []struct {
		name, text string
		kind       osint.Kind
		key        string // "" asserts no claim of kind
	}{
		{"agreement by parties", "China and the UK have inked an agreement similar to a Beijing-U.S. one reached in September.", osint.KindAgreement, "us-cn-2015"},
		{"agreement second party set", "China and the UK have inked an agreement similar to a Beijing-U.S. one reached in September.", osint.KindAgreement, "gb-cn-2015"},
		{"agreement by leaders", "Obama and Xi shook hands on a deal.", osint.KindAgreement, "us-cn-2015"},
		{"g20", "The G20 leaders agreed in Antalya that no country should steal.", osint.KindAgreement, "g20-2015"},
		{"no agreement word", "China and the United States met.", osint.KindAgreement, ""},
		{"actor by name", "Those attacks were traced to the infamous Deep Panda gang.", osint.KindActor, "deeppanda"},
		{"actor by alias", "Researchers call the group Shell Crew.", osint.KindActor, "deeppanda"},
		{"actor alias possessive", "Black Vine’s tools were found.", osint.KindActor, "deeppanda"},
		{"common-word alias at sentence start", "Silence fell over the room.", osint.KindActor, ""},
		{"state", "Officials in Russia declined to comment.", osint.KindState, "RU"},
		{"state attributed", "The intrusion was conducted by China-affiliated actors.", osint.KindState, "CN|attributed"},
		{"state attributed before", "The attacks were traced back to groups linked to Beijing.", osint.KindState, "CN|attributed"},
		{"location is not attribution", "Seven attacks hit US-based firms.", osint.KindState, "US"},
		{"organisation folded", "Dmitri Alperovitch, co-founder of Crowdstrike, spoke.", osint.KindOrganisation, "crowdstrike"},
		{"organisation acronym", "The FBI will probe the cyberattacks.", osint.KindOrganisation, "fbi"},
		{"acronym needs case", "The fbi lowercase is not matched.", osint.KindOrganisation, ""},
		{"count of companies", "Seven of the recently hacked companies were technology or pharmaceutical firms.", osint.KindCount, "7|victims"},
		{"count vague", "It had detected and prevented multiple intrusions.", osint.KindCount, ">=2|intrusions"},
		{"count at least", "At least 20 intrusions were seen.", osint.KindCount, ">=20|intrusions"},
		{"one of is no count", "It is one of the most advanced steps against hacked companies.", osint.KindCount, ""},
		{"sector", "Deep Panda has hacked companies in agriculture, finance, chemicals and technology.", osint.KindSector, "financial-services"},
		{"sector needs intrusion context", "It is a positive signal to technology companies.", osint.KindSector, ""},
		{"pronoun it is no sector", "It said it had tracked the attacks for years.", osint.KindSector, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := x
			if tt.kind == osint.KindAgreement {
				ex = xb
			}
			a := osint.Article{ID: "t", Text: tt.text, Published: day("2015-12-01")}
			var keys []string
			for _, c := range ex.Extract(a) {
				if c.Kind == tt.kind {
					keys = append(keys, c.Key)
					if c.Sentence != tt.text || c.ArticleID != "t" || c.ID == "" {
						t.Errorf("claim %+v does not point to its sentence", c)
					}
				}
			}
			if tt.key == "" && len(keys) > 0 {
				t.Errorf("Extract(%q) %s claims = %q, want none", tt.text, tt.kind, keys)
			}
			if tt.key != "" && !slices.Contains(keys, tt.key) {
				t.Errorf("Extract(%q) %s claims = %q, want %q among them", tt.text, tt.kind, keys, tt.key)
			}
		})
	}
}

func TestQuotes(t *testing.T) {
	tests := []struct {
		name, text         string
		speaker, role, org string
		quoteStarts        string
	}{
		{"quote then name verb", "“The very first intrusion took place the very next day,” CrowdStrike CEO Dmitri Alperovitch wrote in a Monday blogpost.",
			"Dmitri Alperovitch", "CEO", "CrowdStrike", "The very first"},
		{"quote then verb name role", `"This agreement finally starts a sustained dialogue," said Dean Garfield, chief executive of the Information Technology Industry Council, a trade group.`,
			"Dean Garfield", "chief executive", "Information Technology Industry Council", "This agreement"},
		{"intro then quote", `Dmitri Alperovitch, co-founder of Crowdstrike, a cybersecurity company, said that the agreement would require China "to respond to evidence presented by the United States."`,
			"Dmitri Alperovitch", "co-founder", "CrowdStrike", "to respond"},
		{"pronoun after reported speech", "F-Secure security adviser, Tom Gaffney, argued that the deal would change nothing.\n\n“Just like in the cold war, spying carried on,” he told Infosecurity.",
			"Tom Gaffney", "security adviser", "F-Secure", "Just like"},
		{"honorific and misspelt surname", "According to CrowdStrike founder Dmitri Alperovich, his firm has seen no change.\n\n“The fact that there is some time delay is not unexpected,” Mr. Alperovitch wrote.",
			"Dmitri Alperovich", "founder", "CrowdStrike", "The fact"},
		{"title name", `"Confrontation and friction are not the right choice for both sides," President Xi said.`, "Xi", "President", "", "Confrontation"},
	}
	x := osint.NewExtractor(nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *osint.Quote
			for _, c := range x.Extract(osint.Article{ID: "q", Text: tt.text}) {
				if c.Kind == osint.KindQuote {
					got = c.Quote
					break
				}
			}
			if got == nil {
				t.Fatalf("Extract(%q) found no quote", tt.text)
			}
			if got.Speaker != tt.speaker || (tt.role != "" && got.Role != tt.role) || (tt.org != "" && got.Organisation != tt.org) || !startsWith(got.Text, tt.quoteStarts) {
				t.Errorf("quote = %+v, want speaker %q role %q org %q text from %q", *got, tt.speaker, tt.role, tt.org, tt.quoteStarts)
			}
		})
	}
	// scare quotes are not quotes
	for _, c := range x.Extract(osint.Article{ID: "s", Text: `Britain has reported a “disturbing” number of attacks, he said.`}) {
		if c.Kind == osint.KindQuote {
			t.Errorf("scare quote became %+v", c.Quote)
		}
	}
}

func startsWith(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
