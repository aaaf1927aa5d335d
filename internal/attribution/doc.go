// Package attribution ranks candidate actors for an intrusion, with the
// factors behind each score and a confidence in numbers and words.
package attribution
