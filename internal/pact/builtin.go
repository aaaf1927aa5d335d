package pact

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"sort"
	"sync"
)

// builtinFiles are the agreements shipped with pactwatch, one file each.
//
//go:embed agreements/*.json
var builtinFiles embed.FS

// builtin parses the embedded files once. A bad embedded file is a bug in
// the build (the package's tests load every one), so it panics.
var builtin = sync.OnceValue(func() []Agreement {
	entries, err := builtinFiles.ReadDir("agreements")
	if err != nil {
		panic(fmt.Sprintf("pact: read embedded agreements: %v", err))
	}
	var all []Agreement
	for _, e := range entries {
		name := path.Join("agreements", e.Name())
		b, err := builtinFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("pact: read embedded %s: %v", name, err))
		}
		a, err := Load(bytes.NewReader(b), name)
		if err != nil {
			panic(fmt.Sprintf("pact: embedded agreement: %v", err))
		}
		all = append(all, a)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].Signed.Equal(all[j].Signed) {
			return all[i].Signed.Before(all[j].Signed)
		}
		return all[i].ID < all[j].ID
	})
	return all
})

// Builtin returns the agreements shipped with pactwatch, oldest first:
// us-cn-2015, gb-cn-2015 and g20-2015. Each call returns fresh copies that
// the caller may modify.
func Builtin() []Agreement {
	src := builtin()
	out := make([]Agreement, len(src))
	for i, a := range src {
		out[i] = a.Clone()
	}
	return out
}

// Clone returns a deep copy of a.
func (a Agreement) Clone() Agreement {
	a.Parties = slices.Clone(a.Parties)
	a.Exclusions = slices.Clone(a.Exclusions)
	a.Notes = slices.Clone(a.Notes)
	a.Obligations.Text = slices.Clone(a.Obligations.Text)
	return a
}

// Lookup returns the agreement with the given id.
func Lookup(all []Agreement, id string) (Agreement, bool) {
	for _, a := range all {
		if a.ID == id {
			return a, true
		}
	}
	return Agreement{}, false
}

// IsParty reports whether code is one of the agreement's parties.
func (a Agreement) IsParty(code string) bool {
	return code != "" && slices.Contains(a.Parties, code)
}
