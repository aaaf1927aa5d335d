package org

import (
	"slices"
	"strings"
)

// Sectors is the STIX 2.1 industry-sector open vocabulary, sorted.
var Sectors = []string{
	"aerospace", "agriculture", "automotive", "chemical", "commercial",
	"communications", "construction", "defense", "education", "energy",
	"entertainment", "financial-services", "government",
	"government-emergency-services", "government-local",
	"government-national", "government-public-services",
	"government-regional", "healthcare", "hospitality-leisure",
	"infrastructure", "infrastructure-dams", "infrastructure-nuclear",
	"infrastructure-water", "insurance", "manufacturing", "mining",
	"non-profit", "pharmaceuticals", "retail", "technology",
	"telecommunications", "transportation", "utilities",
}

// ValidSector reports whether s is in the STIX industry-sector vocabulary.
func ValidSector(s string) bool {
	_, ok := slices.BinarySearch(Sectors, s)
	return ok
}

// IsGovernment reports whether the sector is government or one of its
// subdivisions (government-national, government-local ...).
func IsGovernment(sector string) bool {
	return sector == "government" || strings.HasPrefix(sector, "government-")
}
