// Package catalog reads public catalogues of state cyber operations into
// sourced attribution claims: the Council on Foreign Relations' Cyber
// Operations Tracker (CSV with columns Title, Date, Affiliations,
// Description, Response, Victims, Sponsor, Type, Category, Sources_1..3)
// and the European Repository of Cyber Incidents' global database
// (EuRepoC, CSV with name, start_date, receiver_country,
// initiator_country, attributed_initiator, attribution_basis,
// sources_url ...). The catalogue is detected from the header.
//
// Each row becomes an Entry (who, sponsored by which state, against whom,
// when, on what basis, citing which sources) and, with Entry.Report, an
// osint.Report of kind "attribution" that pactwatch lists next to the
// claims it extracts from articles. Rows that cannot be read are returned
// as *ParseError values naming the file, line and field.
//
// The package is pure: data in, data out.
package catalog
