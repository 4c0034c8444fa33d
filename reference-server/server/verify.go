package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verification failures that are not golang-jwt's own. Each ends in a 401
// invalid_token; the cause goes to the log only.
var (
	errWrongType      = errors.New("token type is not at+jwt")
	errCritical       = errors.New("token has a crit header parameter this server does not understand")
	errBadHeader      = errors.New("token header parameter has the wrong JSON type")
	errUnknownSubject = errors.New("token subject is not a known user")
	errRevoked        = errors.New("token was revoked")
	errNumericDate    = errors.New("exp, nbf and iat must be JSON numbers between 0 and 253402300799")
	errTooLong        = errors.New("token is longer than any this server issues")
	errNotVerified    = errors.New("token signature does not verify")
)

// maxTokenBytes bounds the tokens the verifier looks at; the ones this
// server issues are well under 1 KB.
const maxTokenBytes = 8 << 10

// maxNumericDate is 9999-12-31T23:59:59Z: later values are not plausible
// times and overflow some decoders (CHECKS.md E08).
const maxNumericDate = 253402300799

// accessClaims are the claims of an RFC 9068 JWT access token.
type accessClaims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`

	// lenientTimes skips the NumericDate type check (a fault).
	lenientTimes bool
}

// UnmarshalJSON decodes the claims after checking that exp, nbf and iat are
// JSON numbers in range (RFC 7519 §2 NumericDate): golang-jwt alone would
// accept a numeric string.
func (c *accessClaims) UnmarshalJSON(b []byte) error {
	if !c.lenientTimes {
		if err := checkNumericDates(b); err != nil {
			return err
		}
	}
	type plain accessClaims // drops this method, so no recursion
	return json.Unmarshal(b, (*plain)(c))
}

func checkNumericDates(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			continue
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || v[0] == '"' || f < 0 || f > maxNumericDate {
			return fmt.Errorf("claim %s: %w", name, errNumericDate)
		}
	}
	return nil
}

// hasScope reports whether the token's space-separated scope holds want.
func (c *accessClaims) hasScope(want string) bool {
	for _, s := range strings.Fields(c.Scope) {
		if s == want {
			return true
		}
	}
	return false
}

// claimsView is how the validator sees the claims: a fault may hide a time
// claim from it, which is how "not checked" is implemented.
type claimsView struct {
	*accessClaims
	hideExp, hideNbf, hideIat bool
}

func (v claimsView) GetExpirationTime() (*jwt.NumericDate, error) {
	if v.hideExp {
		return nil, nil
	}
	return v.accessClaims.GetExpirationTime()
}

func (v claimsView) GetNotBefore() (*jwt.NumericDate, error) {
	if v.hideNbf {
		return nil, nil
	}
	return v.accessClaims.GetNotBefore()
}

func (v claimsView) GetIssuedAt() (*jwt.NumericDate, error) {
	if v.hideIat {
		return nil, nil
	}
	return v.accessClaims.GetIssuedAt()
}

// newClaims returns empty claims and the view the validator checks.
func (s *Server) newClaims() (*accessClaims, *claimsView) {
	c := &accessClaims{lenientTimes: s.faults.on(faultLenientTimes)}
	return c, &claimsView{
		accessClaims: c,
		hideExp:      s.faults.on(faultExpNotChecked),
		hideNbf:      s.faults.on(faultNbfNotChecked),
		hideIat:      s.faults.on(faultIatNotChecked),
	}
}

// validationOptions are the claim checks of every access token: exp
// required, iat not in the future, iss and aud exact, all with the
// configured leeway on the server's clock (RFC 8725 §3.8, §3.9; RFC 9068
// §4). nbf is always checked when present.
func (s *Server) validationOptions() []jwt.ParserOption {
	leeway := s.cfg.Leeway
	if s.faults.on(faultHugeLeeway) {
		leeway = time.Hour
	}
	opts := []jwt.ParserOption{jwt.WithLeeway(leeway), jwt.WithTimeFunc(s.cfg.Now)}
	if !s.faults.on(faultExpNotRequired) && !s.faults.on(faultExpNotChecked) {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	if !s.faults.on(faultIatNotChecked) {
		opts = append(opts, jwt.WithIssuedAt())
	}
	if !s.faults.on(faultIssNotChecked) {
		opts = append(opts, jwt.WithIssuer(s.cfg.Issuer))
	}
	if !s.faults.on(faultAudNotChecked) {
		opts = append(opts, jwt.WithAudience(s.cfg.Audience))
	}
	return opts
}

// newParser builds the one verifier used for every request, with the
// configured algorithm pinned (RFC 8725 §3.1) and the claim checks above.
func (s *Server) newParser() *jwt.Parser {
	return jwt.NewParser(append(s.validationOptions(), jwt.WithValidMethods([]string{s.keys.alg}))...)
}

// keyFunc checks the header and picks the verification key by kid. The
// algorithm is pinned by the parser, not here.
func (s *Server) keyFunc(t *jwt.Token) (any, error) {
	if err := s.checkHeader(t.Header); err != nil {
		return nil, err
	}
	kid, _ := t.Header["kid"].(string)
	if s.faults.on(faultKidMismatch) {
		kid = ""
	}
	return s.keys.lookup(kid, s.cfg.Now())
}

// checkHeader accepts only RFC 9068 access tokens (typ at+jwt, §4) and
// refuses any crit parameter, since this server understands no extension
// (RFC 7515 §4.1.11).
func (s *Server) checkHeader(h map[string]any) error {
	if kid, ok := h["kid"]; ok {
		if _, isString := kid.(string); !isString {
			return errBadHeader
		}
	}
	if _, ok := h["crit"]; ok && !s.faults.on(faultCritIgnored) {
		return errCritical
	}
	if s.faults.on(faultTypNotChecked) {
		return nil
	}
	typ, _ := h["typ"].(string)
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return errWrongType
	}
	return nil
}

// verify parses and validates an access token, then checks that its
// subject is a user and that it was not revoked (RFC 7009 §2).
func (s *Server) verify(raw string) (*accessClaims, error) {
	if len(raw) > maxTokenBytes {
		return nil, errTooLong
	}
	claims, ok := s.verified.get(raw, s)
	if !ok {
		var err error
		if claims, err = s.verifySignedToken(raw); err != nil {
			return nil, err
		}
	}
	if _, ok := s.users[claims.Subject]; !ok && !s.faults.on(faultUnknownSub) {
		return nil, errUnknownSubject
	}
	if s.store.isRevoked(claims.ID) {
		return nil, errRevoked
	}
	return claims, nil
}

// verifySignedToken checks the signature, header and claims of a token
// not found in the verified cache, and adds it there when it passes.
func (s *Server) verifySignedToken(raw string) (*accessClaims, error) {
	gen := s.keys.generation()
	claims, view := s.newClaims()
	token, err := s.parser.ParseWithClaims(raw, view, s.keyFunc)
	if err != nil {
		if len(s.faults) == 0 {
			// The usual case: no deliberate fault can accept what the
			// parser refused, so skip decoding the token again.
			return nil, err
		}
		forged, ferr := s.verifyByFault(raw)
		if ferr != nil {
			return nil, err
		}
		return forged, nil
	}
	kid, _ := token.Header["kid"].(string)
	s.verified.put(raw, gen, claims, kid)
	return claims, nil
}

// verifyByFault is the path of the insecure faults that accept a token
// the real verifier refused. With no fault on it refuses everything.
func (s *Server) verifyByFault(raw string) (*accessClaims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errNotVerified
	}
	var header map[string]any
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &header) != nil {
		return nil, errNotVerified
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !s.forgeryAccepted(header, parts[0]+"."+parts[1], sig) {
		return nil, errNotVerified
	}
	if err := s.checkHeader(header); err != nil {
		return nil, err
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errNotVerified
	}
	claims, view := s.newClaims()
	if err := json.Unmarshal(payload, view); err != nil {
		return nil, err
	}
	if err := jwt.NewValidator(s.validationOptions()...).Validate(view); err != nil {
		return nil, err
	}
	return claims, nil
}

// forgeryAccepted reports whether a switched-on fault accepts the
// signature sig over text.
func (s *Server) forgeryAccepted(header map[string]any, text string, sig []byte) bool {
	alg, _ := header["alg"].(string)
	kid, _ := header["kid"].(string)
	isHMAC := alg == "HS256" || alg == "HS384" || alg == "HS512"
	verifies := func(method string, key any) bool {
		m := jwt.GetSigningMethod(method)
		return m != nil && m.Verify(text, sig, key) == nil
	}
	switch {
	case s.faults.on(faultNoSignatureCheck):
		return true
	case s.faults.on(faultAlgNone) && strings.EqualFold(alg, "none"):
		return true
	case s.faults.on(faultAlgNotPinned) && isHMAC && s.keys.alg != "HS256":
		return verifies(alg, s.PublicKeyPEM())
	case s.faults.on(faultBlankSecret) && isHMAC && emptyKeyHMAC(alg, text, sig):
		return true
	case s.faults.on(faultKidInjection) && isHMAC && kid != "":
		// A kid used as a path reads as an empty file; one used in SQL
		// selects the attacker's literal.
		if strings.Contains(kid, "'") {
			return verifies(alg, []byte("1"))
		}
		return emptyKeyHMAC(alg, text, sig)
	case s.faults.on(faultEmbeddedJWK) && header["jwk"] != nil:
		jwk, _ := header["jwk"].(map[string]any)
		key, err := parseJWK(jwk)
		return err == nil && !isHMAC && verifies(alg, key)
	case s.faults.on(faultJKUFollowed) && header["jku"] != nil:
		u, _ := header["jku"].(string)
		for _, key := range fetchJWKS(u) {
			if !isHMAC && verifies(alg, key) {
				return true
			}
		}
	case s.faults.on(faultPsychicSignature) && strings.HasPrefix(alg, "ES"):
		return isZeroSignature(sig)
	}
	return false
}

// emptyKeyHMAC verifies an HMAC signature with an empty key, which
// golang-jwt rightly refuses to do.
func emptyKeyHMAC(alg, text string, sig []byte) bool {
	m, ok := jwt.GetSigningMethod(alg).(*jwt.SigningMethodHMAC)
	if !ok {
		return false
	}
	mac := hmac.New(m.Hash.New, nil)
	mac.Write([]byte(text))
	return hmac.Equal(sig, mac.Sum(nil))
}

// isZeroSignature reports whether sig is all zeros or the DER encoding of
// r = s = 0, the signatures of CVE-2022-21449.
func isZeroSignature(sig []byte) bool {
	if bytes.Equal(sig, []byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}) {
		return true
	}
	return len(sig) > 0 && bytes.Count(sig, []byte{0}) == len(sig)
}

// fetchJWKS fetches a JWK Set from u for the jku-followed fault: exactly
// the server-side request forgery RFC 8725 §3.10 warns against.
func fetchJWKS(u string) []any {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&set) != nil {
		return nil
	}
	var keys []any
	for _, jwk := range set.Keys {
		if key, err := parseJWK(jwk); err == nil {
			keys = append(keys, key)
		}
	}
	return keys
}

// unverifiedSubject reads sub from a token without verifying it, for the
// claims-before-verification fault only.
func unverifiedSubject(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) < 2 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Sub
}
