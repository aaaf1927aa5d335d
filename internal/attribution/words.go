package attribution

import "math"

// Words maps a STIX 2.1 confidence (0..100) to the spec's appendix scale:
// "none" (0), "low" (1–29), "moderate" (30–69), "high" (70–100).
func Words(confidence int) string {
	switch {
	case confidence <= 0:
		return "none"
	case confidence < 30:
		return "low"
	case confidence < 70:
		return "moderate"
	}
	return "high"
}

// Likelihood maps a probability (0..1) to the ICD 203 estimative words:
// almost no chance (<5%), very unlikely (5–20%), unlikely (20–45%),
// roughly even chance (45–55%), likely (55–80%), very likely (80–95%),
// almost certain (95% and above).
func Likelihood(p float64) string {
	pct := math.Round(p * 100)
	switch {
	case pct < 5:
		return "almost no chance"
	case pct < 20:
		return "very unlikely"
	case pct < 45:
		return "unlikely"
	case pct <= 55:
		return "roughly even chance"
	case pct < 80:
		return "likely"
	case pct < 95:
		return "very likely"
	}
	return "almost certain"
}
