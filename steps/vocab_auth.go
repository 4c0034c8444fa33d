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
	"strings"
	"time"

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
	// With the profile's client authentication, like the login: a refresh
	// token is bound to the client it was issued to (RFC 6749 §6).
	r := v.st.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {v.refresh}})
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
	ago := int64(duration(n, unit).Seconds())
	return v.mint(ctx, func(c map[string]any, now int64) {
		exp := now - ago
		setTimes(c, exp-int64(mintedLifetime.Seconds()), exp)
	})
}

func (v *vocab) notYetValidToken(ctx context.Context, n int, unit string) error {
	in := int64(duration(n, unit).Seconds())
	return v.mint(ctx, func(c map[string]any, now int64) {
		nbf := now + in
		setTimes(c, nbf, nbf+int64(mintedLifetime.Seconds()))
		c["iat"] = now
	})
}

// setTimes sets iat and nbf to from and exp to until, in seconds.
func setTimes(c map[string]any, from, until int64) {
	c["iat"], c["nbf"], c["exp"] = from, from, until
}

func duration(n int, unit string) time.Duration {
	per := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	return time.Duration(n) * per[strings.TrimSuffix(unit, "s")]
}

// mint signs, with the profile's key, a copy of a real token of the valid
// user whose times edit changes, and makes it the current token. It goes
// through Suite.mint, so the copy keeps sub, scope and typ as the target
// expects, takes the profile's issuer and audience, gets a jti of its own
// and is stamped on the target's clock (now, in seconds): only the times
// are wrong.
func (v *vocab) mint(ctx context.Context, edit func(c map[string]any, now int64)) error {
	s := v.st.suite
	if s.target.SigningKey == nil {
		return errors.New("minting a token needs the target's signing key: tag the scenario @needs-key so it is skipped")
	}
	// The probe's login learns the real token to copy and the target's
	// clock, once per suite; in a run the preflight has done it already.
	if err := s.learnSample(ctx); err != nil {
		return fmt.Errorf("get a token to copy: %w", err)
	}
	now := s.targetNow().Unix()
	signed, err := s.mint(func(_, c map[string]any) { edit(c, now) })
	if err != nil {
		return fmt.Errorf("mint a token like the target's: %w", err)
	}
	v.st.token = signed
	v.st.redact.Add(signed)
	return nil
}
