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
//
// The easy and hard profiles (ProfileEasy, ProfileHard; Config.Days, Orgs,
// Start, EventsPerOrgDay) generate a world instead: K organisations in
// several countries and sectors, ten actors under their real ATT&CK ids
// (Deep Panda, APT1, menuPass, Axiom, APT3, APT28, APT29, Lazarus Group,
// OilRig, Magic Hound) with sponsors CN, RU, KP and IR, office hours in the
// sponsor's time zone and working week, victimology, techniques, malware
// families and infrastructure, campaigns before and after the agreements,
// and benign traffic with a diurnal, weekday-weekend rhythm. The hard
// profile adds the traps that make attribution hard: infrastructure shared
// by two actors (intel may name only one), actor domains on shared hosting,
// actor addresses that go stale and serve benign sites later, intel that
// covers 50-70% of each actor's infrastructure and samples, one actor
// dropping another's tool (a false flag), an actor stealing both commercial
// and state secrets, after-hours work, victims outside the known
// victimology, neutrally named loot and benign look-alikes. Each is
// recorded in truth.json (TruthIntrusion.Traps, Truth.IndicatorNotes,
// Truth.Lookalikes, Truth.Behaviour). Telemetry is written per day
// (eve/eve-YYYY-MM-DD.json, zeek/YYYY-MM-DD/*.log); days are generated from
// their own sub-seeds on parallel goroutines, and connection ids derive
// from (stream, index) bijectively, so the bytes do not depend on the
// number of workers.
package simulate
