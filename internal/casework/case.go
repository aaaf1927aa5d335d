package casework

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// State is where a case stands.
type State string

// Case states.
const (
	Draft        State = "draft"        // being assembled; nothing sent
	Referred     State = "referred"     // sent to the counterparty as a request; the deadline runs
	Acknowledged State = "acknowledged" // the counterparty confirmed receipt; the deadline still runs
	Answered     State = "answered"     // the counterparty answered (see Response)
	Overdue      State = "overdue"      // the deadline passed with no answer
	Closed       State = "closed"       // decided; terminal
)

// States lists every state in workflow order.
var States = []State{Draft, Referred, Acknowledged, Answered, Overdue, Closed}

// Response is what the counterparty's answer says.
type Response string

// Responses.
const (
	Disputed      Response = "disputed"      // disputes the findings
	Investigating Response = "investigating" // says it is looking into them
	ActionTaken   Response = "action-taken"  // says it acted on them
	Rejected      Response = "rejected"      // refuses the request
)

// Responses lists every response.
var Responses = []Response{Disputed, Investigating, ActionTaken, Rejected}

// SystemActor is the Who of transitions pactwatch makes itself (a case
// falling overdue).
const SystemActor = "pactwatch"

// transitions is the table of legal moves: from each state, the states it
// may go to. Beyond the table:
//   - every transition needs a Who; going to closed needs a Why;
//   - draft to referred needs at least one finding and starts the deadline;
//   - answered is entered only through Respond, which records the answer;
//     answered to answered records a further answer (investigating, then
//     action taken), and answered to referred is a follow-up request with a
//     new deadline;
//   - overdue is entered when the deadline has passed, by CheckOverdue (which
//     Advance, Respond and Note call first) or by Advance after the deadline;
//     a late acknowledgement is recorded with Note, not as a state, so that
//     an overdue case stays overdue until it is answered or closed;
//   - closed is terminal: a reopened matter is a new case.
var transitions = map[State][]State{
	Draft:        {Referred, Closed},
	Referred:     {Acknowledged, Answered, Overdue, Closed},
	Acknowledged: {Answered, Overdue, Closed},
	Answered:     {Answered, Referred, Closed},
	Overdue:      {Answered, Closed},
	Closed:       {},
}

// Allowed returns the states a case in state from may go to.
func Allowed(from State) []State { return slices.Clone(transitions[from]) }

// Errors callers branch on, checked with errors.Is.
var (
	ErrIllegalTransition = errors.New("illegal transition")
	ErrNoActor           = errors.New("who is required")
	ErrReasonRequired    = errors.New("a reason is required")
	ErrNotDue            = errors.New("the deadline has not passed")
	ErrAnswerRequired    = errors.New("an answer is required: record it with Respond")
	ErrNoFindings        = errors.New("a case needs at least one finding")
	ErrMismatch          = errors.New("finding does not belong in the case")
	ErrTimeOrder         = errors.New("time before the case's last entry")
	ErrInvalid           = errors.New("invalid value")
)

// TransitionError is an illegal transition: it names the states and the
// ones allowed from From. errors.Is(err, ErrIllegalTransition) holds.
type TransitionError struct {
	CaseID   string
	From, To State
	Allowed  []State
	Hint     string // what to do instead, when there is something
}

func (e *TransitionError) Error() string {
	allowed := "none: the case is closed"
	if len(e.Allowed) > 0 {
		s := make([]string, len(e.Allowed))
		for i, a := range e.Allowed {
			s[i] = string(a)
		}
		allowed = strings.Join(s, ", ")
	}
	msg := fmt.Sprintf("case %s: illegal transition from %s to %s (allowed from %s: %s)", e.CaseID, e.From, e.To, e.From, allowed)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// Transition is one entry of a case's log: a change of state, or with From
// equal to To an exchange that changes none (a note, a late
// acknowledgement, findings added to a draft).
type Transition struct {
	From     State     `json:"from"`
	To       State     `json:"to"`
	Who      string    `json:"who"`
	When     time.Time `json:"when"`
	Why      string    `json:"why,omitempty"`
	Response Response  `json:"response,omitempty"` // set on entries into answered
}

// Policy holds the deadlines of a case.
type Policy struct {
	// ResponseDays is the time the counterparty has to answer a request, in
	// days from the referral; 0 means no deadline (never overdue).
	ResponseDays int `json:"response_days"`
}

// PolicyFor returns the policy the agreement's obligations set. Users
// configure another per agreement by changing the agreement file's
// obligations.response_days or by passing their own Policy to New.
func PolicyFor(a pact.Agreement) Policy { return Policy{ResponseDays: a.Obligations.ResponseDays} }

// Case bundles findings against one counterparty under one agreement and
// follows their referral to the counterparty.
type Case struct {
	ID           string   `json:"id"`
	AgreementID  string   `json:"agreement_id"`
	Counterparty string   `json:"counterparty"`
	FindingIDs   []string `json:"finding_ids"`
	State        State    `json:"state"`
	// ResponseDays is the policy's answer time, fixed when the case opens.
	ResponseDays int `json:"response_days"`
	// Referred is when the last request was sent; Deadline when its answer
	// is due (zero: no deadline).
	Referred time.Time `json:"referred,omitzero"`
	Deadline time.Time `json:"deadline,omitzero"`
	// Answers are the counterparty's answers, in order received.
	Answers []Answer     `json:"answers,omitempty"`
	Log     []Transition `json:"log"`
}

// New opens a draft case on findings, which must all be under agreement a
// and held against the same counterparty. who opens it at now.
func New(id string, a pact.Agreement, findings []pact.Finding, p Policy, who string, now time.Time) (Case, error) {
	if id == "" {
		return Case{}, fmt.Errorf("new case: id: %w", ErrInvalid)
	}
	if who == "" {
		return Case{}, fmt.Errorf("new case %s: %w", id, ErrNoActor)
	}
	if len(findings) == 0 {
		return Case{}, fmt.Errorf("new case %s: %w", id, ErrNoFindings)
	}
	if p.ResponseDays < 0 {
		return Case{}, fmt.Errorf("new case %s: response days %d: %w", id, p.ResponseDays, ErrInvalid)
	}
	c := Case{ID: id, AgreementID: a.ID, Counterparty: findings[0].Counterparty, State: Draft, ResponseDays: p.ResponseDays}
	if c.Counterparty == "" {
		return Case{}, fmt.Errorf("new case %s: finding %s: no counterparty: %w", id, findings[0].ID, ErrMismatch)
	}
	if err := c.addFindings(findings); err != nil {
		return Case{}, err
	}
	c.Log = append(c.Log, Transition{From: Draft, To: Draft, Who: who, When: now,
		Why: fmt.Sprintf("opened on %d findings against %s under %s", len(c.FindingIDs), c.Counterparty, a.ID)})
	return c, nil
}

func (c *Case) addFindings(findings []pact.Finding) error {
	for _, f := range findings {
		switch {
		case f.AgreementID != c.AgreementID:
			return fmt.Errorf("case %s: finding %s is under %s, not %s: %w", c.ID, f.ID, f.AgreementID, c.AgreementID, ErrMismatch)
		case f.Counterparty != c.Counterparty:
			return fmt.Errorf("case %s: finding %s is held against %q, not %s: %w", c.ID, f.ID, f.Counterparty, c.Counterparty, ErrMismatch)
		}
		if !slices.Contains(c.FindingIDs, f.ID) {
			c.FindingIDs = append(c.FindingIDs, f.ID)
		}
	}
	return nil
}

// AddFindings adds findings to a draft case, logging who added them.
func AddFindings(c Case, findings []pact.Finding, who string, now time.Time) (Case, error) {
	c = c.clone()
	if err := c.check(who, now); err != nil {
		return Case{}, err
	}
	if c.State != Draft {
		return Case{}, fmt.Errorf("case %s: findings are added only to a draft, not a %s case: %w", c.ID, c.State, ErrIllegalTransition)
	}
	n := len(c.FindingIDs)
	if err := c.addFindings(findings); err != nil {
		return Case{}, err
	}
	c.Log = append(c.Log, Transition{From: Draft, To: Draft, Who: who, When: now, Why: fmt.Sprintf("added %d findings", len(c.FindingIDs)-n)})
	return c, nil
}

// Advance moves c to state to, logging who, why and now, and returns the
// new case; c itself is not changed. The case is first brought up to date
// with CheckOverdue(now). Illegal moves return a *TransitionError; see the
// transition table's rules for the other errors.
func Advance(c Case, to State, who, why string, now time.Time) (Case, error) {
	return advance(c, to, who, why, now, nil)
}

// Respond records the counterparty's answer, received at now and entered by
// who, and moves the case to answered.
func Respond(c Case, ans Answer, who string, now time.Time) (Case, error) {
	if !slices.Contains(Responses, ans.Response) {
		return Case{}, fmt.Errorf("case %s: response %q: %w (want one of %v)", c.ID, ans.Response, ErrInvalid, Responses)
	}
	if ans.Received.IsZero() {
		ans.Received = now
	}
	return advance(c, Answered, who, ans.Summary(), now, &ans)
}

// Note logs an exchange that changes no state (a late acknowledgement, a
// reminder sent, a call held).
func Note(c Case, who, why string, now time.Time) (Case, error) {
	if why == "" {
		return Case{}, fmt.Errorf("case %s: note: %w", c.ID, ErrReasonRequired)
	}
	c, _ = CheckOverdue(c, now)
	c = c.clone()
	if err := c.check(who, now); err != nil {
		return Case{}, err
	}
	c.Log = append(c.Log, Transition{From: c.State, To: c.State, Who: who, When: now, Why: why})
	return c, nil
}

func advance(c Case, to State, who, why string, now time.Time, ans *Answer) (Case, error) {
	c, changed := CheckOverdue(c, now)
	if to == Overdue && changed {
		return c, nil // CheckOverdue made the move, logged at the deadline
	}
	c = c.clone()
	if err := c.check(who, now); err != nil {
		return Case{}, err
	}
	if !slices.Contains(States, to) {
		return Case{}, fmt.Errorf("case %s: state %q: %w (want one of %v)", c.ID, to, ErrInvalid, States)
	}
	allowed := transitions[c.State]
	if !slices.Contains(allowed, to) {
		e := &TransitionError{CaseID: c.ID, From: c.State, To: to, Allowed: slices.Clone(allowed)}
		if c.State == Overdue && to == Acknowledged {
			e.Hint = "record a late acknowledgement with Note"
		}
		return Case{}, e
	}
	switch to {
	case Closed:
		if strings.TrimSpace(why) == "" {
			return Case{}, fmt.Errorf("case %s: closing: %w", c.ID, ErrReasonRequired)
		}
	case Answered:
		if ans == nil {
			return Case{}, fmt.Errorf("case %s: %w", c.ID, ErrAnswerRequired)
		}
	case Overdue:
		if c.Deadline.IsZero() || !now.After(c.Deadline) {
			return Case{}, fmt.Errorf("case %s: deadline %s: %w", c.ID, stamp(c.Deadline), ErrNotDue)
		}
	case Referred:
		if len(c.FindingIDs) == 0 {
			return Case{}, fmt.Errorf("case %s: %w", c.ID, ErrNoFindings)
		}
		c.Referred = now
		c.Deadline = time.Time{}
		if c.ResponseDays > 0 {
			c.Deadline = now.AddDate(0, 0, c.ResponseDays)
		}
	}
	t := Transition{From: c.State, To: to, Who: who, When: now, Why: why}
	if ans != nil {
		t.Response = ans.Response
		c.Answers = append(c.Answers, *ans)
	}
	c.State = to
	c.Log = append(c.Log, t)
	return c, nil
}

// CheckOverdue moves a referred or acknowledged case whose deadline passed
// before now to overdue, logged as SystemActor at the deadline, and says
// whether it did.
func CheckOverdue(c Case, now time.Time) (Case, bool) {
	if (c.State != Referred && c.State != Acknowledged) || c.Deadline.IsZero() || !now.After(c.Deadline) {
		return c, false
	}
	c = c.clone()
	c.Log = append(c.Log, Transition{From: c.State, To: Overdue, Who: SystemActor, When: c.Deadline,
		Why: fmt.Sprintf("no answer by the deadline %s, %d days after the referral of %s", stamp(c.Deadline), c.ResponseDays, stamp(c.Referred))})
	c.State = Overdue
	return c, true
}

// StateAt returns the state c was in at t, replayed from its log: "" before
// it was opened.
func (c Case) StateAt(t time.Time) State {
	var s State
	for _, e := range c.Log {
		if e.When.After(t) {
			break
		}
		s = e.To
	}
	return s
}

// Opened returns when the case was opened (its first log entry).
func (c Case) Opened() time.Time {
	if len(c.Log) == 0 {
		return time.Time{}
	}
	return c.Log[0].When
}

// LastAnswer returns the latest answer, if any.
func (c Case) LastAnswer() (Answer, bool) {
	if len(c.Answers) == 0 {
		return Answer{}, false
	}
	return c.Answers[len(c.Answers)-1], true
}

func (c *Case) check(who string, now time.Time) error {
	if strings.TrimSpace(who) == "" {
		return fmt.Errorf("case %s: %w", c.ID, ErrNoActor)
	}
	if n := len(c.Log); n > 0 && now.Before(c.Log[n-1].When) {
		return fmt.Errorf("case %s: %s is before %s: %w", c.ID, stamp(now), stamp(c.Log[n-1].When), ErrTimeOrder)
	}
	return nil
}

// clone copies the slices so that the caller's case is never changed.
func (c Case) clone() Case {
	c.FindingIDs = slices.Clone(c.FindingIDs)
	c.Answers = slices.Clone(c.Answers)
	c.Log = slices.Clone(c.Log)
	return c
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.UTC().Format(time.RFC3339)
}
