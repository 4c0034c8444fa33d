package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/authconform/authconform/steps/jwtforge"
)

func (st *scenario) fetchASMetadata(ctx context.Context) error {
	return st.send(ctx, request{method: http.MethodGet, path: pathASMetadata})
}

// expectedIssuer is the issuer the metadata must name exactly (RFC 8414
// §3.3): the profile's, or the base URL the well-known path was appended to.
func (s *Suite) expectedIssuer() string {
	if s.target.Issuer != "" {
		return s.target.Issuer
	}
	return s.target.BaseURL
}

func (st *scenario) theMetadataIssuerShouldBeTheTargets() error {
	want := st.suite.expectedIssuer()
	if got := st.json("issuer"); got.String() != want {
		return st.mismatch(fmt.Sprintf("issuer %q, identical to the issuer identifier (RFC 8414 §3.3)", want), st.describe(got))
	}
	return nil
}

func (st *scenario) fieldShouldBePresent(path string) error {
	if !st.json(path).Exists() {
		return st.mismatch(fmt.Sprintf("JSON field %q", path), "no such field")
	}
	return nil
}

// everyMetadataEndpointShouldUseHTTPS is D02.
func (st *scenario) everyMetadataEndpointShouldUseHTTPS() error {
	var bad []string
	st.json("@this").ForEach(func(k, v gjson.Result) bool {
		name := k.String()
		if (strings.HasSuffix(name, "_endpoint") || name == "jwks_uri") && !strings.HasPrefix(v.String(), "https://") {
			bad = append(bad, name)
		}
		return true
	})
	if len(bad) > 0 {
		return st.mismatch("every endpoint and jwks_uri on https", "plain URLs for "+strings.Join(bad, ", "))
	}
	return nil
}

func (st *scenario) theMetadataShouldNotAdvertisePassword() error {
	for _, g := range st.json("grant_types_supported").Array() {
		if g.String() == "password" {
			return st.mismatch("no password grant advertised (RFC 9700 §2.4)", `"password" in grant_types_supported`)
		}
	}
	return nil
}

func (st *scenario) fetchJWKS(ctx context.Context) error {
	uri := gjson.GetBytes(st.suite.probe.metadata, "jwks_uri").String()
	if uri == "" {
		uri = pathJWKS
	}
	return st.send(ctx, request{method: http.MethodGet, path: uri})
}

// theJWKSShouldHoldOnlyPublicKeys is D04.
func (st *scenario) theJWKSShouldHoldOnlyPublicKeys() error {
	keys, err := jwtforge.ParseJWKS(st.last.body)
	if err != nil {
		return st.mismatch(`a JWK Set {"keys": [...]}`, err.Error())
	}
	kids := map[string]bool{}
	for i, k := range keys {
		switch {
		case k.Kty == "":
			return st.mismatch("a kty in every key", fmt.Sprintf("key %d has none", i))
		case k.Kty == "oct":
			return st.mismatch("no symmetric key", fmt.Sprintf("key %q is oct", k.Kid))
		case len(k.PrivateMembers()) > 0:
			return st.mismatch("public keys only", fmt.Sprintf("key %q publishes %s", k.Kid, strings.Join(k.PrivateMembers(), ", ")))
		case k.Kid != "" && kids[k.Kid]:
			return st.mismatch("unique kid values", fmt.Sprintf("kid %q twice", k.Kid))
		}
		kids[k.Kid] = true
	}
	return nil
}

// theTokenShouldVerifyWithItsJWKSKey is D05: the token's kid resolves, the
// key's type and alg fit the token's alg, and the signature verifies.
func (st *scenario) theTokenShouldVerifyWithItsJWKSKey(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	bad := func(expected, got string) error {
		return &CheckError{Method: "decode", Path: "(the access token and the JWKS)", Expected: clip(expected), Got: clip(got)}
	}
	kid, _ := t.Header["kid"].(string)
	k, ok := jwtforge.FindKey(st.suite.probe.jwks, kid, t.Alg())
	if !ok {
		return bad("a JWKS key for the token's kid", fmt.Sprintf("none for kid %q", kid))
	}
	if k.Kty != jwtforge.KeyType(t.Alg()) || (k.Alg != "" && k.Alg != t.Alg()) {
		return bad(fmt.Sprintf("a key for %s", t.Alg()), fmt.Sprintf("kty %s, alg %q", k.Kty, k.Alg))
	}
	pub, err := k.PublicKey()
	if err != nil {
		return bad("a usable public key", err.Error())
	}
	if err := t.Verify(pub); err != nil {
		return bad("a signature that verifies with the key", err.Error())
	}
	return nil
}

func (st *scenario) metadataEndpoint(name string) (string, error) {
	uri := gjson.GetBytes(st.suite.probe.metadata, name).String()
	if uri == "" {
		return "", fmt.Errorf("%w: the metadata names no %s", ErrUnmetNeed, name)
	}
	return uri, nil
}

func (st *scenario) revoke(ctx context.Context, token string) error {
	uri, err := st.metadataEndpoint("revocation_endpoint")
	if err != nil {
		return err
	}
	r := st.tokenRequest(url.Values{"token": {token}})
	r.path = uri
	return st.send(ctx, r)
}

func (st *scenario) revokeTheAccessToken(ctx context.Context) error {
	return st.revoke(ctx, st.own.access)
}

func (st *scenario) revokeAnInvalidToken(ctx context.Context) error {
	return st.revoke(ctx, "garbage-"+st.marker)
}

// introspect posts token to the introspection endpoint, with the resource
// server's credentials unless anonymous.
func (st *scenario) introspect(ctx context.Context, token string, anonymous bool) error {
	uri, err := st.metadataEndpoint("introspection_endpoint")
	if err != nil {
		return err
	}
	r := request{method: http.MethodPost, path: uri, form: url.Values{"token": {token}}.Encode()}
	if !anonymous {
		r.basicUser = url.QueryEscape(st.suite.target.ResourceClientID)
		r.basicPass = url.QueryEscape(st.suite.target.ResourceClientSecret.Reveal())
	}
	return st.send(ctx, r)
}

func (st *scenario) introspectTheAccessToken(ctx context.Context) error {
	return st.introspect(ctx, st.own.access, false)
}

func (st *scenario) introspectAnInvalidToken(ctx context.Context) error {
	return st.introspect(ctx, "garbage-"+st.marker, false)
}

func (st *scenario) introspectAnonymously(ctx context.Context) error {
	return st.introspect(ctx, st.own.access, true)
}

func (st *scenario) theTokenShouldBeActive(want string) error {
	v := st.json("active")
	if v.Type != gjson.True && v.Type != gjson.False || fmt.Sprint(v.Bool()) != want {
		return st.mismatch(fmt.Sprintf(`"active": %s`, want), st.describe(v))
	}
	return nil
}

func (st *scenario) fetchPRMetadata(ctx context.Context) error {
	if err := st.send(ctx, request{method: http.MethodGet, path: pathPRMetadata}); err != nil {
		return err
	}
	if st.last.status == http.StatusNotFound {
		return fmt.Errorf("%w: the target publishes no protected resource metadata (RFC 9728 is optional)", ErrUnmetNeed)
	}
	return nil
}

// thePRMetadataShouldBeConsistent is D10: it names the resource and, if the
// target has AS metadata, its issuer among the authorization servers.
func (st *scenario) thePRMetadataShouldBeConsistent() error {
	if err := st.fieldShouldBeNonEmptyString("resource"); err != nil {
		return err
	}
	iss := gjson.GetBytes(st.suite.probe.metadata, "issuer").String()
	if iss == "" {
		return nil
	}
	for _, a := range st.json("authorization_servers").Array() {
		if a.String() == iss {
			return nil
		}
	}
	return st.mismatch(fmt.Sprintf("authorization_servers naming %q", iss), st.describe(st.json("authorization_servers")))
}
