// Package pipeline wires the pure stages to a store: ingest (read, sweep,
// assign to organisations, commit with checkpoints) and analyse (group,
// attribute, judge intent, evaluate against agreements). The CLI, the
// server and stream workers share it.
package pipeline
