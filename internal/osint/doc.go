// Package osint turns open-source reporting into sourced, graded claims.
//
// Articles are read from plain text, HTML or NDJSON (Read, ReadText,
// ReadHTML, ReadNDJSON) with boilerplate (advertisements, share and
// donation lines, photo credits) stripped and kept aside. Group collapses
// near-duplicates (syndicated copies, copies with an added title, inserted
// advertisements or a cut ending; see package dedup) into Sources and
// groups related sources into Stories. An Extractor finds explainable
// claims, each pointing to its sentence: agreements (resolved to the
// agreements pactwatch knows), actors (through ATT&CK names and aliases),
// states, organisations, dates resolved against the publication date,
// counts, sectors, quotes with their speaker, and intrusion claims that
// tie these together. Corroborate counts the independent sources behind
// each claim (syndicated copies count once) and grades it on the
// Admiralty scale. Analyse runs all of it.
//
// The package is a pure stage: data in, data out, no storage or network.
package osint
