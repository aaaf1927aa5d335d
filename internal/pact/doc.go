// Package pact holds the agreements (embedded data files plus the user's
// own), evaluates intrusions against them into findings with the five-link
// enforcement chain, and computes before/after statistics.
//
// # Agreements
//
// Builtin returns the agreements shipped in agreements/*.json: us-cn-2015
// (signed Friday 2015-09-25), gb-cn-2015 (joint statement of Thursday
// 2015-10-22) and g20-2015 (Antalya communiqué, paragraph 26, 2015-11-16,
// the 19 member states and "EU"). None of the texts states when the pledge
// takes effect, so each has "effective": null and Evaluate assumes the
// signing date and says so.
//
// Users add their own in the same format, read by Load, LoadFile or LoadDir:
//
//	{
//	  "id": "us-cn-2015",                 // required: lower-case slug, unique
//	  "title": "US-China understanding ...",
//	  "parties": ["US", "CN"],            // required: ISO 3166-1 alpha-2 codes (or "EU"), at least two
//	  "multilateral": false,              // required true for more than two parties
//	  "signed": "2015-09-25",             // required: YYYY-MM-DD
//	  "effective": null,                  // YYYY-MM-DD on or after "signed", or null (or absent) when the text does not say
//	  "prohibited": "neither country's government will ...",  // required: the operative text, quoted
//	  "exclusions": ["The pledge covers only theft \"with the intent of ...\" ..."],
//	  "obligations": {
//	    "response_days": 30,              // answer requests within N days; 0 or absent: no deadline
//	    "dialogue_months": 6,             // meet every M months; 0 or absent: no schedule
//	    "text": ["Provide timely responses ..."]
//	  },
//	  "source": "The White House, \"FACT SHEET: ...\", 2015-09-25",  // required
//	  "source_url": "https://...",
//	  "notes": ["The text asks for \"timely\" responses ..."]
//	}
//
// (Comments are for this description only; the files are plain JSON.)
// Decoding is strict: an unknown field is an error, and every problem comes
// back as an *Error naming the file, line and field and saying what is
// expected, all of them joined with errors.Join. Agreement's MarshalJSON and
// UnmarshalJSON use the same format, so `pactwatch agreements show ID --json`
// prints a file to start from.
//
// # Evaluation
//
// Evaluate judges one intrusion, with its attribution and intent assessment,
// against one agreement: in scope when the victim is in a party, the actor's
// assessed sponsor is a party other than the victim's own state, the
// intrusion started on or after the effective date, and the intent is the
// one the text prohibits. The Finding's Reasons say why in sentences a
// liaison can read; its Chain holds the five links Michael Wessel listed
// (incursion, attribution to a party, exfiltration, benefit conferred,
// information used), each with a status and the evidence behind it.
//
// # Counts
//
// Counts turns the findings of one agreement into the number of intrusions
// held against a counterparty in equal windows before and after the effective
// date, overall and per actor, with the first intrusion after the effective
// date and its delay in days.
//
// # Compliance statistics
//
// Rates adds the statistics to those counts, per agreement, per actor and
// per sponsor state: the rate ratio (after over before) with the exact
// conditional test of two Poisson counts and its Clopper–Pearson interval
// (PoissonRatioTest, BinomTest: R's poisson.test and binom.test), and the
// change points of the weekly series (Weekly, ChangePoints: an exact
// penalised Poisson segmentation), which may fall on a date other than the
// agreement's. Rate's JSON form writes infinite and undefined ratios as
// null with a flag, since JSON has no infinities.
package pact
