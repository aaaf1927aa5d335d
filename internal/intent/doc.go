// Package intent judges what an intrusion was for: economic (commercial IP,
// trade secrets, business information), national-security collection, mixed
// or undetermined, with the reasons.
package intent
