package transport_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/authconform/authconform/harness/internal/transport"
)

func TestCheckPlainHTTP(t *testing.T) {
	tests := []struct {
		name      string
		givenURL  string
		givenOK   bool
		wantError bool
	}{
		{name: "https anywhere", givenURL: "https://api.example.com"},
		{name: "http loopback v4", givenURL: "http://127.0.0.1:8000"},
		{name: "http loopback v6", givenURL: "http://[::1]:8000"},
		{name: "http localhost", givenURL: "http://localhost:8000"},
		{name: "http remote", givenURL: "http://api.example.com", wantError: true},
		{name: "http remote allowed", givenURL: "http://api.example.com", givenOK: true},
		{name: "http private address", givenURL: "http://10.0.0.5", wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := transport.CheckPlainHTTP(tt.givenURL, tt.givenOK)
			if (err != nil) != tt.wantError {
				t.Fatalf("err = %v, want error %v", err, tt.wantError)
			}
			if err != nil && !errors.Is(err, transport.ErrPlainHTTP) {
				t.Errorf("err = %v, not ErrPlainHTTP", err)
			}
		})
	}
}

func TestNewClient_TLS(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
	}))
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	get := func(c *http.Client) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, ts.URL, nil)
		return c.Do(req)
	}

	plain, err := transport.NewClient(transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := get(plain); err == nil {
		t.Error("unknown CA accepted without --ca-file")
	}
	withCA, err := transport.NewClient(transport.Options{CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := get(withCA)
	if err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status %d: the redirect was followed", resp.StatusCode)
	}
	insecure, _ := transport.NewClient(transport.Options{InsecureSkipVerify: true})
	if resp, err := get(insecure); err != nil {
		t.Errorf("--insecure-skip-verify: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestNewClient_badFiles(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.pem")
	_ = os.WriteFile(empty, []byte("nothing"), 0o600)
	for _, opts := range []transport.Options{
		{CAFile: "/no/such/ca.pem"},
		{CAFile: empty},
		{ClientCert: empty},
		{ClientCert: empty, ClientKey: empty},
	} {
		if _, err := transport.NewClient(opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}
