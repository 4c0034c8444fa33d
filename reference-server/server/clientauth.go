package server

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// authenticateClient identifies the client of a token, revocation or
// introspection request (RFC 6749 §2.3). A confidential client sends its
// secret by HTTP Basic (client_secret_basic, §2.3.1) or in the body
// (client_secret_post), never both (§2.3); a public client may name itself
// with client_id; a request naming no client is the default public client.
func (s *Server) authenticateClient(req *http.Request, form url.Values) (Client, error) {
	values := req.Header.Values(echo.HeaderAuthorization)
	switch {
	case len(values) > 1:
		return Client{}, tokenError(codeInvalidRequest, "more than one Authorization header", nil)
	case len(values) == 1:
		if form.Has("client_secret") {
			return Client{}, tokenError(codeInvalidRequest, "more than one client authentication method", nil)
		}
		return s.basicClient(values[0], form)
	case form.Has("client_secret"):
		return s.postClient(form)
	case form.Has("client_id"):
		id, err := s.param(form, "client_id")
		if err != nil {
			return Client{}, err
		}
		cl, ok := s.clients[id]
		if !ok || cl.Secret != "" {
			return Client{}, tokenError(codeInvalidClient, "client authentication failed", nil)
		}
		return cl, nil
	}
	return s.clients[DefaultClientID], nil
}

// basicClient checks client_secret_basic credentials: id and secret are
// form-encoded, then joined by a colon and base64-encoded (§2.3.1).
func (s *Server) basicClient(value string, form url.Values) (Client, error) {
	fail := func() error {
		if s.faults.on(faultBasicNoChallenge) {
			return tokenError(codeInvalidClient, "client authentication failed", nil)
		}
		return clientError("client authentication failed", nil)
	}
	scheme, encoded, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, schemeBasic) {
		return Client{}, fail()
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return Client{}, fail()
	}
	rawID, rawSecret, ok := strings.Cut(string(decoded), ":")
	id, errID := url.QueryUnescape(rawID)
	secret, errSecret := url.QueryUnescape(rawSecret)
	if !ok || errID != nil || errSecret != nil {
		return Client{}, fail()
	}
	if bodyID := form["client_id"]; len(bodyID) > 0 && (len(bodyID) > 1 || bodyID[0] != id) {
		return Client{}, tokenError(codeInvalidRequest, "client_id differs from the authenticated client", nil)
	}
	cl, ok := s.checkSecret(id, secret)
	if !ok {
		return Client{}, fail()
	}
	return cl, nil
}

// postClient checks client_secret_post credentials. A failure is 400
// invalid_client: no Authorization header was used, so there is no scheme
// to challenge with (§5.2).
func (s *Server) postClient(form url.Values) (Client, error) {
	id, err := s.param(form, "client_id")
	if err != nil {
		return Client{}, err
	}
	secret, err := s.param(form, "client_secret")
	if err != nil {
		return Client{}, err
	}
	cl, ok := s.checkSecret(id, secret)
	if !ok {
		return Client{}, tokenError(codeInvalidClient, "client authentication failed", nil)
	}
	return cl, nil
}

// checkSecret compares a confidential client's secret in constant time.
func (s *Server) checkSecret(id, secret string) (Client, bool) {
	cl, ok := s.clients[id]
	if !ok || cl.Secret == "" {
		return Client{}, false
	}
	if s.faults.on(faultClientSecretIgnored) {
		return cl, true
	}
	return cl, subtle.ConstantTimeCompare([]byte(cl.Secret), []byte(secret)) == 1
}
