// Package storetest is the conformance suite every store.Store backend
// runs: Run(t, open) checks each method's contract (natural keys,
// idempotent re-import and re-commit, alias folding, ErrNotFound, ordering,
// atomic batches and analysis replacement, concurrency and persistence).
package storetest
