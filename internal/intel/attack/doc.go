// Package attack reads MITRE ATT&CK STIX bundles. On top of the generic
// stix reader it marks ATT&CK records with Source "mitre-attack", keeps the
// group id (G0009) as ExternalID and derives sponsor claims from the words
// of each group's own description ("a suspected Chinese threat group",
// "attributed to China's Ministry of State Security").
package attack
