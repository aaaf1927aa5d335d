// Package sweep matches telemetry events against threat-intel indicators.
//
// Compile turns a slice of intel.Indicator into a *Set: an immutable,
// compact index that any number of goroutines may use at once. Set.Match
// looks one telemetry.Event up in it and appends a Match for every indicator
// found, field-exactly: an indicator never matches a substring of another
// value, only a whole field value (or, for domains, a whole run of labels
// at the end of a name: evil.com matches evil.com and a.evil.com, never
// notevil.com or evil.com.au).
//
// Which event fields each indicator type is compared with:
//
//	ipv4, ipv6, cidr  src_ip, dst_ip, IP-typed Extra observables (IPv4-mapped IPv6 unmapped)
//	domain            domain, the host of url when it is a name, Domain-typed Extra
//	url               url and URL-typed Extra, after intel.Normalise(intel.URL, ...)
//	md5, sha1, sha256 md5, sha1, sha256 and Hash-typed Extra, by length, any case
//	ja3               ja3 and JA3-typed Extra
//	email             Email-typed Extra
//
// Matching allocates nothing when nothing matches, which is the common case.
// A Holder lets a long-running process swap in a newly compiled Set while
// workers keep matching.
package sweep
