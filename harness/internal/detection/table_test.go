package detection_test

import "strings"

// Families of CHECKS.md the faults are grouped in, as the README's table
// shows them.
const (
	familySignature  = "signature and algorithm"
	familyKeys       = "key selection"
	familyTime       = "time claims"
	familyClaims     = "other claims"
	familyChallenges = "status codes and challenges"
	familyToken      = "token endpoint"
	familyRefresh    = "refresh"
	familyRevocation = "revocation, introspection, discovery"
	familyTransport  = "transport"
	familyRobustness = "robustness"
)

// config is how the reference server and the target are set up for one
// run. The zero value is the default: HS256, the default token lifetime,
// no waiting and no destructive checks.
type config struct {
	// alg is the signing algorithm; "" means HS256.
	alg string
	// wait gives the server two-second tokens and the target a maximum
	// wait, so that E01 (expiry by waiting) runs.
	wait bool
	// destructive lets T17 (brute force) run.
	destructive bool
}

// String is the options column of the README's table.
func (c config) String() string {
	var parts []string
	if c.alg != "" {
		parts = append(parts, c.alg)
	}
	if c.wait {
		parts = append(parts, "2 s tokens, waits (E01)")
	}
	if c.destructive {
		parts = append(parts, "destructive (T17)")
	}
	return strings.Join(parts, ", ")
}

// name names the config in test output.
func (c config) name() string {
	if s := c.String(); s != "" {
		return s
	}
	return "default"
}

// enabled are the checks the config switches on beyond the default: they
// are skipped against the correct server in the default config and must
// pass (or be expected to fail) here.
func (c config) enabled() map[string]bool {
	on := map[string]bool{}
	if c.wait {
		on["E01"] = true
	}
	if c.destructive {
		on["T17"] = true
	}
	return on
}

// baseline is the config of the run against the correct server that a
// fault's run is compared with: the same algorithm, since which checks
// apply depends on it.
func (c config) baseline() config { return config{alg: c.alg} }

// row is one fault of the detection table. Which checks the fault must make
// fail is the fault's own metadata (server.Fault.Checks); the row says how
// to make the fault observable.
type row struct {
	family string
	cfg    config
	// noVerdict: the fault breaks the harness's preflight (a broken
	// signature opens the resource), so the CLI exits 3 with no verdict.
	// The suite is still run, to show which checks the fault breaks.
	noVerdict bool
	// quick puts the fault in the subset that `make test` runs; `make
	// detect` runs them all.
	quick bool
}

// table has a row for every fault of server.Faults();
// TestTable_coversEveryFault keeps the two in step.
var table = map[string]row{
	// Algorithm and signature bypasses.
	"alg-none":                   {family: familySignature, quick: true},
	"signature-not-verified":     {family: familySignature, noVerdict: true},
	"alg-not-pinned":             {family: familySignature, cfg: config{alg: "RS256"}},
	"blank-hmac-secret":          {family: familySignature},
	"weak-hmac-secret":           {family: familySignature},
	"psychic-signature":          {family: familySignature, cfg: config{alg: "ES256"}},
	"crit-ignored":               {family: familySignature},
	"claims-before-verification": {family: familySignature},

	// Key selection.
	"embedded-jwk-trusted": {family: familyKeys},
	"jku-followed":         {family: familyKeys},
	"kid-injection":        {family: familyKeys, quick: true},
	"jwks-private-members": {family: familyKeys},
	"kid-not-in-jwks":      {family: familyKeys, cfg: config{alg: "RS256"}},

	// Time claims.
	"exp-not-checked":       {family: familyTime, cfg: config{wait: true}},
	"exp-not-required":      {family: familyTime, quick: true},
	"nbf-not-checked":       {family: familyTime},
	"iat-not-checked":       {family: familyTime},
	"huge-leeway":           {family: familyTime},
	"lenient-numeric-dates": {family: familyTime},
	"lifetime-mismatch":     {family: familyTime},

	// Other claims.
	"aud-not-checked":      {family: familyClaims, quick: true},
	"iss-not-checked":      {family: familyClaims},
	"typ-not-checked":      {family: familyClaims},
	"unknown-sub-accepted": {family: familyClaims},

	// Status codes and challenges at the resource.
	"no-challenge":                     {family: familyChallenges, quick: true},
	"bare-challenge":                   {family: familyChallenges},
	"error-without-credentials":        {family: familyChallenges},
	"garbage-token-accepted":           {family: familyChallenges},
	"scheme-case-sensitive":            {family: familyChallenges},
	"scope-not-enforced":               {family: familyChallenges},
	"duplicate-authorization-accepted": {family: familyChallenges},
	"two-methods-accepted":             {family: familyChallenges},
	"unsafe-error-description":         {family: familyChallenges},

	// Transport: where the token may travel, caching, echoed secrets.
	"query-token-accepted": {family: familyTransport, quick: true},
	"body-token-accepted":  {family: familyTransport},
	"resource-cacheable":   {family: familyTransport},
	"secrets-echoed":       {family: familyTransport},

	// Robustness.
	"garbage-token-panics": {family: familyRobustness, quick: true},

	// Token endpoint responses and errors.
	"no-cache-control":                     {family: familyToken},
	"no-pragma":                            {family: familyToken},
	"no-expires-in":                        {family: familyToken},
	"wrong-password-accepted":              {family: familyToken, quick: true},
	"user-enumeration":                     {family: familyToken},
	"grant-type-optional":                  {family: familyToken},
	"invalid-grant-401":                    {family: familyToken},
	"missing-param-422":                    {family: familyToken},
	"unsupported-grant-as-invalid-request": {family: familyToken},
	"repeated-params-accepted":             {family: familyToken},
	"get-token-endpoint":                   {family: familyToken},
	"json-body-accepted":                   {family: familyToken},
	"basic-auth-no-challenge":              {family: familyToken},
	"client-secret-not-checked":            {family: familyToken},
	"unknown-scope-ignored":                {family: familyToken},
	"no-throttling":                        {family: familyToken, cfg: config{destructive: true}},

	// Refresh rotation and binding.
	"refresh-reuse-accepted":        {family: familyRefresh, quick: true},
	"refresh-family-not-revoked":    {family: familyRefresh},
	"refresh-scope-upgrade":         {family: familyRefresh},
	"refresh-not-client-bound":      {family: familyRefresh},
	"refresh-token-as-access-token": {family: familyRefresh},
	"refresh-same-access-token":     {family: familyRefresh},

	// Revocation, introspection and discovery.
	"revocation-ignored":            {family: familyRevocation, quick: true},
	"revoke-garbage-400":            {family: familyRevocation},
	"metadata-issuer-mismatch":      {family: familyRevocation},
	"introspection-unauthenticated": {family: familyRevocation},
	"introspection-always-active":   {family: familyRevocation},
}
