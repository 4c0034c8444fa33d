// Package transport builds the HTTP client the harness talks to a target
// with: certificate verification on unless explicitly turned off, an extra
// CA, a client certificate, proxies from the standard environment
// variables, and no redirect ever followed.
package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Options configure the client.
type Options struct {
	// CAFile is a PEM bundle trusted in addition to the system roots.
	CAFile string
	// ClientCert and ClientKey are a PEM certificate and key for mutual
	// TLS; both or neither.
	ClientCert, ClientKey string
	// InsecureSkipVerify turns certificate verification off.
	//
	// WARNING: anyone on the path can then read the credentials the
	// harness sends (RFC 6750 §5.3). The harness stamps a warning on every
	// report when it is set.
	InsecureSkipVerify bool
}

// NewClient returns a client for opts. It never follows a redirect, so
// credentials never go to a host the user did not name; proxies come from
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
func NewClient(opts Options) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: opts.InsecureSkipVerify} //nolint:gosec // explicit, stamped as a warning
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s: no PEM certificate in it", opts.CAFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case opts.ClientCert != "" && opts.ClientKey != "":
		cert, err := tls.LoadX509KeyPair(opts.ClientCert, opts.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("--client-cert/--client-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	case opts.ClientCert != "" || opts.ClientKey != "":
		return nil, errors.New("--client-cert and --client-key go together")
	}
	tr.TLSClientConfig = cfg
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// ErrPlainHTTP means the target is plain http:// on a host other than
// loopback (CHECKS.md X01).
var ErrPlainHTTP = errors.New("credentials would cross the network in clear")

// CheckPlainHTTP refuses a plain http:// base URL on a non-loopback host,
// where the harness would send passwords and tokens in clear (RFC 6749
// §3.2, RFC 6750 §5.3), unless allow is set.
func CheckPlainHTTP(baseURL string, allow bool) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" || allow || IsLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("target %s is plain http on a non-loopback host: %w (X01, RFC 6749 §3.2); use https or --allow-insecure-http", baseURL, ErrPlainHTTP)
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
