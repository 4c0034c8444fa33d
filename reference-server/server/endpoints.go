package server

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// Token type hints of RFC 7009 §2.1 and RFC 7662 §2.1.
const (
	hintAccessToken  = "access_token"
	hintRefreshToken = "refresh_token"
)

// noStore forbids caching of a response that holds or concerns tokens.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().Header().Set("Pragma", "no-cache")
}

// handleRevoke is the RFC 7009 revocation endpoint. A refresh token
// revokes its whole family and the access tokens it produced; an access
// token is refused by the resources from then on. Unknown, invalid and
// other clients' tokens get the same 200, so the answer reveals nothing
// (§2.2). The token_type_hint only orders the lookups, so it is not
// checked (§2.1 lets the server ignore it).
func (s *Server) handleRevoke(c echo.Context) error {
	noStore(c)
	form, err := s.postForm(c.Request())
	if err != nil {
		return err
	}
	client, err := s.authenticateClient(c.Request(), form)
	if err != nil {
		return err
	}
	token, err := s.param(form, "token")
	if err != nil {
		return err
	}
	if _, err := s.optionalParam(form, "token_type_hint"); err != nil {
		return err
	}
	if s.faults.on(faultRevocationIgnored) {
		return c.NoContent(http.StatusOK)
	}
	if s.store.revokeRefresh(token, client.ID) {
		return c.NoContent(http.StatusOK)
	}
	claims, err := s.verify(token)
	if err == nil && claims.ClientID == client.ID {
		s.store.revokeAccess(claims.ID, claims.ExpiresAt.Time)
		return c.NoContent(http.StatusOK)
	}
	if err != nil && s.faults.on(faultRevokeGarbage400) {
		return tokenError(codeInvalidRequest, "the token is unknown", nil)
	}
	return c.NoContent(http.StatusOK)
}

// postForm reads the form body of a POST-only endpoint.
func (s *Server) postForm(r *http.Request) (url.Values, error) {
	if r.Method != http.MethodPost {
		e := tokenError(codeInvalidRequest, "this endpoint takes POST only", nil)
		e.status, e.header = http.StatusMethodNotAllowed, http.Header{"Allow": {http.MethodPost}}
		return nil, e
	}
	if err := s.checkFormType(r); err != nil {
		return nil, err
	}
	return readForm(r)
}

// handleIntrospect is the RFC 7662 introspection endpoint. Only a
// resource-server client may call it (§2.1); anyone else is 401
// invalid_client with a Basic challenge.
func (s *Server) handleIntrospect(c echo.Context) error {
	noStore(c)
	form, err := s.postForm(c.Request())
	if err != nil {
		return err
	}
	client, err := s.authenticateClient(c.Request(), form)
	if !s.faults.on(faultIntrospectOpen) && (err != nil || !client.ResourceServer) {
		return clientError("introspection needs resource-server credentials", err)
	}
	token, err := s.param(form, "token")
	if err != nil {
		return err
	}
	if s.faults.on(faultIntrospectActive) {
		return c.JSON(http.StatusOK, map[string]any{"active": true})
	}
	return c.JSON(http.StatusOK, s.introspect(token))
}

// introspect describes a token (RFC 7662 §2.2): an access token that
// verifies, or a refresh token that is live; anything else is inactive.
func (s *Server) introspect(token string) map[string]any {
	if claims, err := s.verify(token); err == nil {
		return map[string]any{
			"active": true, "token_type": "Bearer", "scope": claims.Scope,
			"client_id": claims.ClientID, "username": claims.Subject, "sub": claims.Subject,
			"iss": claims.Issuer, "aud": claims.Audience, "jti": claims.ID,
			"exp": claims.ExpiresAt.Unix(), "iat": claims.IssuedAt.Unix(), "nbf": claims.NotBefore.Unix(),
		}
	}
	if fam, ok := s.store.lookupRefresh(token); ok {
		return map[string]any{
			"active": true, "token_type": hintRefreshToken, "scope": fam.scope,
			"client_id": fam.clientID, "username": fam.user, "sub": fam.user,
			"exp": fam.expires.Unix(),
		}
	}
	return map[string]any{"active": false}
}

// checkFormType refuses a body that is not form-encoded.
func (s *Server) checkFormType(r *http.Request) error {
	if !isFormType(r.Header.Get(echo.HeaderContentType)) {
		return tokenError(codeInvalidRequest, "the body must be application/x-www-form-urlencoded", nil)
	}
	return nil
}

// handleMetadata serves the RFC 8414 authorization server metadata. Every
// endpoint is the issuer plus its path, so it is right whenever the
// configured issuer is the server's base URL.
func (s *Server) handleMetadata(c echo.Context) error {
	issuer := s.cfg.Issuer
	if s.faults.on(faultMetadataIssuer) {
		issuer += "/"
	}
	auth := []string{"none", "client_secret_basic", "client_secret_post"}
	return c.JSON(http.StatusOK, map[string]any{
		"issuer":                                        issuer,
		"token_endpoint":                                s.cfg.Issuer + PathToken,
		"revocation_endpoint":                           s.cfg.Issuer + PathRevoke,
		"introspection_endpoint":                        s.cfg.Issuer + PathIntrospect,
		"jwks_uri":                                      s.cfg.Issuer + PathJWKS,
		"grant_types_supported":                         []string{grantPassword, grantRefresh},
		"response_types_supported":                      []string{},
		"scopes_supported":                              knownScopes,
		"token_endpoint_auth_methods_supported":         auth,
		"revocation_endpoint_auth_methods_supported":    auth,
		"introspection_endpoint_auth_methods_supported": auth[1:],
		"revocation_token_types_supported":              []string{hintAccessToken, hintRefreshToken},
		"access_token_signing_alg_values_supported":     []string{s.keys.alg},
	})
}

// handleJWKS publishes the verification keys (RFC 7517): never a private
// member, never a secret, so HS256 publishes an empty set.
func (s *Server) handleJWKS(c echo.Context) error {
	set := s.keys.jwks(s.cfg.Now())
	if s.faults.on(faultJWKSPrivate) {
		set["keys"] = append(set["keys"], s.leakedJWK())
	}
	return c.JSON(http.StatusOK, set)
}

// leakedJWK is the signing key with its private part, for the
// jwks-private-members fault.
func (s *Server) leakedJWK() map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	key, kid := s.keys.signing()
	var jwk map[string]string
	switch k := key.(type) {
	case []byte:
		jwk = map[string]string{"kty": "oct", "k": b64(k)}
	case *rsa.PrivateKey:
		jwk = publicJWK(&k.PublicKey)
		jwk["d"] = b64(k.D.Bytes())
	case *ecdsa.PrivateKey:
		jwk = publicJWK(&k.PublicKey)
		jwk["d"] = b64(k.D.Bytes())
	case ed25519.PrivateKey:
		jwk = publicJWK(k.Public())
		jwk["d"] = b64(k.Seed())
	}
	jwk["kid"] = kid + "-leaked"
	return jwk
}
