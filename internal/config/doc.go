// Package config holds pactwatch's one Config: defaults, then a config
// file, then PACTWATCH_* environment variables, then flags. It is loaded
// once, validated, and passed explicitly.
package config
