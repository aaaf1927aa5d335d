package attribution

import (
	"time"
	_ "time/tzdata" // sponsor zones must resolve on hosts without a zoneinfo database
)

// SponsorZones maps states (ISO 3166 alpha-2) to the IANA time zone of
// their capital (Toronto and Sydney for Canada and Australia, where most
// companies sit), used to test activity against office hours: the
// sponsor's for the operators, the victim's for benign use.
var SponsorZones = map[string]string{
	"AE": "Asia/Dubai",
	"AU": "Australia/Sydney",
	"CA": "America/Toronto",
	"ES": "Europe/Madrid",
	"IT": "Europe/Rome",
	"JP": "Asia/Tokyo",
	"NL": "Europe/Amsterdam",
	"BY": "Europe/Minsk",
	"CN": "Asia/Shanghai",
	"DE": "Europe/Berlin",
	"FR": "Europe/Paris",
	"GB": "Europe/London",
	"IL": "Asia/Jerusalem",
	"IN": "Asia/Kolkata",
	"IR": "Asia/Tehran",
	"KP": "Asia/Pyongyang",
	"KR": "Asia/Seoul",
	"KZ": "Asia/Almaty",
	"LB": "Asia/Beirut",
	"PK": "Asia/Karachi",
	"RU": "Europe/Moscow",
	"SA": "Asia/Riyadh",
	"SY": "Asia/Damascus",
	"TR": "Europe/Istanbul",
	"UA": "Europe/Kyiv",
	"US": "America/New_York",
	"VN": "Asia/Ho_Chi_Minh",
}

// capitals names the office for detail sentences.
var capitals = map[string]string{
	"AE": "Abu Dhabi", "AU": "Sydney", "CA": "Toronto", "ES": "Madrid", "IT": "Rome", "JP": "Tokyo", "NL": "Amsterdam", "BY": "Minsk", "CN": "Beijing", "DE": "Berlin", "FR": "Paris",
	"GB": "London", "IL": "Tel Aviv", "IN": "New Delhi", "IR": "Tehran", "KP": "Pyongyang",
	"KR": "Seoul", "KZ": "Astana", "LB": "Beirut", "PK": "Islamabad", "RU": "Moscow",
	"SA": "Riyadh", "SY": "Damascus", "TR": "Ankara", "UA": "Kyiv", "US": "Washington",
	"VN": "Hanoi",
}

// Zone returns the time zone of a sponsor state.
func Zone(country string) (*time.Location, bool) {
	name, ok := SponsorZones[country]
	if !ok {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	return loc, true
}
