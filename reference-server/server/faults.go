package server

import (
	"fmt"
	"slices"
	"strings"
)

// Fault is a deliberate deviation from the specification that the
// reference server can switch on (Config.InsecureFaults). Each one exists to
// show that the harness's checks catch it: with the fault on, the checks in
// Checks fail and every other check still passes.
type Fault struct {
	// Name is what --insecure-fault takes.
	Name string
	// Description says in one line what the server then does wrong.
	Description string
	// Checks are the CHECKS.md IDs the fault should make fail, when the
	// harness has what they need (a key, a second client, …).
	Checks []string
}

// Names of the faults, one constant each so a typo is a compile error.
const (
	// Algorithm and signature bypasses.
	faultAlgNone          = "alg-none"
	faultNoSignatureCheck = "signature-not-verified"
	faultAlgNotPinned     = "alg-not-pinned"
	faultBlankSecret      = "blank-hmac-secret"
	faultWeakSecret       = "weak-hmac-secret"
	faultPsychicSignature = "psychic-signature"
	faultCritIgnored      = "crit-ignored"
	faultClaimsReflected  = "claims-before-verification"
	// Key selection.
	faultEmbeddedJWK  = "embedded-jwk-trusted"
	faultJKUFollowed  = "jku-followed"
	faultKidInjection = "kid-injection"
	faultJWKSPrivate  = "jwks-private-members"
	faultKidMismatch  = "kid-not-in-jwks"
	// Time claims.
	faultExpNotChecked  = "exp-not-checked"
	faultExpNotRequired = "exp-not-required"
	faultNbfNotChecked  = "nbf-not-checked"
	faultIatNotChecked  = "iat-not-checked"
	faultHugeLeeway     = "huge-leeway"
	faultLenientTimes   = "lenient-numeric-dates"
	faultLongLifetime   = "lifetime-mismatch"
	// Other claims.
	faultAudNotChecked = "aud-not-checked"
	faultIssNotChecked = "iss-not-checked"
	faultTypNotChecked = "typ-not-checked"
	faultUnknownSub    = "unknown-sub-accepted"
	// Status codes and challenges at the resource.
	faultNoChallenge       = "no-challenge"
	faultBareChallenge     = "bare-challenge"
	faultErrorOnNoCreds    = "error-without-credentials"
	faultGarbageAccepted   = "garbage-token-accepted"
	faultGarbagePanics     = "garbage-token-panics"
	faultSchemeCaseSens    = "scheme-case-sensitive"
	faultScopeNotEnforced  = "scope-not-enforced"
	faultNoPrivateCaching  = "resource-cacheable"
	faultDuplicateAuthOK   = "duplicate-authorization-accepted"
	faultTwoMethodsOK      = "two-methods-accepted"
	faultQueryToken        = "query-token-accepted"
	faultFormBodyToken     = "body-token-accepted"
	faultSecretsEchoed     = "secrets-echoed"
	faultUnsafeDescription = "unsafe-error-description"
	// Token endpoint responses and errors.
	faultNoCacheControl      = "no-cache-control"
	faultNoPragma            = "no-pragma"
	faultNoExpiresIn         = "no-expires-in"
	faultWrongPasswordOK     = "wrong-password-accepted"
	faultUserEnumeration     = "user-enumeration"
	faultGrantTypeOptional   = "grant-type-optional"
	faultInvalidGrant401     = "invalid-grant-401"
	faultMissingParam422     = "missing-param-422"
	faultWrongGrantErrorCode = "unsupported-grant-as-invalid-request"
	faultRepeatedParamsOK    = "repeated-params-accepted"
	faultGetTokenEndpoint    = "get-token-endpoint"
	faultJSONBodyAccepted    = "json-body-accepted"
	faultBasicNoChallenge    = "basic-auth-no-challenge"
	faultClientSecretIgnored = "client-secret-not-checked"
	faultUnknownScopeIgnored = "unknown-scope-ignored"
	faultNoThrottling        = "no-throttling"
	// Refresh rotation.
	faultRefreshReuse       = "refresh-reuse-accepted"
	faultNoFamilyRevocation = "refresh-family-not-revoked"
	faultRefreshScopeUp     = "refresh-scope-upgrade"
	faultRefreshNotBound    = "refresh-not-client-bound"
	faultRefreshAsAccess    = "refresh-token-as-access-token"
	faultSameAccessToken    = "refresh-same-access-token"
	// Discovery, revocation and introspection.
	faultRevocationIgnored = "revocation-ignored"
	faultRevokeGarbage400  = "revoke-garbage-400"
	faultMetadataIssuer    = "metadata-issuer-mismatch"
	faultIntrospectOpen    = "introspection-unauthenticated"
	faultIntrospectActive  = "introspection-always-active"
)

// faults is the catalogue; Faults returns a copy.
var faults = []Fault{
	{faultAlgNone, `accepts alg "none" in any letter case, with or without a signature`, []string{"F04", "F05"}},
	{faultNoSignatureCheck, "decodes tokens without verifying their signature", []string{"F01", "F02", "F03", "F04", "F05", "F06", "F09", "F10", "F11", "F12", "F13", "F14", "F16"}},
	{faultAlgNotPinned, "lets the header pick the algorithm: HS256 keyed with the public key PEM passes (RS/ES/EdDSA servers)", []string{"F08"}},
	{faultBlankSecret, "also accepts HS256/384/512 tokens signed with an empty key", []string{"F06", "F12"}},
	{faultWeakSecret, `signs HS256 with the dictionary word "secret"`, []string{"F07"}},
	{faultPsychicSignature, "accepts an ES256/384/512 signature of zeros (CVE-2022-21449)", []string{"F03", "F13"}},
	{faultCritIgnored, "ignores unknown crit header parameters", []string{"F18"}},
	{faultClaimsReflected, "reads sub before verifying and echoes it in the error description", []string{"F14"}},
	{faultEmbeddedJWK, "trusts a public key embedded in the jwk header (CVE-2018-0114)", []string{"F10"}},
	{faultJKUFollowed, "fetches the jku header URL and trusts the keys there", []string{"F11"}},
	{faultKidInjection, "uses kid as a file path (empty key) or SQL lookup (key \"1\") for the HMAC key", []string{"F06", "F12"}},
	{faultJWKSPrivate, "publishes private members (or an oct key for HS256) in the JWKS", []string{"D04"}},
	{faultKidMismatch, "puts a kid in token headers that the JWKS does not have", []string{"D05"}},
	{faultExpNotChecked, "accepts expired tokens, and so tokens without exp", []string{"E01", "E02", "E03", "E07"}},
	{faultExpNotRequired, "accepts tokens without exp", []string{"E07"}},
	{faultNbfNotChecked, "accepts tokens before their nbf", []string{"E05"}},
	{faultIatNotChecked, "accepts tokens issued in the future", []string{"E06"}},
	{faultHugeLeeway, "tolerates one hour of clock skew, on exp, nbf and iat", []string{"E03", "E05", "E06"}},
	{faultLenientTimes, "accepts exp, nbf and iat as strings or out-of-range numbers", []string{"E08"}},
	{faultLongLifetime, "signs tokens valid for a day while expires_in says otherwise", []string{"T04", "E09"}},
	{faultAudNotChecked, "accepts any audience", []string{"F19"}},
	{faultIssNotChecked, "accepts any issuer", []string{"F20"}},
	{faultTypNotChecked, "accepts tokens whose typ is not at+jwt", []string{"F22"}},
	{faultUnknownSub, "accepts tokens for subjects that are no user", []string{"F21"}},
	{faultNoChallenge, "answers 401 without WWW-Authenticate", []string{"B02", "B03", "B04", "B06"}},
	{faultBareChallenge, "sends a bare Bearer challenge without realm", []string{"B03"}},
	{faultErrorOnNoCreds, `puts error="invalid_token" in the challenge of requests without credentials`, []string{"B02", "B06"}},
	{faultGarbageAccepted, "answers 200 to a token that is not a JWT, a refresh token among them", []string{"B04", "F17", "R07"}},
	{faultGarbagePanics, "panics (500) on a token that is not a JWT, a refresh token among them", []string{"B04", "F17", "R07", "X04"}},
	{faultSchemeCaseSens, `accepts only the exact scheme "Bearer"`, []string{"B05"}},
	{faultScopeNotEnforced, "lets any valid token into scoped endpoints", []string{"B13"}},
	{faultNoPrivateCaching, "sends no Cache-Control on authenticated responses", []string{"X05"}},
	{faultDuplicateAuthOK, "uses the first of several Authorization headers", []string{"B12"}},
	{faultTwoMethodsOK, "accepts a token sent in the header and the query at once", []string{"B11"}},
	{faultQueryToken, "accepts access_token in the query string, without Cache-Control: private", []string{"B09", "B15"}},
	{faultFormBodyToken, "accepts access_token in a GET form body", []string{"B10"}},
	{faultSecretsEchoed, "echoes the submitted password and token in error descriptions", []string{"X03"}},
	{faultUnsafeDescription, "puts quotes and control characters in error_description", []string{"T06", "B14"}},
	{faultNoCacheControl, "sends no Cache-Control: no-store with token responses", []string{"T02", "R01"}},
	{faultNoPragma, "sends no Pragma: no-cache with token responses", []string{"T03", "R01"}},
	{faultNoExpiresIn, "leaves expires_in out of token responses", []string{"T04"}},
	{faultWrongPasswordOK, "issues tokens for a known user with any password", []string{"T06", "T07"}},
	{faultUserEnumeration, "answers an unknown user differently from a wrong password", []string{"T07"}},
	{faultGrantTypeOptional, "treats a missing grant_type as password", []string{"T08"}},
	{faultInvalidGrant401, "answers invalid_grant with 401 instead of 400", []string{"T06", "R02", "R03", "R04", "R06"}},
	{faultMissingParam422, "answers a missing parameter with 422", []string{"T08", "T10"}},
	{faultWrongGrantErrorCode, "answers an unknown grant type with invalid_request", []string{"T09"}},
	{faultRepeatedParamsOK, "accepts repeated parameters, using the first", []string{"T11"}},
	{faultGetTokenEndpoint, "issues tokens on GET with the parameters in the query", []string{"T12"}},
	{faultJSONBodyAccepted, "accepts a JSON body at the token endpoint", []string{"T13"}},
	{faultBasicNoChallenge, "answers bad Basic client credentials with 400 and no challenge", []string{"T14"}},
	{faultClientSecretIgnored, "accepts any client secret", []string{"T14", "T15"}},
	{faultUnknownScopeIgnored, "ignores unknown requested scopes and leaves scope out of the response", []string{"T16"}},
	{faultNoThrottling, "never throttles wrong passwords", []string{"T17"}},
	{faultRefreshReuse, "keeps a used refresh token valid", []string{"R03", "R04"}},
	{faultNoFamilyRevocation, "refuses a reused refresh token but keeps its family alive", []string{"R04"}},
	{faultRefreshScopeUp, "grants any known scope asked for on refresh", []string{"R05"}},
	{faultRefreshNotBound, "accepts a refresh token from any client", []string{"R06"}},
	{faultRefreshAsAccess, "accepts a refresh token as a bearer access token", []string{"R07"}},
	{faultSameAccessToken, "answers a refresh with the previous access token", []string{"R08"}},
	{faultRevocationIgnored, "answers revocation requests with 200 and revokes nothing", []string{"D06", "D09"}},
	{faultRevokeGarbage400, "answers revocation of an unknown token with 400", []string{"D07"}},
	{faultMetadataIssuer, "advertises an issuer with a trailing slash in its metadata", []string{"D01"}},
	{faultIntrospectOpen, "answers introspection without client credentials", []string{"D09"}},
	{faultIntrospectActive, "reports every token as active", []string{"D09"}},
}

// Faults returns every deliberate fault the server knows, in a stable order.
func Faults() []Fault {
	out := make([]Fault, len(faults))
	for i, f := range faults {
		f.Checks = slices.Clone(f.Checks)
		out[i] = f
	}
	return out
}

// validateFaults reports the first unknown fault name.
func validateFaults(names []string) error {
	for _, n := range names {
		if !slices.ContainsFunc(faults, func(f Fault) bool { return f.Name == n }) {
			return fmt.Errorf("insecure fault %q: unknown (see --list-faults)", n)
		}
	}
	return nil
}

// faultSet is the set of faults switched on.
type faultSet map[string]bool

func newFaultSet(names []string) faultSet {
	fs := faultSet{}
	for _, n := range names {
		fs[n] = true
	}
	return fs
}

// on reports whether the named fault is switched on.
func (fs faultSet) on(name string) bool { return fs[name] }

// String lists the faults switched on, sorted, for the start-up warning.
func (fs faultSet) String() string {
	names := make([]string, 0, len(fs))
	for n := range fs {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}
