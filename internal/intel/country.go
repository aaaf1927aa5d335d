package intel

import (
	"sort"
	"strings"
	"sync"
)

// countries maps a folded country name, short name, demonym or ISO code to
// its ISO 3166-1 alpha-2 code. It covers the states that appear as sponsors
// or victims in ATT&CK descriptions, the MISP galaxy and the CFR tracker;
// keys are folded with foldCountry.
var countries = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for code, names := range countryNames {
		m[foldCountry(code)] = code
		for _, n := range names {
			m[foldCountry(n)] = code
		}
	}
	return m
})

// countryNames lists, per ISO code, the names and demonyms that map to it.
// The first name is the short English name.
var countryNames = map[string][]string{
	"AE": {"United Arab Emirates", "UAE", "Emirati"},
	"AF": {"Afghanistan", "Afghan", "Afghani"},
	"AL": {"Albania", "Albanian"},
	"AM": {"Armenia", "Armenian"},
	"AR": {"Argentina", "Argentine", "Argentinian"},
	"AT": {"Austria", "Austrian"},
	"AU": {"Australia", "Australian"},
	"AZ": {"Azerbaijan", "Azerbaijani"},
	"BD": {"Bangladesh", "Bangladeshi"},
	"BE": {"Belgium", "Belgian"},
	"BH": {"Bahrain", "Bahraini"},
	"BN": {"Brunei", "Bruneian"},
	"BR": {"Brazil", "Brazilian"},
	"BS": {"Bahamas", "Bahamian"},
	"BY": {"Belarus", "Belarusian", "Belarussian"},
	"CA": {"Canada", "Canadian"},
	"CF": {"Central African Republic"},
	"CH": {"Switzerland", "Swiss"},
	"CI": {"Ivory Coast", "Côte d'Ivoire", "Ivorian"},
	"CL": {"Chile", "Chilean"},
	"CM": {"Cameroon", "Cameroonian"},
	"CN": {"China", "Chinese", "People's Republic of China", "PRC", "P.R.C.", "Mainland China"},
	"CO": {"Colombia", "Colombian"},
	"CR": {"Costa Rica", "Costa Rican"},
	"CU": {"Cuba", "Cuban"},
	"CZ": {"Czech Republic", "Czechia", "Czech"},
	"DE": {"Germany", "German"},
	"DJ": {"Djibouti", "Djiboutian"},
	"DK": {"Denmark", "Danish"},
	"DZ": {"Algeria", "Algerian"},
	"EC": {"Ecuador", "Ecuadorian"},
	"EE": {"Estonia", "Estonian"},
	"EG": {"Egypt", "Egyptian"},
	"ES": {"Spain", "Spanish"},
	"FI": {"Finland", "Finnish"},
	"FR": {"France", "French"},
	"GB": {"United Kingdom", "UK", "U.K.", "Great Britain", "Britain", "British", "England", "English"},
	"GE": {"Georgia", "Georgian"},
	"GR": {"Greece", "Greek"},
	"GT": {"Guatemala", "Guatemalan"},
	"HK": {"Hong Kong"},
	"HR": {"Croatia", "Croatian"},
	"HU": {"Hungary", "Hungarian"},
	"ID": {"Indonesia", "Indonesian"},
	"IE": {"Ireland", "Irish"},
	"IL": {"Israel", "Israeli"},
	"IN": {"India", "Indian"},
	"IQ": {"Iraq", "Iraqi"},
	"IR": {"Iran", "Iranian", "Iran (Islamic Republic of)", "Islamic Republic of Iran", "Persian"},
	"IT": {"Italy", "Italian"},
	"JO": {"Jordan", "Jordanian"},
	"JP": {"Japan", "Japanese"},
	"KE": {"Kenya", "Kenyan"},
	"KG": {"Kyrgyzstan", "Kyrgyz"},
	"KH": {"Cambodia", "Cambodian"},
	"KP": {"North Korea", "North Korean", "Korea (Democratic People's Republic of)", "Democratic People's Republic of Korea", "DPRK", "D.P.R.K."},
	"KR": {"South Korea", "South Korean", "Korea (Republic of)", "Republic of Korea", "ROK"},
	"KW": {"Kuwait", "Kuwaiti"},
	"KZ": {"Kazakhstan", "Kazakh", "Kazakhstani"},
	"LA": {"Laos", "Lao", "Laotian"},
	"LB": {"Lebanon", "Lebanese", "Lebonon"},
	"LK": {"Sri Lanka", "Sri Lankan"},
	"LT": {"Lithuania", "Lithuanian"},
	"LU": {"Luxembourg", "Luxembourgish"},
	"LV": {"Latvia", "Latvian"},
	"LY": {"Libya", "Libyan"},
	"MA": {"Morocco", "Moroccan"},
	"MD": {"Moldova", "Moldovan"},
	"ML": {"Mali", "Malian"},
	"MM": {"Myanmar", "Burma", "Burmese"},
	"MN": {"Mongolia", "Mongolian"},
	"MO": {"Macao", "Macau"},
	"MX": {"Mexico", "Mexican"},
	"MY": {"Malaysia", "Malaysian"},
	"NA": {"Namibia", "Namibian"},
	"NG": {"Nigeria", "Nigerian"},
	"NL": {"Netherlands", "Dutch", "The Netherlands"},
	"NO": {"Norway", "Norwegian"},
	"NP": {"Nepal", "Nepalese", "Nepali"},
	"NZ": {"New Zealand"},
	"OM": {"Oman", "Omani"},
	"PA": {"Panama", "Panamanian"},
	"PE": {"Peru", "Peruvian"},
	"PH": {"Philippines", "The Philippines", "Filipino", "Philippine"},
	"PK": {"Pakistan", "Pakistani"},
	"PL": {"Poland", "Polish"},
	"PS": {"Palestine", "Palestinian", "Gaza"},
	"PT": {"Portugal", "Portuguese"},
	"QA": {"Qatar", "Qatari"},
	"RO": {"Romania", "Romanian"},
	"RS": {"Serbia", "Serbian"},
	"RU": {"Russia", "Russian", "Russian Federation"},
	"RW": {"Rwanda", "Rwandan"},
	"SA": {"Saudi Arabia", "Saudi", "Saudi Arabian"},
	"SB": {"Solomon Islands"},
	"SD": {"Sudan", "Sudanese"},
	"SE": {"Sweden", "Swedish"},
	"SG": {"Singapore", "Singaporean"},
	"SK": {"Slovakia", "Slovak"},
	"SN": {"Senegal", "Senegalese"},
	"SO": {"Somalia", "Somali"},
	"SR": {"Suriname", "Surinamese"},
	"SS": {"South Sudan"},
	"SY": {"Syria", "Syrian"},
	"TG": {"Togo", "Togolese"},
	"TH": {"Thailand", "Thai"},
	"TJ": {"Tajikistan", "Tajik"},
	"TM": {"Turkmenistan", "Turkmen"},
	"TN": {"Tunisia", "Tunisian"},
	"TR": {"Turkey", "Türkiye", "Turkish"},
	"TW": {"Taiwan", "Taiwanese"},
	"UA": {"Ukraine", "Ukrainian"},
	"US": {"United States", "United States of America", "USA", "U.S.", "U.S.A.", "US", "America", "American"},
	"UZ": {"Uzbekistan", "Uzbek"},
	"VE": {"Venezuela", "Venezuelan"},
	"VN": {"Vietnam", "Viet Nam", "Vietnamese"},
	"YE": {"Yemen", "Yemeni"},
	"ZA": {"South Africa", "South African"},
}

var apostrophes = strings.NewReplacer("’", "'", "‘", "'")

// foldCountry lower-cases name, unifies apostrophes and collapses spaces.
func foldCountry(name string) string {
	name = apostrophes.Replace(name)
	return strings.Join(strings.Fields(strings.ToLower(name)), " ")
}

// CountryCode returns the ISO 3166-1 alpha-2 code for a country's name,
// demonym or code ("China", "Chinese", "PRC", "Iran (Islamic Republic of)",
// "cn"). ok is false for names it does not know, including regions such as
// "Middle East" and non-states.
func CountryCode(name string) (code string, ok bool) {
	k := foldCountry(strings.TrimSpace(name))
	k = strings.TrimPrefix(k, "the ")
	code, ok = countries()[k]
	if !ok {
		code, ok = countries()["the "+k]
	}
	return code, ok
}

// CountryName returns the short English name of an ISO 3166-1 alpha-2 code,
// or the code itself when it is not in the table.
func CountryName(code string) string {
	if n, ok := countryNames[strings.ToUpper(code)]; ok {
		return n[0]
	}
	return code
}

// CountryTerms lists every name and demonym CountryCode knows, longest
// first, so a scanner can try "North Korean" before "Korean".
func CountryTerms() []string {
	var out []string
	for _, names := range countryNames {
		out = append(out, names...)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}
