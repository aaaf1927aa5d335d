// Package intel holds threat intelligence as pactwatch understands it:
// indicators, actors (intrusion sets) with their sponsor claims, software,
// techniques and relationships, each tagged with the source that claimed it.
// Subpackages read the formats: stix (STIX 2.1 bundles and patterns),
// ioclist (plain IOC lists), attack (MITRE ATT&CK) and misp (MISP galaxy).
package intel
