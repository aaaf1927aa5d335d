// Package simulate writes deterministic telemetry, intel and organisation
// files together with the ground truth behind them, so the whole pactwatch
// flow can be run and scored without real sensor data.
//
// Demo writes the bundled autumn-2015 scenario: Deep Panda intrusions into US
// technology and pharmaceutical companies before the US–China agreement of
// 2015-09-25 and blocked attempts from the very next day on, menuPass against
// UK companies after the UK–China statement of 2015-10-22, APT3 against a US
// government agency, APT28 against a US defence contractor, and tens of
// thousands of benign events around them (including look-alikes that touch a
// shared-hosting indicator or trip IDS rules without any indicator).
//
// Every random choice comes from one math/rand/v2 PCG source seeded from
// Config.Seed and every output is rendered in a fixed order, so the same seed
// yields the same bytes. The telemetry mimics what real sensors write:
// Suricata EVE JSON (one file, the "host" field naming the sensor) and Zeek
// logs from one UK sensor (conn and dns as TSV with the #fields/#types
// header, http, files and ssl as Zeek JSON). IDS signatures use invented
// signature ids (9000000 and up) with ET-style names; all addresses come from
// documentation and benchmarking ranges (RFC 5737, 198.18.0.0/15, RFC 1918).
package simulate
