// Package stix reads STIX 2.1 (and tolerated 2.0) bundles into an
// intel.Collection and parses STIX patterns.
//
// Objects are decoded with lean encoding/json structs, one object at a time,
// so an object of an unexpected shape is reported as intel.Unsupported
// instead of failing the bundle. Known object types are intrusion-set,
// threat-actor, malware, tool, attack-pattern, indicator, relationship,
// identity, marking-definition and location; others are counted and
// otherwise ignored.
//
// StreamIndicators reads a bundle's indicators without a Collection, for
// the sweep: elements delimited in parts on several goroutines, objects
// read in one pass without allocating (scanObject, checked against
// encoding/json by a fuzz test), indicator terms passed on one at a time;
// what it cannot read exactly as Decode would, it declines.
//
// ParsePattern is a recursive-descent parser for the full STIX 2.1
// patterning grammar (observation expressions, AND/OR/FOLLOWEDBY,
// qualifiers, every comparison operator and literal kind). Compile turns the
// evaluable forms (equality and IN on addresses, domains, URLs, hashes,
// e-mail addresses and JA3, OR-ed within or across observations) into
// indicator terms; anything else is an *UnsupportedError.
package stix
