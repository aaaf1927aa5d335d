// Package zeek decodes Zeek logs, both the JSON streaming form (one object
// per line, "_path" naming the log) and the classic tab-separated form with
// its #separator/#fields/#types header, into telemetry Events.
//
// conn, dns, http, ssl, files, x509, smtp and notice logs are mapped field by
// field; any other log (weird, known_hosts, software, intel, ssh ...) still
// becomes an Event with ts, uid and the id.* connection tuple where present.
package zeek
