// Package archtest holds tests of the code's architecture: stage packages
// stay pure (no storage, HTTP or CLI below them).
package archtest
