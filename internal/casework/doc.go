// Package casework turns findings into cases referred to the counterparty
// and follows them: the case workflow and its log, deadlines from the
// agreement's obligations, evidence attached to each link of a finding's
// enforcement chain, the counterparty's answer as a STIX 2.1 object, and
// the plots of the dialogue report. It is pure: data in, data out; the
// store and the CLI keep and show what it returns.
//
// # Cases
//
// A Case bundles findings against one counterparty under one agreement
// (New refuses findings of another agreement or counterparty). Its states
// and the legal moves between them:
//
//	draft        -> referred, closed
//	referred     -> acknowledged, answered, overdue, closed
//	acknowledged -> answered, overdue, closed
//	answered     -> answered (a further answer), referred (a follow-up request), closed
//	overdue      -> answered, closed
//	closed       -> (terminal)
//
// Advance makes a move and logs who, when and why as a Transition; an
// illegal move returns a *TransitionError naming both states and the moves
// allowed (errors.Is(err, ErrIllegalTransition)). Closing needs a reason.
// Referring starts the deadline: the referral time plus the policy's
// ResponseDays (PolicyFor takes it from the agreement's
// obligations.response_days; 0 means none). CheckOverdue moves a referred
// or acknowledged case past its deadline to overdue, logged as SystemActor
// at the deadline; Advance, Respond and Note call it first, so a case is
// always judged at the time of the action. Respond records the
// counterparty's Answer (disputed, investigating, action-taken, rejected)
// and moves the case to answered; AnswerObject renders an answer as a STIX
// 2.1 opinion or note. Note logs an exchange that changes no state, such
// as a late acknowledgement. Every function returns a new Case and leaves
// its argument unchanged.
//
// # Evidence
//
// Analysts attach Evidence (a note, a file by the SHA-256 of its content,
// a reference to events or sightings, an outside document) to any of the
// five links of a finding. Chain derives each link's status from the
// evaluation's own status and the evidence: events or a file establish an
// incursion or an exfiltration; other relevant items support a link;
// items of two different kinds other than notes establish it together;
// notes never establish. An Override sets a status by decision and must
// record a reason.
//
// # Plots
//
// WeeklyPlot (intrusions per week per actor, agreement dates marked) and
// CasesPlot (cases by state over time) return SVG made with gonum/plot.
package casework
