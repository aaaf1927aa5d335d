// Package score compares what a pactwatch run concluded about a simulated
// scenario with the scenario's ground truth: intrusion recall and
// precision, top-1 attribution precision, recall and F1, the rates of
// wrong and missing attributions, intent and verdict accuracy, and the
// calibration of the attribution confidence (a reliability table and the
// expected calibration error).
//
// Matched events are tied to planted activity by connection id (Suricata
// flow_id, Zeek uid), which the truth lists for every planted intrusion
// and look-alike; nothing else of the truth reaches the run.
package score
