package steps

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestFingerprint(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		wantPrefix string
	}{
		{name: "jwt keeps its public header prefix", give: "eyJhbGciOiJIUzI1NiJ9.e30.sig", wantPrefix: "eyJhbG…[jwt fp:"},
		{name: "password shows none of its characters", give: "hunter2hunter2", wantPrefix: "[secret fp:"},
		{name: "empty", give: "", wantPrefix: "[empty]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fingerprint(tt.give)
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Errorf("Fingerprint(%q) = %q, want prefix %q", tt.give, got, tt.wantPrefix)
			}
			if tt.give != "" && strings.Contains(got, tt.give) {
				t.Errorf("Fingerprint(%q) = %q contains the secret", tt.give, got)
			}
			if Fingerprint(tt.give) != got {
				t.Errorf("Fingerprint is not deterministic")
			}
		})
	}
	if Fingerprint("a-secret") == Fingerprint("b-secret") {
		t.Error("different secrets share a fingerprint")
	}
}

func TestSecret_neverPrinted(t *testing.T) {
	const value = "s3cr3t-value-xyz"
	s := NewSecret(value)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "password", s)
	text, _ := s.MarshalText()
	for name, out := range map[string]string{
		"%v":   fmt.Sprintf("%v", s),
		"%s":   fmt.Sprintf("%s", s),
		"%+v":  fmt.Sprintf("%+v", struct{ P Secret }{s}),
		"%#v":  fmt.Sprintf("%#v", s),
		"slog": logged.String(),
		"text": string(text),
	} {
		if strings.Contains(out, value) {
			t.Errorf("%s prints the secret: %s", name, out)
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() = %q, want the value", s.Reveal())
	}
}

func TestRedactor_Scrub(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	var r Redactor
	r.Add("opaque-refresh-token-123", "p", "")
	got := r.Scrub(fmt.Sprintf(`{"access_token":%q,"refresh_token":"opaque-refresh-token-123","user":"p"}`, jwt))
	for _, leaked := range []string{jwt, "eyJzdWIiOiJ4In0", "opaque-refresh-token-123"} {
		if strings.Contains(got, leaked) {
			t.Errorf("Scrub left %q in %s", leaked, got)
		}
	}
	if !strings.Contains(got, `"user":"p"`) {
		t.Errorf("Scrub replaced a one-character value it was told to ignore: %s", got)
	}
}

// TestRedactor_concurrent adds and scrubs from many goroutines, as the
// scenarios of a run do with the suite's redactor (go test -race), and
// scrubs a secret that contains another whole.
func TestRedactor_concurrent(t *testing.T) {
	var r Redactor
	r.Add("opaque-token")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := fmt.Sprintf("opaque-token-%d-distinctive", i)
			r.Add(v)
			if got := r.Scrub("x " + v + " y"); strings.Contains(got, "opaque-token") {
				t.Errorf("Scrub left a secret: %s", got)
			}
		}()
	}
	wg.Wait()
}

// TestFingerprint_isKeyed: a fingerprint is not a plain hash prefix of the
// secret, which anyone could compute for a guessed password.
func TestFingerprint_isKeyed(t *testing.T) {
	const password = "testpass"
	sum := sha256.Sum256([]byte(password))
	plain := hex.EncodeToString(sum[:3])
	if strings.Contains(Fingerprint(password), plain) {
		t.Errorf("Fingerprint(%q) = %q holds the unkeyed SHA-256 prefix %s", password, Fingerprint(password), plain)
	}
}

// TestRedactor_encodedForms: a secret echoed form-encoded or inside a JSON
// string is scrubbed like the raw one.
func TestRedactor_encodedForms(t *testing.T) {
	const secret = `p@ss w+rd&"x"`
	var r Redactor
	r.Add(secret)
	for _, echoed := range []string{url.QueryEscape(secret), `p@ss w+rd&\"x\"`, secret} {
		if got := r.Scrub("got " + echoed); strings.Contains(got, echoed) {
			t.Errorf("Scrub left %q in %q", echoed, got)
		}
	}
}

// TestMismatch_longOpaqueToken: a long opaque token in a finding is
// scrubbed whole before the finding is shortened, so no part of it shows.
func TestMismatch_longOpaqueToken(t *testing.T) {
	token := strings.Repeat("opaqueTOKEN", 20) // 220 bytes, not a JWT
	s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	st := s.newScenario()
	st.redact.Add(token)
	st.last = &exchange{method: "GET", path: "/x", status: 200, body: []byte(`{"refresh_token":"` + token + `"}`)}
	err = st.mismatch("no refresh token", describe(st.json("refresh_token")))
	if strings.Contains(err.Error(), "opaqueTOKENopaque") {
		t.Errorf("finding shows part of the token: %v", err)
	}
}

// TestSuite_basicCredentialIsSecret: the base64 credential of a client's
// Basic header is scrubbed, since a target may echo the header.
func TestSuite_basicCredentialIsSecret(t *testing.T) {
	s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", ClientAuth: ClientAuthBasic,
		ClientID: "client", ClientSecret: NewSecret("s3cret-value")})
	if err != nil {
		t.Fatal(err)
	}
	cred := basicCredential("client", "s3cret-value")
	if got := s.newScenario().redact.Scrub("echo: Basic " + cred); strings.Contains(got, cred) {
		t.Errorf("Scrub left the Basic credential: %q", got)
	}
}
