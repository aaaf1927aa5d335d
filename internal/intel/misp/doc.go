// Package misp reads MISP galaxy cluster files (threat-actor.json) into
// actors with Source "misp-galaxy": names and synonyms, sponsor claims from
// meta.country and the CFR fields, target sectors and countries, and the
// ATT&CK groups a cluster folds together (Merges).
package misp
