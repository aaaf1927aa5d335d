// Package ioclist reads plain indicator lists: one value a line (type
// detected by intel.Detect, or given as "type:value" or "value,type"),
// comments (#, //), blank lines, LOKI "value;comment" lines, defanged
// values, a lone type name as header line (menuPass "SHA256"), and CSV
// exports with a header row (MISP/Citizen Lab iocs.csv: the value column
// and, when present, the type column). Every indicator gets a
// deterministic id (intel.IndicatorID); lines that are not indicators are
// listed as intel.Unsupported with file and line, never fatal.
//
// Scan and ScanParts report the values without building Indicators, for
// callers that index millions of them: ScanParts cuts a plain list at line
// boundaries and reads the parts on their own goroutines (each part starts
// from the section its nearest preceding comment or blank line names, so
// the result is that of one pass), and bare addresses, hashes and
// lower-case names, most of a large feed, are read without allocating.
// ScanValues also tells the caller which values came that way: those are
// canonical (intel.Normalise gives them back unchanged), masked IPv4
// prefixes among them, and come with the addresses of the IPv4 ones.
package ioclist
