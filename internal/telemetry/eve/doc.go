// Package eve decodes Suricata EVE JSON, one JSON object per line, into
// telemetry Events. Every event type becomes an Event with the common fields
// (time, sensor, addresses, ports, protocol); alert, dns (versions 1, 2 and
// 3), http, tls, fileinfo, flow, netflow, smtp and email sub-objects add
// their observables wherever they appear, so an alert carrying an http or
// tls object yields its domain and URL too.
package eve
