// Package intrusion groups indicator matches into sightings (one indicator
// in one organisation) and sightings into intrusions (one organisation, a
// run of activity with no gap longer than a window).
package intrusion
