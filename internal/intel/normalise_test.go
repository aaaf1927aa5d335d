package intel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
)

func TestNormalise(t *testing.T) {
	tests := []struct {
		typ   intel.Type
		in    string
		want  string
		isErr bool
	}{
		{typ: intel.IPv4, in: "198.51.100.7", want: "198.51.100.7"},
		{typ: intel.IPv4, in: " 198.51.100.7\n", want: "198.51.100.7"},
		{typ: intel.IPv4, in: "198[.]51[.]100[.]7", want: "198.51.100.7"},
		{typ: intel.IPv4, in: "198(.)51(.)100(.)7", want: "198.51.100.7"},
		{typ: intel.IPv4, in: "::ffff:198.51.100.7", want: "198.51.100.7"},
		{typ: intel.IPv4, in: "2001:db8::1", isErr: true},
		{typ: intel.IPv4, in: "999.1.1.1", isErr: true},
		{typ: intel.IPv4, in: "198.51.100", isErr: true},
		{typ: intel.IPv4, in: "", isErr: true},
		{typ: intel.IPv4, in: "   ", isErr: true},
		{typ: intel.IPv6, in: "2001:DB8:0:0::1", want: "2001:db8::1"},
		{typ: intel.IPv6, in: "fe80::1%eth0", want: "fe80::1"},
		{typ: intel.IPv6, in: "2001[:]db8[:][:]1", want: "2001:db8::1"},
		{typ: intel.IPv6, in: "::ffff:198.51.100.7", isErr: true},
		{typ: intel.IPv6, in: "198.51.100.7", isErr: true},
		{typ: intel.IPv6, in: "2001:db8::g", isErr: true},
		{typ: intel.CIDR, in: "203.0.113.77/24", want: "203.0.113.0/24"},
		{typ: intel.CIDR, in: "2001:DB8:FF::1/48", want: "2001:db8:ff::/48"},
		{typ: intel.CIDR, in: "::ffff:203.0.113.0/120", want: "203.0.113.0/24"},
		{typ: intel.CIDR, in: "::ffff:0:0/96", want: "0.0.0.0/0"},
		{typ: intel.CIDR, in: "::/64", want: "::/64"},
		{typ: intel.CIDR, in: "203.0.113.0/33", isErr: true},
		{typ: intel.CIDR, in: "203.0.113.0", isErr: true},
		{typ: intel.CIDR, in: "evil.com/24", isErr: true},
		{typ: intel.Domain, in: "Evil.COM.", want: "evil.com"},
		{typ: intel.Domain, in: "*.evil.com", want: "evil.com"},
		{typ: intel.Domain, in: ".evil.com", want: "evil.com"},
		{typ: intel.Domain, in: "evil[.]com", want: "evil.com"},
		{typ: intel.Domain, in: "evil[dot]com", want: "evil.com"},
		{typ: intel.Domain, in: "_dmarc.mail-1.evil.com", want: "_dmarc.mail-1.evil.com"},
		{typ: intel.Domain, in: "xn--bcher-kva.example", want: "xn--bcher-kva.example"},
		{typ: intel.Domain, in: "Bücher.example", want: "bücher.example"},
		{typ: intel.Domain, in: "localhost", isErr: true},
		{typ: intel.Domain, in: "evil..com", isErr: true},
		{typ: intel.Domain, in: "evil.com/path", isErr: true},
		{typ: intel.Domain, in: "evil.com:80", isErr: true},
		{typ: intel.Domain, in: "ev il.com", isErr: true},
		{typ: intel.Domain, in: "1.2.3", isErr: true},
		{typ: intel.Domain, in: "a." + strings.Repeat("x", 63) + ".com", want: "a." + strings.Repeat("x", 63) + ".com"},
		{typ: intel.Domain, in: strings.Repeat("abcdefg.", 32) + "com", isErr: true},
		{typ: intel.Domain, in: "999.1.1.1", isErr: true},
		{typ: intel.Domain, in: "a." + strings.Repeat("x", 64) + ".com", isErr: true},
		{typ: intel.URL, in: "HTTP://Evil.COM/Path?Q=1#frag", want: "http://evil.com/Path?Q=1"},
		{typ: intel.URL, in: "http://evil.com:80/a", want: "http://evil.com/a"},
		{typ: intel.URL, in: "https://evil.com:443/a", want: "https://evil.com/a"},
		{typ: intel.URL, in: "https://evil.com:80/a", want: "https://evil.com:80/a"},
		{typ: intel.URL, in: "http://evil.com", want: "http://evil.com/"},
		{typ: intel.URL, in: "http://evil.com?x=1", want: "http://evil.com/?x=1"},
		{typ: intel.URL, in: "http://user:pw@evil.com/a", want: "http://evil.com/a"},
		{typ: intel.URL, in: "http://evil.com./a", want: "http://evil.com/a"},
		{typ: intel.URL, in: "hxxp://evil[.]com/a", want: "http://evil.com/a"},
		{typ: intel.URL, in: "hXXps://evil[.]com/a", want: "https://evil.com/a"},
		{typ: intel.URL, in: "fxp://files.evil.com/x", want: "ftp://files.evil.com/x"},
		{typ: intel.URL, in: "http://[2001:DB8::1]:8080/a", want: "http://[2001:db8::1]:8080/a"},
		{typ: intel.URL, in: "http://evil.com/a%20b", want: "http://evil.com/a%20b"},
		{typ: intel.URL, in: "evil.com/a", isErr: true},
		{typ: intel.URL, in: "http:///a", isErr: true},
		{typ: intel.URL, in: "http://evil.com:x/", isErr: true},
		{typ: intel.URL, in: "mailto:a@evil.com", isErr: true},
		{typ: intel.MD5, in: "D41D8CD98F00B204E9800998ECF8427E", want: "d41d8cd98f00b204e9800998ecf8427e"},
		{typ: intel.MD5, in: "d41d8cd98f00b204e9800998ecf8427", isErr: true},
		{typ: intel.MD5, in: "z41d8cd98f00b204e9800998ecf8427e", isErr: true},
		{typ: intel.SHA1, in: "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", want: "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{typ: intel.SHA1, in: "d41d8cd98f00b204e9800998ecf8427e", isErr: true},
		{typ: intel.SHA256, in: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{typ: intel.SHA256, in: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", isErr: true},
		{typ: intel.JA3, in: "E7D705A3286E19EA42F587B344EE6865", want: "e7d705a3286e19ea42f587b344ee6865"},
		{typ: intel.JA3, in: "769,47-53,0-10,23,0", isErr: true},
		{typ: intel.Email, in: "Attacker@Phish.Example", want: "attacker@phish.example"},
		{typ: intel.Email, in: "attacker[@]phish[.]example", want: "attacker@phish.example"},
		{typ: intel.Email, in: "@phish.example", isErr: true},
		{typ: intel.Email, in: "attacker@", isErr: true},
		{typ: intel.Email, in: "Mr X <x@phish.example>", isErr: true},
		{typ: intel.Type("yara"), in: "rule x {}", isErr: true},
	}
	for _, tt := range tests {
		got, err := intel.Normalise(tt.typ, tt.in)
		if tt.isErr {
			if err == nil {
				t.Errorf("Normalise(%s, %q) = %q, want an error", tt.typ, tt.in, got)
			} else if !errors.Is(err, intel.ErrBadValue) {
				t.Errorf("Normalise(%s, %q) error %v does not wrap ErrBadValue", tt.typ, tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalise(%s, %q) = %q, %v, want %q", tt.typ, tt.in, got, err, tt.want)
			continue
		}
		if again, err := intel.Normalise(tt.typ, got); err != nil || again != got {
			t.Errorf("Normalise(%s, %q) = %q, %v, want it unchanged", tt.typ, got, again, err)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in       string
		wantType intel.Type
		want     string
		isErr    bool
	}{
		{in: "198.51.100.7", wantType: intel.IPv4, want: "198.51.100.7"},
		{in: "198[.]51[.]100[.]7", wantType: intel.IPv4, want: "198.51.100.7"},
		{in: "::ffff:198.51.100.7", wantType: intel.IPv4, want: "198.51.100.7"},
		{in: "2001:DB8::1", wantType: intel.IPv6, want: "2001:db8::1"},
		{in: "fe80::1%eth0", wantType: intel.IPv6, want: "fe80::1"},
		{in: "203.0.113.9/24", wantType: intel.CIDR, want: "203.0.113.0/24"},
		{in: "::ffff:203.0.113.0/120", wantType: intel.CIDR, want: "203.0.113.0/24"},
		{in: "2001:db8::/32", wantType: intel.CIDR, want: "2001:db8::/32"},
		{in: "D41D8CD98F00B204E9800998ECF8427E", wantType: intel.MD5, want: "d41d8cd98f00b204e9800998ecf8427e"},
		{in: "da39a3ee5e6b4b0d3255bfef95601890afd80709", wantType: intel.SHA1, want: "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{in: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", wantType: intel.SHA256, want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{in: "hxxp://evil[.]com/a#x", wantType: intel.URL, want: "http://evil.com/a"},
		{in: "evil.com/gate.php", wantType: intel.URL, want: "http://evil.com/gate.php"},
		{in: "Attacker@Phish.Example", wantType: intel.Email, want: "attacker@phish.example"},
		{in: "Evil.COM", wantType: intel.Domain, want: "evil.com"},
		{in: "*.evil.com", wantType: intel.Domain, want: "evil.com"},
		{in: "deadbeef", wantType: intel.Domain, isErr: true},
		{in: "999.1.1.1", isErr: true},
		{in: "not an ioc", isErr: true},
		{in: "", isErr: true},
		{in: "http://", isErr: true},
		{in: "a@", isErr: true},
		{in: "evil.com:8080/x y", wantType: intel.URL, want: "http://evil.com:8080/x%20y"},
		{in: "evil.com:80/x", wantType: intel.URL, want: "http://evil.com/x"},
	}
	for _, tt := range tests {
		typ, got, err := intel.Detect(tt.in)
		if tt.isErr {
			if err == nil {
				t.Errorf("Detect(%q) = %s, %q, want an error", tt.in, typ, got)
			} else if !errors.Is(err, intel.ErrBadValue) || typ != "" || got != "" {
				t.Errorf("Detect(%q) = %q, %q, %v, want \"\", \"\", ErrBadValue", tt.in, typ, got, err)
			}
			continue
		}
		if err != nil || typ != tt.wantType || got != tt.want {
			t.Errorf("Detect(%q) = %s, %q, %v, want %s, %q", tt.in, typ, got, err, tt.wantType, tt.want)
		}
	}
}

func TestRefang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"evil.com", "evil.com"},
		{"example.com", "example.com"},
		{"evil[.]com", "evil.com"},
		{"evil(.)com", "evil.com"},
		{"evil[dot]com", "evil.com"},
		{"2001[:]db8[:][:]1", "2001:db8::1"},
		{"http[://]evil.com", "http://evil.com"},
		{"a[@]b.com", "a@b.com"},
		{"hxxp://evil.com", "http://evil.com"},
		{"HXXPS://evil.com", "httpS://evil.com"},
		{"fxp://evil.com", "ftp://evil.com"},
		{"xhxxp://evil.com", "xhxxp://evil.com"},
		{"f(x)", "f(x)"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := intel.Refang(tt.in); got != tt.want {
			t.Errorf("Refang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNoAllocCanonical checks that values already in canonical form cost
// no allocation, which keeps compiling a million indicators cheap.
func TestNoAllocCanonical(t *testing.T) {
	for _, c := range []struct {
		typ intel.Type
		v   string
	}{
		{intel.Domain, "www.example.com"},
		{intel.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{intel.Email, "x@example.com"},
	} {
		if n := testing.AllocsPerRun(100, func() { _, _ = intel.Normalise(c.typ, c.v) }); n != 0 {
			t.Errorf("Normalise(%s, %q) allocates %v times, want 0", c.typ, c.v, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = intel.Refang("xexample.com") }); n != 0 {
		t.Errorf("Refang allocates %v times, want 0", n)
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{
		"198.51.100.7", "::ffff:1.2.3.4", "2001:db8::1%eth0", "10.0.0.0/8", "::ffff:0:0/100",
		"Evil.COM.", "*.evil[.]com", "hxxp://Evil.com:80/a b?c#d", "http://[::1]:443/",
		"evil.com/x", "a@b.c", "D41D8CD98F00B204E9800998ECF8427E",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "http://a/%zz", "http://a/(.)",
		"http://a/x[.]y", "http://a/%5B.%5D", "ftp://a:21/", "http://a/;b", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range intel.Types {
			n, err := intel.Normalise(typ, s)
			if err != nil {
				if !errors.Is(err, intel.ErrBadValue) {
					t.Fatalf("Normalise(%s, %q) error %v does not wrap ErrBadValue", typ, s, err)
				}
				continue
			}
			again, err := intel.Normalise(typ, n)
			if err != nil || again != n {
				t.Fatalf("Normalise(%s, %q) = %q; Normalise of that = %q, %v, want a fixed point", typ, s, n, again, err)
			}
		}
		typ, n, err := intel.Detect(s)
		if err != nil {
			if typ != "" || n != "" || !errors.Is(err, intel.ErrBadValue) {
				t.Fatalf("Detect(%q) = %q, %q, %v, want \"\", \"\", ErrBadValue", s, typ, n, err)
			}
			return
		}
		if again, err := intel.Normalise(typ, n); err != nil || again != n {
			t.Fatalf("Detect(%q) = %s, %q; Normalise of that = %q, %v, want it unchanged", s, typ, n, again, err)
		}
		if typ2, again, err := intel.Detect(n); err != nil || typ2 != typ || again != n {
			t.Fatalf("Detect(%q) = %s, %q; Detect of that = %s, %q, %v, want the same", s, typ, n, typ2, again, err)
		}
	})
}
