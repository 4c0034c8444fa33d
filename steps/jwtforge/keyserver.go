package jwtforge

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Paths of the KeyServer.
const (
	PathJWKS = "/jwks.json"
	PathX5U  = "/x5u.pem"
)

// KeyServer serves the attacker's key on loopback, as a JWKS for jku and as
// a PEM certificate for x5u, and records every fetch: a target that fetches
// a key from a URL in a token's header can be steered to any host (SSRF;
// RFC 8725 §3.10). Only a target on the same host can reach it.
type KeyServer struct {
	srv *httptest.Server

	mu      sync.Mutex
	fetched map[string]int
}

// NewKeyServer starts serving a's key. Close it when done.
func NewKeyServer(a *Attacker) (*KeyServer, error) {
	jwks, err := json.Marshal(map[string]any{"keys": []any{RSAJWK(&a.Key.PublicKey, a.Kid)}})
	if err != nil {
		return nil, fmt.Errorf("encode attacker jwks: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "authconform attacker"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &a.Key.PublicKey, a.Key)
	if err != nil {
		return nil, fmt.Errorf("self-sign attacker certificate: %w", err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})

	ks := &KeyServer{fetched: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc(PathJWKS, ks.serve("application/jwk-set+json", jwks))
	mux.HandleFunc(PathX5U, ks.serve("application/pem-certificate-chain", cert))
	ks.srv = httptest.NewServer(mux)
	return ks, nil
}

func (ks *KeyServer) serve(mediaType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ks.mu.Lock()
		ks.fetched[r.URL.Path]++
		ks.mu.Unlock()
		w.Header().Set("Content-Type", mediaType)
		_, _ = w.Write(body)
	}
}

// URL returns the absolute URL of path on the server.
func (ks *KeyServer) URL(path string) string { return ks.srv.URL + path }

// Fetches returns how often path was fetched.
func (ks *KeyServer) Fetches(path string) int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.fetched[path]
}

// Close stops the server.
func (ks *KeyServer) Close() { ks.srv.Close() }
