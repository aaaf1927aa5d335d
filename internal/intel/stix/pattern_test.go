package stix_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
)

func TestParsePatternValid(t *testing.T) {
	tests := []struct {
		in   string
		want string // normalised String()
	}{
		{`[ipv4-addr:value = '198.51.100.1']`, `[ipv4-addr:value = '198.51.100.1']`},
		{`[ ipv4-addr:value == '10.0.0.0' ]`, `[ipv4-addr:value = '10.0.0.0']`},
		{`[file:hashes.'SHA-256' = 'aa']`, `[file:hashes.'SHA-256' = 'aa']`},
		{`[file:hashes.SHA-256 = 'aa']`, `[file:hashes.'SHA-256' = 'aa']`},
		{`[file:hashes.MD5 = 'aa' OR file:hashes.'SHA-1' = 'bb']`, `[(file:hashes.MD5 = 'aa' OR file:hashes.'SHA-1' = 'bb')]`},
		{`[a:b = 1 AND c:d != 2 OR e:f < 3]`, `[((a:b = 1 AND c:d != 2) OR e:f < 3)]`},
		{`[a:b = 1] AND [c:d = 2] OR [e:f = 3]`, `(([a:b = 1] AND [c:d = 2]) OR [e:f = 3])`},
		{`[a:b = 1] OR [c:d = 2] FOLLOWEDBY [e:f = 3]`, `(([a:b = 1] OR [c:d = 2]) FOLLOWEDBY [e:f = 3])`},
		{`([a:b = 1] FOLLOWEDBY [c:d = 2]) WITHIN 300 SECONDS`, `([a:b = 1] FOLLOWEDBY [c:d = 2]) WITHIN 300 SECONDS`},
		{`[a:b = 1] REPEATS 5 TIMES WITHIN 1.5 SECONDS`, `[a:b = 1] REPEATS 5 TIMES WITHIN 1.5 SECONDS`},
		{`[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'`, `[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'`},
		{`[a:b NOT IN ('x', 'y')]`, `[a:b NOT IN ('x', 'y')]`},
		{`[a:b IN ()]`, `[a:b IN ()]`},
		{`[a:b <= -3.25 AND a:c >= +7 AND a:d > 0]`, `[((a:b <= -3.25 AND a:c >= 7) AND a:d > 0)]`},
		{`[a:b <> 'x']`, `[a:b != 'x']`},
		{`[email-message:from_ref.value MATCHES '.+\\banking@g0thamnatl\\.com$']`, `[email-message:from_ref.value MATCHES '.+\\banking@g0thamnatl\\.com$']`},
		{`[email-message:body_multipart[*].body_raw_ref.name LIKE 'Final%']`, `[email-message:body_multipart[*].body_raw_ref.name LIKE 'Final%']`},
		{`[x:list[0].name = 'it\'s']`, `[x:list[0].name = 'it\'s']`},
		{`[ipv4-addr:value ISSUBSET '198.51.100.0/24']`, `[ipv4-addr:value ISSUBSET '198.51.100.0/24']`},
		{`[ipv4-addr:value ISSUPERSET '198.51.100.0/24']`, `[ipv4-addr:value ISSUPERSET '198.51.100.0/24']`},
		{`[artifact:payload_bin = b'aGVsbG8=']`, `[artifact:payload_bin = b'aGVsbG8=']`},
		{`[file:magic = h'ffd8']`, `[file:magic = h'ffd8']`},
		{`[a:b = true AND a:c = FALSE]`, `[(a:b = true AND a:c = false)]`},
		{`[file:created = t'2014-01-13T07:03:17Z']`, `[file:created = t'2014-01-13T07:03:17Z']`},
		{`[EXISTS windows-registry-key:values]`, `[EXISTS windows-registry-key:values]`},
		{`[(a:b = 1 OR a:c = 2) AND a:d = 3]`, `[((a:b = 1 OR a:c = 2) AND a:d = 3)]`},
		{`[a:b = 1] and [a:c = 2]`, `([a:b = 1] AND [a:c = 2])`},
		{`[x-custom:'a b'.c = 'v']`, `[x-custom:'a b'.c = 'v']`},
	}
	for _, tt := range tests {
		p, err := stix.ParsePattern(tt.in)
		if err != nil {
			t.Errorf("ParsePattern(%q) error %v, want nil", tt.in, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePattern(%q) = %s, want %s", tt.in, got, tt.want)
			continue
		}
		// The normalised form parses to itself.
		p2, err := stix.ParsePattern(p.String())
		if err != nil || p2.String() != tt.want {
			t.Errorf("ParsePattern(%q) (re-parse) = %v, %v", p.String(), p2, err)
		}
	}
}

func TestParsePatternInvalid(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{``, 0, `expected "[" or "("`},
		{`ipv4-addr:value = '1.2.3.4'`, 0, `expected "[" or "("`},
		{`[ipv4-addr:value = '1.2.3.4'`, 28, `"]" closing the observation`},
		{`[ipv4-addr:value = '1.2.3.4]`, 19, "unterminated string"},
		{`[ipv4-addr:value = ]`, 19, "expected a literal"},
		{`[ipv4-addr value = '1']`, 11, `expected ":"`},
		{`[ipv4-addr:]`, 11, `expected a property name`},
		{`[ipv4-addr:value ~ '1']`, 17, "unexpected character"},
		{`[a:b = '1'] WITHIN -5 SECONDS`, 19, "positive number"},
		{`[a:b = '1'] WITHIN 5 MINUTES`, 21, "expected SECONDS"},
		{`[a:b = '1'] REPEATS 1.5 TIMES`, 20, "positive integer"},
		{`[a:b = '1'] START '2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'`, 18, "expected a timestamp"},
		{`[a:b = t'2016-13-01T00:00:00Z']`, 7, "invalid timestamp"},
		{`[a:b = h'zz']`, 7, "invalid hex"},
		{`[a:b = b'!!']`, 7, "invalid base64"},
		{`[a:b = 'x\n']`, 9, "invalid escape"},
		{`[a:b IN ('x' 'y')]`, 13, `expected "," or ")"`},
		{`[a:b LIKE 5]`, 10, "needs a string literal"},
		{`[a:b = '1'] [c:d = '2']`, 12, "unexpected"},
		{`[a:b = '1'] OR`, 14, `expected "[" or "("`},
		{`[a:b < true]`, 5, "orderable"},
		{`[a:b ! '1']`, 5, `"!" must be followed`},
		{`[a:b = 99999999999999999999]`, 7, "out of range"},
	}
	for _, tt := range tests {
		_, err := stix.ParsePattern(tt.in)
		var se *stix.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParsePattern(%q) error = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParsePattern(%q) = offset %d %q, want offset %d containing %q", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
		}
	}
}

func TestCompile(t *testing.T) {
	tests := []struct {
		in   string
		want []stix.Term
	}{
		{`[ipv4-addr:value = '198.51.100.1']`, []stix.Term{{intel.IPv4, "198.51.100.1"}}},
		{`[ipv4-addr:value = '198.51.100.0/24']`, []stix.Term{{intel.CIDR, "198.51.100.0/24"}}},
		{`[ipv4-addr:value = '198.51.100.9/32']`, []stix.Term{{intel.IPv4, "198.51.100.9"}}},
		{`[ipv4-addr:value ISSUBSET '198.51.100.7/24']`, []stix.Term{{intel.CIDR, "198.51.100.0/24"}}},
		{`[ipv6-addr:value = '2001:DB8::1']`, []stix.Term{{intel.IPv6, "2001:db8::1"}}},
		{`[ipv6-addr:value = '2001:db8::/32']`, []stix.Term{{intel.CIDR, "2001:db8::/32"}}},
		{`[domain-name:value = 'EVIL.Example.com.']`, []stix.Term{{intel.Domain, "evil.example.com"}}},
		{`[url:value = 'HTTP://Evil.example.com:80']`, []stix.Term{{intel.URL, "http://evil.example.com/"}}},
		{`[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']`, []stix.Term{{intel.MD5, "d41d8cd98f00b204e9800998ecf8427e"}}},
		{`[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']`, []stix.Term{{intel.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"}}},
		{`[file:hashes.SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']`, []stix.Term{{intel.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"}}},
		{`[file:hashes.SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']`, []stix.Term{{intel.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
		{`[email-addr:value = 'Bad@Example.com']`, []stix.Term{{intel.Email, "bad@example.com"}}},
		{`[email-message:from_ref.value = 'bad@example.com']`, []stix.Term{{intel.Email, "bad@example.com"}}},
		{`[network-traffic:dst_ref.value = '192.0.2.1']`, []stix.Term{{intel.IPv4, "192.0.2.1"}}},
		{`[network-traffic:src_ref.value = 'c2.example.net']`, []stix.Term{{intel.Domain, "c2.example.net"}}},
		{`[network-traffic:extensions.'x-ja3'.ja3_hash = 'E7D705A3286E19EA42F587B344EE6865']`, []stix.Term{{intel.JA3, "e7d705a3286e19ea42f587b344ee6865"}}},
		{`[domain-name:value IN ('a.example.com', 'b.example.com', 'a.example.com')]`, []stix.Term{{intel.Domain, "a.example.com"}, {intel.Domain, "b.example.com"}}},
		{`[domain-name:value = 'a.example.com' OR ipv4-addr:value = '192.0.2.1'] OR [url:value = 'http://x.example/p']`,
			[]stix.Term{{intel.Domain, "a.example.com"}, {intel.IPv4, "192.0.2.1"}, {intel.URL, "http://x.example/p"}}},
		{`([ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2']) WITHIN 60 SECONDS`, []stix.Term{{intel.IPv4, "192.0.2.1"}, {intel.IPv4, "192.0.2.2"}}},
	}
	for _, tt := range tests {
		got, err := stix.CompileString(tt.in)
		if err != nil {
			t.Errorf("CompileString(%q) error %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("CompileString(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCompileUnsupported(t *testing.T) {
	tests := []struct{ in, reason string }{
		{`[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'a.example']`, "AND of comparisons"},
		{`[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.example']`, "AND between observations"},
		{`[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'a.example']`, "FOLLOWEDBY"},
		{`[domain-name:value LIKE '%.example.com']`, "operator LIKE"},
		{`[domain-name:value MATCHES '^a']`, "operator MATCHES"},
		{`[ipv4-addr:value != '1.2.3.4']`, "operator !="},
		{`[ipv4-addr:value NOT = '1.2.3.4']`, "NOT ="},
		{`[file:name = 'evil.exe']`, "file:name is not"},
		{`[process:command_line = 'wget']`, "process:command_line"},
		{`[email-message:to_refs[*].value = 'a@b.example']`, "to_refs[*].value"},
		{`[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES`, "REPEATS"},
		{`[ipv4-addr:value = '1.2.3.4'] START t'2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'`, "START/STOP"},
		{`[domain-name:value = 'domain autuo.xicp.net']`, "invalid indicator value"},
		{`[ipv4-addr:value = '2001:db8::1']`, "invalid indicator value"},
		{`[ipv4-addr:value = 5]`, "non-string"},
		{`[EXISTS file:hashes.MD5]`, "EXISTS"},
		{`[ipv4-addr:value ISSUBSET '1.2.3.4']`, "not a CIDR"},
		{`[domain-name:value IN ()]`, "empty IN"},
	}
	for _, tt := range tests {
		_, err := stix.CompileString(tt.in)
		var ue *stix.UnsupportedError
		if !errors.As(err, &ue) || !errors.Is(err, stix.ErrUnsupported) {
			t.Errorf("CompileString(%q) error = %v, want *UnsupportedError", tt.in, err)
			continue
		}
		if !strings.Contains(ue.Reason, tt.reason) {
			t.Errorf("CompileString(%q) reason = %q, want it to contain %q", tt.in, ue.Reason, tt.reason)
		}
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		`[ipv4-addr:value = '198.51.100.1']`,
		`[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb'] OR [url:value = 'http://x/']`,
		`([a:b = 1] FOLLOWEDBY [c:d = 2]) WITHIN 300 SECONDS`,
		`[a:b = 1] REPEATS 5 TIMES START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'`,
		`[a:b NOT IN ('x', 'y') AND x:list[*].c LIKE 'q%' AND EXISTS d:e]`,
		`[a:b = h'ff' OR a:c = b'aGk=' OR a:d = true OR a:e = -1.5]`,
		`[a:b = 'it\'s \\ ok']`,
		`[a:b = '`, `[`, `(`, `[a:b = 1] OR`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := stix.ParsePattern(s)
		if err != nil {
			var se *stix.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParsePattern(%q) error %T %v, want *SyntaxError", s, err, err)
			}
			if se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParsePattern(%q) offset %d outside the input", s, se.Offset)
			}
			return
		}
		// The normalised form must parse back to itself.
		out := p.String()
		p2, err := stix.ParsePattern(out)
		if err != nil {
			t.Fatalf("ParsePattern(%q) = %q, which does not re-parse: %v", s, out, err)
		}
		if p2.String() != out {
			t.Fatalf("ParsePattern(%q): %q re-parses as %q", s, out, p2.String())
		}
		terms, err := stix.Compile(p)
		if err == nil {
			for _, term := range terms {
				if n, err := intel.Normalise(term.Type, term.Value); err != nil || n != term.Value {
					t.Fatalf("Compile(%q) term %v is not normalised (%q, %v)", s, term, n, err)
				}
			}
		} else if !errors.Is(err, stix.ErrUnsupported) {
			t.Fatalf("Compile(%q) error %v, want ErrUnsupported", s, err)
		}
	})
}
