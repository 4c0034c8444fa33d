package transport_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/harness/internal/transport"
)

// testCA is a certificate authority generated for one test.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// newKey returns a fresh P-256 key.
func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generating a key: %v", err)
	}
	return key
}

// newCA returns a self-signed CA named name.
func newCA(t *testing.T, name string) testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der := signCert(t, tmpl, nil, key.Public(), key)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parsing the CA %s: %v", name, err)
	}
	return testCA{cert: cert, key: key}
}

// issue signs tmpl's public key pub with ca and returns the DER.
func (ca testCA) issue(t *testing.T, tmpl *x509.Certificate, pub crypto.PublicKey) []byte {
	t.Helper()
	return signCert(t, tmpl, ca.cert, pub, ca.key)
}

// signCert fills the validity and serial of tmpl and signs it; a nil
// parent self-signs.
func signCert(t *testing.T, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) []byte {
	t.Helper()
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatalf("drawing a serial number: %v", err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(time.Hour)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatalf("signing %s: %v", tmpl.Subject.CommonName, err)
	}
	return der
}

// writePEM writes one PEM block to a new file in dir and returns its path.
func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatalf("writing %s: %v", name, err)
	}
	return path
}

// writeKey writes key as a PKCS #8 PEM file in dir and returns its path.
func writeKey(t *testing.T, dir, name string, key *ecdsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("encoding %s: %v", name, err)
	}
	return writePEM(t, dir, name, "PRIVATE KEY", der)
}

// TestNewClient_mutualTLS drives real handshakes against a server that
// requires a client certificate from its own client CA.
func TestNewClient_mutualTLS(t *testing.T) {
	dir := t.TempDir()
	serverCA := newCA(t, "test server CA")
	clientCA := newCA(t, "test client CA")

	serverKey := newKey(t)
	serverDER := serverCA.issue(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "target"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, serverKey.Public())
	clientTmpl := func() *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: "harness-client"},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
	}
	clientKey := newKey(t)
	caFile := writePEM(t, dir, "server-ca.pem", "CERTIFICATE", serverCA.cert.Raw)
	clientCert := writePEM(t, dir, "client.pem", "CERTIFICATE", clientCA.issue(t, clientTmpl(), clientKey.Public()))
	clientKeyFile := writeKey(t, dir, "client-key.pem", clientKey)
	otherKeyFile := writeKey(t, dir, "other-key.pem", newKey(t))
	// Signed by the server CA, which the server does not trust for clients.
	strayCert := writePEM(t, dir, "stray.pem", "CERTIFICATE", serverCA.issue(t, clientTmpl(), clientKey.Public()))

	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(clientCA.cert)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	ts.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{serverDER}, PrivateKey: serverKey}},
		ClientCAs:    clientCAs,
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}
	// Refused handshakes are the point of several cases; keep them out of
	// the test log.
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)

	tests := []struct {
		name            string
		givenOptions    transport.Options
		wantClientError string // substring of the NewClient error
		wantGetError    string // substring of the request error
	}{
		{
			name:         "CA and client cert",
			givenOptions: transport.Options{CAFile: caFile, ClientCert: clientCert, ClientKey: clientKeyFile},
		},
		{
			name:         "no client cert",
			givenOptions: transport.Options{CAFile: caFile},
			wantGetError: "certificate required",
		},
		{
			name:         "client cert from an untrusted CA",
			givenOptions: transport.Options{CAFile: caFile, ClientCert: strayCert, ClientKey: clientKeyFile},
			// crypto/tls sends only a certificate issued by one of the CAs
			// the server names, so the server sees none at all.
			wantGetError: "certificate required",
		},
		{
			name:         "no CA file: verification on by default",
			givenOptions: transport.Options{ClientCert: clientCert, ClientKey: clientKeyFile},
			wantGetError: "certificate signed by unknown authority",
		},
		{
			name:         "insecure skip verify",
			givenOptions: transport.Options{ClientCert: clientCert, ClientKey: clientKeyFile, InsecureSkipVerify: true},
		},
		{
			name:         "insecure skip verify still needs the client cert",
			givenOptions: transport.Options{InsecureSkipVerify: true},
			wantGetError: "certificate required",
		},
		{
			name:            "client cert with a mismatched key",
			givenOptions:    transport.Options{CAFile: caFile, ClientCert: clientCert, ClientKey: otherKeyFile},
			wantClientError: "--client-cert/--client-key: tls: private key does not match public key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, err := transport.NewClient(tt.givenOptions)
			if tt.wantClientError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantClientError) {
					t.Fatalf("NewClient err = %v, want %q", err, tt.wantClientError)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			t.Cleanup(client.CloseIdleConnections)

			status, body, err := get(t, client, ts.URL+"/")
			if tt.wantGetError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantGetError) {
					t.Fatalf("GET err = %v, want %q", err, tt.wantGetError)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			if status != http.StatusOK || body != "harness-client" {
				t.Errorf("GET = %d %q, want 200 %q (the server's view of the client cert)", status, body, "harness-client")
			}
			// Nothing else changes: redirects are still not followed.
			status, _, err = get(t, client, ts.URL+"/redirect")
			if err != nil || status != http.StatusFound {
				t.Errorf("GET /redirect = %d, %v; want 302 unfollowed", status, err)
			}
		})
	}
}

// get fetches url with client and returns the status and body.
func get(t *testing.T, client *http.Client, url string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("building the request: %v", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "", err
	}
	return resp.StatusCode, string(body), nil
}
