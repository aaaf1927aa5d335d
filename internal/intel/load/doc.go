// Package load imports one threat-intel file of any format pactwatch
// reads, deciding the format by content: a STIX bundle (ATT&CK bundles get
// the attack package's enrichment), a MISP galaxy cluster file, or an IOC
// list.
package load
