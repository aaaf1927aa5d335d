package telemetry_test

import (
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2018-07-05T15:01:09.820360-0400", time.Date(2018, 7, 5, 19, 1, 9, 820360000, time.UTC), true},
		{"2018-07-05T15:01:09.820360-04:00", time.Date(2018, 7, 5, 19, 1, 9, 820360000, time.UTC), true},
		{"2018-03-24T17:15:20.865716Z", time.Date(2018, 3, 24, 17, 15, 20, 865716000, time.UTC), true},
		{"2018-03-24 17:15:20", time.Date(2018, 3, 24, 17, 15, 20, 0, time.UTC), true},
		{"2018-03-24", time.Date(2018, 3, 24, 0, 0, 0, 0, time.UTC), true},
		{"1521911720.865716", time.Date(2018, 3, 24, 17, 15, 20, 865716000, time.UTC), true},
		{"0.000000", time.Unix(0, 0).UTC(), true},
		{"-1.5", time.Unix(-1, -5e8).UTC(), true},
		{"XXXXXXXXXX.XXXXXX", time.Time{}, false},
		{"2018-02-30T00:00:00Z", time.Time{}, false},
		{"2018-07-05T15:01:09+0400x", time.Time{}, false},
		{"", time.Time{}, false},
		{".", time.Time{}, false},
		{"99999999999999999999", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := telemetry.ParseTime(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v, want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestHTTPURL(t *testing.T) {
	tests := []struct {
		host string
		port uint16
		uri  string
		want string
	}{
		{"example.com", 80, "/a", "http://example.com/a"},
		{"example.com", 8080, "/a", "http://example.com:8080/a"},
		{"example.com:81", 8080, "/a", "http://example.com:81/a"},
		{"2001:db8::1", 8080, "a", "http://[2001:db8::1]:8080/a"},
		{"[2001:db8::1]:81", 0, "/", "http://[2001:db8::1]:81/"},
		{"proxy", 3128, "http://other.example/x", "http://other.example/x"},
		{"", 80, "/a", ""},
	}
	for _, tt := range tests {
		if got := telemetry.HTTPURL(tt.host, tt.port, tt.uri); got != tt.want {
			t.Errorf("HTTPURL(%q, %d, %q) = %q, want %q", tt.host, tt.port, tt.uri, got, tt.want)
		}
	}
}

func TestHTTPDomain(t *testing.T) {
	for in, want := range map[string]string{
		"WWW.Example.COM.": "www.example.com", "example.com:8080": "example.com", "192.0.2.1": "", "192.0.2.1:80": "",
		"[::1]:80": "", "bad host": "", "": "",
	} {
		if got := telemetry.HTTPDomain(in); got != want {
			t.Errorf("HTTPDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalisers(t *testing.T) {
	if got := telemetry.NormEmail(" <Bob@Example.COM> "); got != "bob@example.com" {
		t.Errorf("NormEmail = %q", got)
	}
	if got := telemetry.NormEmail("<>"); got != "" {
		t.Errorf("NormEmail(<>) = %q, want empty", got)
	}
	if got := telemetry.NormHash("ABCDEF0123456789ABCDEF0123456789"); got != "abcdef0123456789abcdef0123456789" {
		t.Errorf("NormHash = %q", got)
	}
	if got := telemetry.NormHash("xyz"); got != "" {
		t.Errorf("NormHash(xyz) = %q, want empty", got)
	}
	var ev telemetry.Event
	ev.AddName("f", "::ffff:192.0.2.1")
	ev.AddName("f", "Mail.Example.")
	ev.AddName("f", "TXT 5 hello")
	ev.AddName("f", "mail.example")
	if len(ev.Extra) != 2 || ev.Extra[0].Value != "192.0.2.1" || ev.Extra[1].Value != "mail.example" {
		t.Errorf("AddName results %+v", ev.Extra)
	}
}
