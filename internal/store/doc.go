// Package store defines the Store interface every backend implements
// (sqlite now, postgres next) and the errors callers branch on. The
// conformance suite in storetest runs against every backend.
package store
