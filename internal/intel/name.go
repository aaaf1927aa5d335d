package intel

import (
	"strings"
	"unicode"
)

// NameKey folds an actor or software name for alias lookup: lower case,
// with spaces, hyphens, underscores and dots removed, so "Shell Crew",
// "shell-crew" and "SHELLCREW" share one key.
func NameKey(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case r == ' ' || r == '-' || r == '_' || r == '.' || unicode.IsSpace(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
