package steps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tidwall/gjson"
)

// credentials returns the profile's user called who in a step.
func (v *vocab) credentials(who string) (Credentials, error) {
	t := v.st.suite.target
	switch who {
	case "the second user":
		if t.SecondUser == nil {
			return Credentials{}, errors.New("the profile names no second user: tag the scenario @needs-second-user so it is skipped")
		}
		return *t.SecondUser, nil
	case "the scoped user":
		if t.ScopedUser == nil {
			return Credentials{}, errors.New("the profile names no scoped user: tag the scenario @needs-scope so it is skipped")
		}
		return *t.ScopedUser, nil
	}
	return Credentials{Username: t.Username, Password: t.Password}, nil
}

func (v *vocab) authenticateAs(ctx context.Context, who string) error {
	c, err := v.credentials(who)
	if err != nil {
		return err
	}
	return v.login(ctx, c, c.Scope)
}

func (v *vocab) authenticateAsWithScope(ctx context.Context, who, scope string) error {
	c, err := v.credentials(who)
	if err != nil {
		return err
	}
	return v.login(ctx, c, scope)
}

// login sends the password grant for c, asking for scope when it is not
// empty, and makes the access token the scenario's current token.
func (v *vocab) login(ctx context.Context, c Credentials, scope string) error {
	v.st.redact.Add(c.Password.Reveal())
	r := v.st.passwordGrant(func(f url.Values) {
		f.Set("username", c.Username)
		f.Set("password", c.Password.Reveal())
		if scope != "" {
			f.Set("scope", scope)
		}
	})
	if err := v.st.send(ctx, r); err != nil {
		return fmt.Errorf("log in as %s: %w", c.Username, err)
	}
	return v.takeTokens("the login of " + c.Username)
}

// takeTokens reads a successful token response: its access token becomes
// the current token and its refresh token, if any, the one to use next.
func (v *vocab) takeTokens(what string) error {
	st := v.st
	if st.last.status != http.StatusOK {
		return st.mismatch("status 200 for "+what, st.lastStatus())
	}
	field := st.suite.target.TokenField
	token := st.json(field)
	if token.Type != gjson.String || token.String() == "" {
		return st.mismatch(fmt.Sprintf("a JSON string %q in the response to %s", field, what), describe(token))
	}
	st.token = token.String()
	st.redact.Add(st.token)
	if rt := st.json("refresh_token"); rt.Type == gjson.String && rt.String() != "" {
		v.refresh = rt.String()
		st.redact.Add(v.refresh)
	}
	return nil
}

// useRefreshToken sends the refresh_token grant (RFC 6749 §6). A 200 with
// a new access token makes it the current token; what the target answered
// is for the following Then steps to judge.
func (v *vocab) useRefreshToken(ctx context.Context) error {
	if v.refresh == "" {
		return errors.New("no refresh token in this scenario: the login of \"I am authenticated as …\" returned none (tag the scenario @needs-refresh)")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {v.refresh}}
	r := request{method: http.MethodPost, path: v.st.suite.target.TokenPath, form: form.Encode()}
	if err := v.st.send(ctx, r); err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	if v.st.last.status == http.StatusOK {
		return v.takeTokens("the refresh_token grant")
	}
	return nil
}

func (v *vocab) changeClaim(claim, value string) error {
	expanded, err := v.expand(value, asIs)
	if err != nil {
		return fmt.Errorf("claim %s: %w", claim, err)
	}
	return v.editClaims(func(c map[string]any) { c[claim] = jsonOrString(expanded) })
}

func (v *vocab) removeClaim(claim string) error {
	return v.editClaims(func(c map[string]any) { delete(c, claim) })
}

// editClaims changes the payload of the current token and keeps its header
// and signature, which therefore no longer match (RFC 7515 §5.2).
func (v *vocab) editClaims(edit func(map[string]any)) error {
	parts := strings.Split(v.st.token, ".")
	if v.st.token == "" || len(parts) != 3 {
		return errors.New("the current token is not a signed JWT: start the scenario with \"Given I am authenticated as the valid user\"")
	}
	claims, err := decodeSegment(parts[1])
	if err != nil {
		return fmt.Errorf("read the current token's claims: %w", err)
	}
	edit(claims)
	payload, err := json.Marshal(claims)
	if err != nil {
		return fmt.Errorf("encode the changed claims: %w", err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	v.st.token = strings.Join(parts, ".")
	v.st.redact.Add(v.st.token)
	return nil
}

// decodeSegment decodes a base64url JSON object of a compact JWS, keeping
// numbers as they were written.
func decodeSegment(seg string) (map[string]any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("base64url: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("JSON: %w", err)
	}
	return m, nil
}

func (v *vocab) expiredToken(ctx context.Context, n int, unit string) error {
	ago := duration(n, unit)
	return v.mint(ctx, func(c map[string]any, now time.Time, lifetime time.Duration) {
		exp := now.Add(-ago)
		setTimes(c, exp.Add(-lifetime), exp)
	})
}

func (v *vocab) notYetValidToken(ctx context.Context, n int, unit string) error {
	in := duration(n, unit)
	return v.mint(ctx, func(c map[string]any, now time.Time, lifetime time.Duration) {
		nbf := now.Add(in)
		setTimes(c, nbf, nbf.Add(lifetime))
		c["iat"] = now.Unix()
	})
}

// setTimes sets iat and nbf to from and exp to until.
func setTimes(c map[string]any, from, until time.Time) {
	c["iat"], c["nbf"], c["exp"] = from.Unix(), from.Unix(), until.Unix()
}

func duration(n int, unit string) time.Duration {
	per := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	return time.Duration(n) * per[strings.TrimSuffix(unit, "s")]
}

// mint signs, with the profile's key, a copy of a real token of the valid
// user whose times edit changes, and makes it the current token. Copying a
// real token keeps iss, aud, sub, scope and typ as the target expects, so
// that only the times are wrong.
//
// TODO(#4): move to jwtforge once that package lands; this is the minimum
// the vocabulary needs.
func (v *vocab) mint(ctx context.Context, edit func(c map[string]any, now time.Time, lifetime time.Duration)) error {
	key := v.st.suite.target.SigningKey
	if key == nil {
		return errors.New("minting a token needs the target's signing key: tag the scenario @needs-key so it is skipped")
	}
	real, err := v.st.suite.accessToken(ctx, v.st)
	if err != nil {
		return fmt.Errorf("get a token to copy: %w", err)
	}
	parts := strings.Split(real, ".")
	if len(parts) != 3 {
		return errors.New("the target's access token is not a signed JWT, so none can be minted like it")
	}
	header, err := decodeSegment(parts[0])
	if err != nil {
		return fmt.Errorf("read the target's token header: %w", err)
	}
	claims, err := decodeSegment(parts[1])
	if err != nil {
		return fmt.Errorf("read the target's token claims: %w", err)
	}

	lifetime := 15 * time.Minute
	if exp, iat := claimInt(claims["exp"]), claimInt(claims["iat"]); exp > iat && iat > 0 {
		lifetime = time.Duration(exp-iat) * time.Second
	}
	edit(claims, time.Now(), lifetime)
	if _, ok := claims["jti"]; ok {
		claims["jti"] = v.st.marker + "-minted"
	}
	signed, err := sign(key, header, claims)
	if err != nil {
		return err
	}
	v.st.token = signed
	v.st.redact.Add(signed)
	return nil
}

func claimInt(c any) int64 {
	n, _ := c.(json.Number)
	i, _ := strconv.ParseInt(string(n), 10, 64)
	return i
}

// sign signs claims with key, keeping the typ and kid of header unless
// the profile names a kid.
func sign(key *SigningKey, header, claims map[string]any) (string, error) {
	method := jwt.GetSigningMethod(key.Alg)
	if method == nil || key.Alg == "none" {
		return "", fmt.Errorf("signing key: unknown algorithm %q", key.Alg)
	}
	signKey, err := parseSigningKey(key)
	if err != nil {
		return "", err
	}
	tok := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	for _, h := range []string{"typ", "kid"} {
		if value, ok := header[h]; ok {
			tok.Header[h] = value
		}
	}
	if key.KeyID != "" {
		tok.Header["kid"] = key.KeyID
	}
	signed, err := tok.SignedString(signKey)
	if err != nil {
		return "", fmt.Errorf("sign with %s: %w", key.Alg, err)
	}
	return signed, nil
}

// parseSigningKey returns the key golang-jwt wants for key.Alg: the secret
// bytes for HMAC, a parsed PEM private key otherwise.
func parseSigningKey(key *SigningKey) (any, error) {
	raw := []byte(key.Key.Reveal())
	var (
		k   any
		err error
	)
	switch {
	case strings.HasPrefix(key.Alg, "HS"):
		return raw, nil
	case strings.HasPrefix(key.Alg, "RS"), strings.HasPrefix(key.Alg, "PS"):
		k, err = jwt.ParseRSAPrivateKeyFromPEM(raw)
	case strings.HasPrefix(key.Alg, "ES"):
		k, err = jwt.ParseECPrivateKeyFromPEM(raw)
	case key.Alg == "EdDSA":
		k, err = jwt.ParseEdPrivateKeyFromPEM(raw)
	default:
		return nil, fmt.Errorf("signing key: algorithm %q is not supported", key.Alg)
	}
	if err != nil {
		// The parse error names no key material, only what was wrong.
		return nil, fmt.Errorf("signing key for %s: %w", key.Alg, err)
	}
	return k, nil
}
