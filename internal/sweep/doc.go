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
// MayMatch goes further for bulk sweeps: it looks at a raw log line's bytes
// and rules out, exactly, lines in which no indicator's value appears, so
// they need not be decoded at all; a LineFilter does the same for batches
// of lines, its filter probes prefetched and looked at together.
//
// A Builder compiles a Set from indicators added one at a time; with
// AddDerived an IOC list streams into the index (via ioclist.Scan) without
// a slice of intel.Indicator or stored IDs, which are derived from type and
// value when asked for. Shards let several goroutines add parts of a list
// at once (ioclist.ScanParts); joined in order they give the same Set.
// Shard.AddCanonical takes values known to be canonical (what
// ioclist.ScanValues reports) without checking them again, and
// AddRun the runs of values it reads, addresses parsed, in place.
// A Holder lets a long-running process swap in a newly compiled Set while
// workers keep matching.
//
// Invalid indicators do not stop a compile: Compile skips each one and
// records it as a *RejectError (Set.Rejected, Stats.Rejected), so a feed
// with one bad line still sweeps and the bad line is still reported.
//
// Layout, for a million indicators: one 8-byte record per indicator (its
// type and value: an IPv4 address as a number, any other value as its
// place in the list's text or in a byte array of normalised values),
// without pointers, so the garbage collector never scans the records;
// feed-level fields (source, TLP, confidence, indicates) deduplicated and
// kept per segment of records, per record only where they differ; stored
// IDs only for indicators whose ID is not derived from type and value.
// IPv4 addresses, domains, URLs, e-mail and hashes live in sorted arrays
// of 32-bit keys (the address, or the top bits of the value's hash, with
// the value compared on lookup), each packed with its ref in one word and
// bucketed by an offsets table, built with a radix sort straight from the
// shards (joinSorted): no map of millions of entries to fill. IPv6
// addresses are in a map; IPv4 CIDRs in a flat range index, IPv6 ones in a
// bart table, whose entries carry the indicators of every enclosing
// prefix; bit filters sit in front of the IPv4 and domain indexes so
// misses rarely leave the CPU cache. Values shared by several indicators
// map to posting lists. Duplicates of derived-ID indicators are found
// while sorting, not with a map of every value seen. The memory is
// prefaulted as it is filled (package prefault): on the virtual machines
// this runs on, a page fault costs more than parsing the line that touched
// the page, and every array written is time.
package sweep
