// Package report builds the document for a dialogue meeting under an
// agreement: for a reporting period, the summary a liaison reads first,
// the compliance statistics (pact.Rates), the intrusions held against the
// counterparty in the period, the cases opened, referred, answered and
// overdue (casework.Summarise), each case's enforcement chains with what
// is still missing (casework.Chain), and the plots (casework.WeeklyPlot,
// casework.CasesPlot).
//
// Build computes the report from data (no store, no I/O); Dialogue.HTML
// renders it as one self-contained HTML page (html/template, plots as
// inline SVG, no script and no external resources) and Dialogue.Markdown
// as Markdown (text/template) whose plots are separate SVG files. The
// templates are embedded.
package report
