package osint

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// Date is a date expression found in a sentence and what it resolves to.
// An expression that cannot be resolved (no publication date to count
// from, no anchor for "the next day") stays, with Resolved false and the
// Reason.
type Date struct {
	Expr        string `json:"expr"`                // the words, as written
	Value       string `json:"value,omitempty"`     // YYYY-MM-DD, YYYY-MM or YYYY by Precision
	Precision   string `json:"precision,omitempty"` // "day", "month" or "year"
	Resolved    bool   `json:"resolved"`
	Approximate bool   `json:"approximate,omitempty"`
	Basis       string `json:"basis,omitempty"`  // how it was resolved
	Reason      string `json:"reason,omitempty"` // why unresolved, or why only approximate
	// Report is set when the date is when something was said or published
	// ("warned on Monday", "a Monday blogpost") rather than when an event
	// happened.
	Report bool `json:"report,omitempty"`
	// Kind is how it was written: "explicit", "weekday", "relative",
	// "anchored" (counted from another date), "month" or "year".
	Kind  string `json:"kind"`
	Start int    `json:"-"` // byte offsets in the sentence
	End   int    `json:"-"`
	t     time.Time
}

// Time returns the resolved date (the first day of a month or year), or
// the zero time.
func (d Date) Time() time.Time { return d.t }

// Anchor is a date a relative expression ("the very next day", "a day
// after the deal") counts from.
type Anchor struct {
	Time  time.Time
	Label string // what it is, for the Basis: "us-cn-2015 (signed 2015-09-25)"
}

var monthNum = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
	"jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var weekdayNum = map[string]time.Weekday{
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
}

const (
	reMonth   = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`
	reWeekday = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	reNum     = `(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of|several)`
)

var (
	reMD      = lazyre.New(`\b(?:` + reWeekday + `,?\s+)?` + reMonth + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	reDM      = lazyre.New(`\b(?:` + reWeekday + `,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + reMonth + `(?:,?\s+(\d{4})\b)?`)
	reISO     = lazyre.New(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	reMonthY  = lazyre.New(`\b(?:in|since|until|by|of|during|from|early|late|mid-?|through)\s+(?:early\s+|late\s+|mid-?)?` + reMonth + `(?:\s+(\d{4}))?\b`)
	reYear    = lazyre.New(`\b(?:in|since|until|by|during|from|of)\s+((?:19|20)\d{2})\b`)
	reWday    = lazyre.New(`\b(?:(last|this|next|on|since|by|until|early|late)\s+)?` + reWeekday + `\b`)
	reAgo     = lazyre.New(`(?i)\b(?:(nearly|almost|about|around|roughly|some|just|less than|more than|over|under)\s+)?` + reNum + `\s+(day|week|month|year)s?\s+(ago|earlier|before)\b`)
	rePast    = lazyre.New(`(?i)\b(?:over|in|during|for)\s+the\s+(?:past|last)\s+` + reNum + `\s+(day|week|month|year)s?\b`)
	reRelDay  = lazyre.New(`(?i)\b(yesterday|today|tomorrow|last night)\b`)
	reLastPer = lazyre.New(`(?i)\b(last|this|earlier this|later this|next)\s+(week|month|year)(?:['’]s)?\b`)
	reNextDay = lazyre.New(`(?i)\b(?:the\s+(?:very\s+)?next\s+day|the\s+following\s+day|the\s+day\s+after|(?:just\s+|only\s+)?(?:a|one)\s+day\s+(?:after|later)|the\s+day\s+before|(?:just\s+|only\s+)?(?:a|one)\s+day\s+(?:before|earlier)|(?:just\s+|only\s+)?` + `(two|three|four|five|six|seven|\d)\s+days\s+(?:after|later|before|earlier))\b`)
	reReport  = lazyre.New(`(?i)\b(said|says|wrote|warned|reported|announced|told|published|posted|revealed|disclosed|stated|noted|added|claimed|blogged)\s+(?:\w+\s+){0,2}$`)
	reReportN = lazyre.New(`(?i)^[\s,]*(?:\w+\s+)?(blog\s*post|blogpost|blog|post|report|statement|interview|briefing|press)`)
	reFuture  = lazyre.New(`(?i)\b(will|shall|to be held|scheduled|due to|plans? to|is to|are to)\b`)
)

// FindDates finds the date expressions in sentence and resolves them
// against pub (the publication date; zero when unknown) and anchor (for
// "the very next day" and the like; nil when there is none). Overlapping
// matches keep the longest; the result is in text order.
func FindDates(sentence string, pub time.Time, anchor *Anchor) []Date {
	var ds []Date
	add := func(d Date) {
		for i, o := range ds {
			if d.Start < o.End && o.Start < d.End { // overlap: keep the longer
				if d.End-d.Start > o.End-o.Start {
					ds[i] = d
				}
				return
			}
		}
		ds = append(ds, d)
	}
	low := strings.ToLower(sentence)
	hasMonth := false
	for _, p := range monthPrefixes {
		if strings.Contains(sentence, p) {
			hasMonth = true
			break
		}
	}
	haveYear := func(y string) (int, bool) { n, err := strconv.Atoi(y); return n, err == nil && y != "" }
	explicit := func(m []int, wd, mon, day, yr string) {
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "explicit", Precision: "day", Start: m[0], End: m[1]}
		mo := monthNum[strings.ToLower(strings.TrimSuffix(mon, "."))]
		dn, _ := strconv.Atoi(day)
		if mo == 0 || dn < 1 || dn > 31 {
			return
		}
		if y, ok := haveYear(yr); ok {
			d.t = time.Date(y, mo, dn, 0, 0, 0, 0, time.UTC)
			d.Basis = "explicit date"
		} else if !pub.IsZero() {
			y := pub.Year()
			t := time.Date(y, mo, dn, 0, 0, 0, 0, time.UTC)
			if t.After(pub.AddDate(0, 0, 7)) { // news reports the past: a date well after publication is last year's
				t = time.Date(y-1, mo, dn, 0, 0, 0, 0, time.UTC)
			}
			d.t = t
			d.Basis = "month and day as written; year from the publication date " + pub.Format(time.DateOnly)
		} else {
			d.Reason = "no year given and no publication date to take it from"
			add(d)
			return
		}
		if d.t.Day() != dn { // Feb 30 and the like
			d.t = time.Time{}
			d.Reason = "no such day"
			add(d)
			return
		}
		d.Resolved = true
		d.Value = d.t.Format(time.DateOnly)
		if wd != "" {
			if w := weekdayNum[strings.ToLower(wd)]; w != d.t.Weekday() {
				d.Basis += fmt.Sprintf("; the text says %s but %s was a %s", wd, d.Value, d.t.Weekday())
			} else {
				d.Basis += "; weekday " + wd + " agrees"
			}
		}
		add(d)
	}
	for _, m := range allIf(hasMonth, reMD, sentence) {
		explicit(m, sub(sentence, m, 1), sub(sentence, m, 2), sub(sentence, m, 3), sub(sentence, m, 4))
	}
	for _, m := range allIf(hasMonth, reDM, sentence) {
		explicit(m, sub(sentence, m, 1), sub(sentence, m, 3), sub(sentence, m, 2), sub(sentence, m, 4))
	}
	for _, m := range allIf(strings.Contains(sentence, "-"), reISO, sentence) {
		t, err := time.Parse(time.DateOnly, sentence[m[0]:m[1]])
		if err != nil {
			continue
		}
		add(Date{Expr: sentence[m[0]:m[1]], Kind: "explicit", Precision: "day", Start: m[0], End: m[1], t: t, Resolved: true, Value: t.Format(time.DateOnly), Basis: "explicit date"})
	}
	for _, m := range allIf(hasMonth, reMonthY, sentence) {
		// the match starts with a preposition; the expression is the month on
		ms := m[2]
		d := Date{Expr: sentence[ms:m[1]], Kind: "month", Precision: "month", Start: ms, End: m[1]}
		mo := monthNum[strings.ToLower(strings.TrimSuffix(sub(sentence, m, 1), "."))]
		if y, ok := haveYear(sub(sentence, m, 2)); ok {
			d.t = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
			d.Basis = "month and year as written"
		} else if !pub.IsZero() {
			y := pub.Year()
			if mo > pub.Month() {
				y--
			}
			d.t = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
			d.Basis = "the latest " + mo.String() + " not after publication " + pub.Format(time.DateOnly)
		} else {
			d.Reason = "no year given and no publication date to take it from"
			add(d)
			continue
		}
		d.Resolved, d.Value = true, d.t.Format("2006-01")
		add(d)
	}
	for _, m := range allIf((strings.Contains(sentence, "19") || strings.Contains(sentence, "20")), reYear, sentence) {
		y, _ := strconv.Atoi(sub(sentence, m, 1))
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		add(Date{Expr: sub(sentence, m, 1), Kind: "year", Precision: "year", Start: m[2], End: m[3], t: t, Resolved: true, Value: sub(sentence, m, 1), Basis: "year as written"})
	}
	for _, m := range allIf(strings.Contains(sentence, "day"), reWday, sentence) {
		mod := strings.ToLower(sub(sentence, m, 1))
		wd := weekdayNum[strings.ToLower(sub(sentence, m, 2))]
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "weekday", Precision: "day", Start: m[0], End: m[1]}
		if pub.IsZero() {
			d.Reason = "no publication date to count the weekday from"
			add(d)
			continue
		}
		p := dayOf(pub)
		future := mod == "next" || (mod != "last" && reFuture.MatchString(sentence[max(0, m[0]-60):m[0]]))
		if future {
			back := (int(wd) - int(p.Weekday()) + 7) % 7
			if mod == "next" && back == 0 {
				back = 7
			}
			d.t = p.AddDate(0, 0, back)
			d.Basis = fmt.Sprintf("the first %s on or after publication %s (future tense)", wd, pub.Format(time.DateOnly))
		} else {
			back := (int(p.Weekday()) - int(wd) + 7) % 7
			if mod == "last" && back == 0 {
				back = 7
			}
			d.t = p.AddDate(0, 0, -back)
			d.Basis = fmt.Sprintf("the latest %s on or before publication %s", wd, pub.Format(time.DateOnly))
		}
		d.Resolved, d.Value = true, d.t.Format(time.DateOnly)
		add(d)
	}
	for _, m := range allIf((strings.Contains(low, " ago") || strings.Contains(low, "earlier") || strings.Contains(low, "before")), reAgo, sentence) {
		hedge := strings.ToLower(sub(sentence, m, 1))
		n := countWord(sub(sentence, m, 2))
		unit := strings.ToLower(sub(sentence, m, 3))
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "relative", Start: m[0], End: m[1], Precision: "day"}
		if pub.IsZero() {
			d.Reason = "no publication date to count back from"
			add(d)
			continue
		}
		d.t = shift(dayOf(pub), -n, unit)
		d.Resolved, d.Value = true, d.t.Format(time.DateOnly)
		d.Basis = fmt.Sprintf("%d %s(s) before publication %s", n, unit, pub.Format(time.DateOnly))
		if hedge != "" || unit != "day" || n < 0 {
			d.Approximate = true
			d.Reason = fmt.Sprintf("approximate: %q", d.Expr)
		}
		add(d)
	}
	for _, m := range allIf((strings.Contains(low, "past ") || strings.Contains(low, "last ")), rePast, sentence) {
		n := countWord(sub(sentence, m, 1))
		unit := strings.ToLower(sub(sentence, m, 2))
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "relative", Start: m[0], End: m[1], Precision: "day", Approximate: true}
		if pub.IsZero() {
			d.Reason = "no publication date to count back from"
			add(d)
			continue
		}
		d.t = shift(dayOf(pub), -n, unit)
		d.Resolved, d.Value = true, d.t.Format(time.DateOnly)
		d.Basis = fmt.Sprintf("the start of a period of %d %s(s) ending at publication %s", n, unit, pub.Format(time.DateOnly))
		d.Reason = "approximate: a period, given by its start"
		add(d)
	}
	for _, m := range allIf((strings.Contains(low, "day") || strings.Contains(low, "tomorrow") || strings.Contains(low, "night")), reRelDay, sentence) {
		w := strings.ToLower(sub(sentence, m, 1))
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "relative", Precision: "day", Start: m[0], End: m[1]}
		if pub.IsZero() {
			d.Reason = "no publication date to count from"
			add(d)
			continue
		}
		off := map[string]int{"yesterday": -1, "today": 0, "tomorrow": 1, "last night": -1}[w]
		d.t = dayOf(pub).AddDate(0, 0, off)
		d.Resolved, d.Value = true, d.t.Format(time.DateOnly)
		d.Basis = fmt.Sprintf("%q counted from publication %s", w, pub.Format(time.DateOnly))
		add(d)
	}
	for _, m := range allIf((strings.Contains(low, "week") || strings.Contains(low, "month") || strings.Contains(low, "year")), reLastPer, sentence) {
		mod := strings.ToLower(sub(sentence, m, 1))
		unit := strings.ToLower(sub(sentence, m, 2))
		d := Date{Expr: sentence[m[0]:m[1]], Kind: "relative", Start: m[0], End: m[1]}
		if pub.IsZero() {
			d.Reason = "no publication date to count from"
			add(d)
			continue
		}
		p := dayOf(pub)
		off := map[string]int{"last": -1, "next": 1}[mod]
		switch unit {
		case "week":
			d.t = p.AddDate(0, 0, 7*off-int(p.Weekday())+1)
			d.Precision = "day"
			d.Approximate = true
			d.Reason = "approximate: the Monday of that week"
		case "month":
			d.t = time.Date(p.Year(), p.Month()+time.Month(off), 1, 0, 0, 0, 0, time.UTC)
			d.Precision = "month"
		case "year":
			d.t = time.Date(p.Year()+off, 1, 1, 0, 0, 0, 0, time.UTC)
			d.Precision = "year"
		}
		d.Resolved = true
		d.Value = formatPrecision(d.t, d.Precision)
		d.Basis = fmt.Sprintf("%q counted from publication %s", d.Expr, pub.Format(time.DateOnly))
		add(d)
	}
	for _, m := range allIf(strings.Contains(low, " day"), reNextDay, sentence) {
		expr := sentence[m[0]:m[1]]
		low := strings.ToLower(expr)
		n := 1
		if w := sub(sentence, m, 1); w != "" {
			n = countWord(w)
		}
		if strings.Contains(low, "before") || strings.Contains(low, "earlier") {
			n = -n
		}
		d := Date{Expr: expr, Kind: "anchored", Precision: "day", Start: m[0], End: m[1]}
		if anchor == nil || anchor.Time.IsZero() {
			d.Reason = "no date mentioned before it to count from"
			add(d)
			continue
		}
		d.t = dayOf(anchor.Time).AddDate(0, 0, n)
		d.Resolved, d.Value = true, d.t.Format(time.DateOnly)
		d.Basis = fmt.Sprintf("%+d day(s) from %s", n, anchor.Label)
		add(d)
	}
	for i := range ds {
		d := &ds[i]
		if reReport.MatchString(sentence[:d.Start]) || (d.Kind == "weekday" && reReportN.MatchString(sentence[d.End:])) {
			d.Report = true
		}
	}
	sortDates(ds)
	return ds
}

func sortDates(ds []Date) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].Start < ds[j-1].Start; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

func sub(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

func countWord(w string) int {
	w = strings.ToLower(strings.TrimSpace(w))
	if n, err := strconv.Atoi(w); err == nil {
		return n
	}
	switch w {
	case "a few", "several":
		return 3
	case "a couple of":
		return 2
	}
	return numberWords[w]
}

func shift(t time.Time, n int, unit string) time.Time {
	switch unit {
	case "week":
		return t.AddDate(0, 0, 7*n)
	case "month":
		return t.AddDate(0, n, 0)
	case "year":
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, 0, n)
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func formatPrecision(t time.Time, p string) string {
	switch p {
	case "month":
		return t.Format("2006-01")
	case "year":
		return t.Format("2006")
	}
	return t.Format(time.DateOnly)
}

// monthPrefixes are what a sentence must contain for a month name to be
// searched for: a cheap guard before the month regular expressions.
var monthPrefixes = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// allIf runs re over s only when the cheap guard says it can match.
func allIf(guard bool, re *lazyre.Regexp, s string) [][]int {
	if !guard {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}
