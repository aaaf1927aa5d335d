// Package eve decodes Suricata EVE JSON, one JSON object per line, into
// telemetry Events. Every event type becomes an Event with the common fields
// (time, sensor, addresses, ports, protocol), stats and anomaly records
// without addresses included. alert (signature, action, ATT&CK technique
// ids from rule metadata), dns (versions 1, 2 and 3, and the query/answer
// form of Suricata 7 alerts), http, tls and quic (SNI, JA3, JA3S,
// certificate fingerprint and SANs), fileinfo and files, flow, netflow,
// smtp, email and smb sub-objects add their observables wherever they
// appear, so an alert carrying an http or tls object yields its domain and
// URL too. Records of dropped traffic (drop events, a drop verdict) get
// Action "blocked".
package eve
