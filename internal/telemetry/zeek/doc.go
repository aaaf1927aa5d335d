// Package zeek decodes Zeek logs, both the JSON streaming form (one object
// per line, "_path" naming the log) and the classic tab-separated form with
// its #separator/#fields/#types header, into telemetry Events.
//
// conn, dns, http, ssl, files, x509, smtp, notice, intel, dhcp and smb_files
// logs are mapped field by field; any other log (weird, known_hosts,
// software, ssh, rdp, kerberos ...) still becomes an Event with ts, uid and
// the id.* connection tuple where present. ts may be epoch seconds, an ISO
// 8601 string (JSON::TS_ISO8601) or epoch milliseconds (JSON::TS_MILLIS).
package zeek
