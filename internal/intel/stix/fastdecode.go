package stix

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// The fields of object that decodeFast sets, by JSON name.
const (
	fType = iota
	fID
	fModified
	fCreatedByRef
	fName
	fDescription
	fPattern
	fPatternType
	fValidFrom
	fValidUntil
	fRelationshipType
	fSourceRef
	fTargetRef
	fCountry
	fNationality
	fXNationality
	fDefinitionType
	fRevoked
	fXMitreDeprecated
	fAliases
	fXMitreAliases
	fObjectMarkingRefs
	fSectors
	fConfidence
	fComplex // external_references, kill_chain_phases, definition: left to encoding/json
)

// fieldIndex returns the field of object that decodeFast sets for the
// JSON name key (a switch: several times faster than a map's hashing).
func fieldIndex(key string) (int, bool) {
	switch key {
	case "type":
		return fType, true
	case "id":
		return fID, true
	case "modified":
		return fModified, true
	case "created_by_ref":
		return fCreatedByRef, true
	case "name":
		return fName, true
	case "description":
		return fDescription, true
	case "pattern":
		return fPattern, true
	case "pattern_type":
		return fPatternType, true
	case "valid_from":
		return fValidFrom, true
	case "valid_until":
		return fValidUntil, true
	case "relationship_type":
		return fRelationshipType, true
	case "source_ref":
		return fSourceRef, true
	case "target_ref":
		return fTargetRef, true
	case "country":
		return fCountry, true
	case "nationality":
		return fNationality, true
	case "x_nationality":
		return fXNationality, true
	case "definition_type":
		return fDefinitionType, true
	case "revoked":
		return fRevoked, true
	case "x_mitre_deprecated":
		return fXMitreDeprecated, true
	case "aliases":
		return fAliases, true
	case "x_mitre_aliases":
		return fXMitreAliases, true
	case "object_marking_refs":
		return fObjectMarkingRefs, true
	case "sectors":
		return fSectors, true
	case "confidence":
		return fConfidence, true
	case "external_references":
		return fComplex, true
	case "kill_chain_phases":
		return fComplex, true
	case "definition":
		return fComplex, true
	}
	return 0, false
}

// decodeObject decodes raw, one element of a bundle's objects array, into
// o as json.Unmarshal would. Most objects (plain JSON: no escapes, each
// known property once, under its own name, of the expected kind) are read
// with fastjson, several times faster; the rest with encoding/json, which
// stays the reference (FuzzDecodeBundle compares the two paths).
func decodeObject(p *fastjson.Parser, raw []byte, o *object) error {
	*o = object{} // o may be reused, or hold what scanObject left
	if decodeFast(p, raw, o) {
		return nil
	}
	*o = object{}
	return json.Unmarshal(raw, o)
}

// decodeFast is decodeObject's fastjson path; false means it did not
// decode raw (o may then be partly set).
func decodeFast(p *fastjson.Parser, raw []byte, o *object) bool {
	if bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) || fastjson.ValidateBytes(raw) != nil {
		return false
	}
	v, err := p.ParseBytes(raw)
	if err != nil || v.Type() != fastjson.TypeObject {
		return false
	}
	obj, _ := v.Object()
	ok := true
	var seen uint64
	obj.Visit(func(k []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		f, known := fieldIndex(string(k))
		if !known {
			// encoding/json takes a key that matches a field but for
			// case (Unicode folding included) as that field: leave
			// any that may to it.
			f, ascii := objectField(string(k))
			ok = ascii && f < 0
			return
		}
		if f == fComplex || seen&(1<<f) != 0 {
			ok = false
			return
		}
		seen |= 1 << f
		ok = setField(o, f, v)
	})
	return ok
}

func setField(o *object, f int, v *fastjson.Value) bool {
	t := v.Type()
	switch {
	case f <= fDefinitionType:
		if t == fastjson.TypeNull {
			return true
		}
		if t != fastjson.TypeString {
			return false
		}
		s := string(v.GetStringBytes())
		*[...]*string{&o.Type, &o.ID, &o.Modified, &o.CreatedByRef, &o.Name, &o.Description, &o.Pattern,
			&o.PatternType, &o.ValidFrom, &o.ValidUntil, &o.RelationshipType, &o.SourceRef, &o.TargetRef,
			&o.Country, &o.Nationality, &o.XNationality, &o.DefinitionType}[f] = s
	case f == fRevoked || f == fXMitreDeprecated:
		b := &o.Revoked
		if f == fXMitreDeprecated {
			b = &o.XMitreDeprecated
		}
		switch t {
		case fastjson.TypeTrue:
			*b = true
		case fastjson.TypeFalse:
			*b = false
		case fastjson.TypeNull:
		default:
			return false
		}
	case f <= fSectors:
		dst := [...]*[]string{&o.Aliases, &o.XMitreAliases, &o.ObjectMarkingRefs, &o.Sectors}[f-fAliases]
		if t == fastjson.TypeNull {
			*dst = nil
			return true
		}
		if t != fastjson.TypeArray {
			return false
		}
		a, _ := v.Array()
		out := make([]string, len(a))
		for i, e := range a {
			switch e.Type() {
			case fastjson.TypeString:
				out[i] = string(e.GetStringBytes())
			case fastjson.TypeNull:
			default:
				return false
			}
		}
		*dst = out
	case f == fConfidence:
		if t == fastjson.TypeObject || t == fastjson.TypeArray || t == fastjson.TypeString {
			return false
		}
		o.Confidence = v.MarshalTo(nil) // a number's text as written, or a literal
	}
	return true
}
