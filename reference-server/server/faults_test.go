package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// faultProbes observe each fault from outside: a probe reports whether
// the deviation shows. It must not show on the default server and must
// show with the fault on.
var faultProbes = map[string]func(f *fixture) bool{
	faultAlgNone: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(rawToken(map[string]any{"alg": "nOnE", "typ": "at+jwt"}, f.validClaims(), nil))).Code == 200
	},
	faultNoSignatureCheck: func(f *fixture) bool {
		parts := strings.Split(f.mint(nil, nil), ".")
		return f.get(PathSecureData, bearer(parts[0]+"."+parts[1]+".AAAA")).Code == 200
	},
	faultBlankSecret: func(f *fixture) bool {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.validClaims())
		tok.Header["typ"] = "at+jwt"
		s, _ := tok.SigningString()
		return f.get(PathSecureData, bearer(s+"."+encodeBytes(hmacSHA256(nil, s)))).Code == 200
	},
	faultWeakSecret: func(f *fixture) bool { return string(f.srv.HMACSecret()) == "secret" },
	faultKidInjection: func(f *fixture) bool {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.validClaims())
		tok.Header["typ"], tok.Header["kid"] = "at+jwt", "../../../../dev/null"
		s, _ := tok.SigningString()
		return f.get(PathSecureData, bearer(s+"."+encodeBytes(hmacSHA256(nil, s)))).Code == 200
	},
	faultPsychicSignature: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(rawToken(map[string]any{"alg": "ES256", "typ": "at+jwt"}, f.validClaims(), make([]byte, 64)))).Code == 200
	},
	faultCritIgnored: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(nil, func(h map[string]any) { h["crit"] = []string{"x"}; h["x"] = 1 }))).Code == 200
	},
	faultClaimsReflected: func(f *fixture) bool {
		tok := f.mint(func(c jwt.MapClaims) { c["sub"] = "marker42" }, nil)
		return strings.Contains(f.get(PathSecureData, bearer(tok[:len(tok)-2])).Body.String(), "marker42")
	},
	faultKidMismatch: func(f *fixture) bool {
		tok, _, _ := jwt.NewParser().ParseUnverified(f.accessToken(), jwt.MapClaims{})
		return tok.Header["kid"] != f.srv.KeyID()
	},
	faultJWKSPrivate: func(f *fixture) bool { return strings.Contains(f.get(PathJWKS, "").Body.String(), `"oct"`) },
	faultExpNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(-time.Hour).Unix() }, nil))).Code == 200
	},
	faultExpNotRequired: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { delete(c, "exp") }, nil))).Code == 200
	},
	faultNbfNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["nbf"] = f.clock.Now().Add(time.Hour).Unix() }, nil))).Code == 200
	},
	faultIatNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["iat"] = f.clock.Now().Add(time.Hour).Unix() }, nil))).Code == 200
	},
	faultHugeLeeway: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(-330 * time.Second).Unix() }, nil))).Code == 200
	},
	faultLenientTimes: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["exp"] = "9999999999" }, nil))).Code == 200
	},
	faultLongLifetime: func(f *fixture) bool {
		tok, _, _ := jwt.NewParser().ParseUnverified(f.accessToken(), jwt.MapClaims{})
		c := tok.Claims.(jwt.MapClaims)
		return c["exp"].(float64)-c["iat"].(float64) != 900
	},
	faultAudNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["aud"] = "other" }, nil))).Code == 200
	},
	faultIssNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }, nil))).Code == 200
	},
	faultTypNotChecked: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(nil, func(h map[string]any) { h["typ"] = "JWT" }))).Code == 200
	},
	faultUnknownSub: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.mint(func(c jwt.MapClaims) { c["sub"] = "ghost" }, nil))).Code == 200
	},
	faultNoChallenge: func(f *fixture) bool { return f.get(PathSecureData, "").Header().Get("WWW-Authenticate") == "" },
	faultBareChallenge: func(f *fixture) bool {
		return f.get(PathSecureData, "").Header().Get("WWW-Authenticate") == "Bearer"
	},
	faultErrorOnNoCreds: func(f *fixture) bool {
		return strings.Contains(f.get(PathSecureData, "").Header().Get("WWW-Authenticate"), "error=")
	},
	faultGarbageAccepted: func(f *fixture) bool { return f.get(PathSecureData, "Bearer garbage").Code == 200 },
	faultGarbagePanics: func(f *fixture) bool {
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, withAuth(httptest.NewRequest(http.MethodGet, PathSecureData, nil), "Bearer garbage"))
		return rec.Code == 500
	},
	faultSchemeCaseSens:   func(f *fixture) bool { return f.get(PathSecureData, "bearer "+f.accessToken()).Code != 200 },
	faultScopeNotEnforced: func(f *fixture) bool { return f.get(PathAdmin, bearer(f.accessToken())).Code == 200 },
	faultNoPrivateCaching: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.accessToken())).Header().Get("Cache-Control") == ""
	},
	faultDuplicateAuthOK: func(f *fixture) bool {
		req := httptest.NewRequest(http.MethodGet, PathSecureData, nil)
		req.Header.Add("Authorization", bearer(f.accessToken()))
		req.Header.Add("Authorization", "Bearer x")
		return f.do(req).Code == 200
	},
	faultTwoMethodsOK: func(f *fixture) bool {
		tok := f.accessToken()
		return f.get(PathSecureData+"?access_token="+tok, bearer(tok)).Code == 200
	},
	faultQueryToken: func(f *fixture) bool { return f.get(PathSecureData+"?access_token="+f.accessToken(), "").Code == 200 },
	faultFormBodyToken: func(f *fixture) bool {
		req := httptest.NewRequest(http.MethodGet, PathSecureData, strings.NewReader("access_token="+f.accessToken()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return f.do(req).Code == 200
	},
	faultSecretsEchoed: func(f *fixture) bool {
		return strings.Contains(f.post(PathToken, passwordForm(DemoUsername, "hunter2")).Body.String(), "hunter2")
	},
	faultUnsafeDescription: func(f *fixture) bool {
		return strings.ContainsAny(f.post(PathToken, passwordForm(DemoUsername, "x")).str("error_description"), "\"\t\\")
	},
	faultNoCacheControl: func(f *fixture) bool { return f.login().Header().Get("Cache-Control") == "" },
	faultNoPragma:       func(f *fixture) bool { return f.login().Header().Get("Pragma") == "" },
	faultNoExpiresIn:    func(f *fixture) bool { return f.login().body["expires_in"] == nil },
	faultWrongPasswordOK: func(f *fixture) bool {
		return f.post(PathToken, passwordForm(DemoUsername, "wrong")).Code == 200
	},
	faultUserEnumeration: func(f *fixture) bool {
		return f.post(PathToken, passwordForm("ghost", "x")).Code != f.post(PathToken, passwordForm(DemoUsername, "x")).Code
	},
	faultGrantTypeOptional: func(f *fixture) bool {
		return f.post(PathToken, "username=testuser&password=testpass").Code == 200
	},
	faultInvalidGrant401: func(f *fixture) bool { return f.post(PathToken, passwordForm(DemoUsername, "x")).Code == 401 },
	faultMissingParam422: func(f *fixture) bool { return f.post(PathToken, "grant_type=password").Code == 422 },
	faultRepeatedParamsOK: func(f *fixture) bool {
		return f.post(PathToken, passwordForm(DemoUsername, DemoPassword)+"&password=x").Code == 200
	},
	faultWrongGrantErrorCode: func(f *fixture) bool {
		return f.post(PathToken, "grant_type=foo").str("error") == "invalid_request"
	},
	faultGetTokenEndpoint: func(f *fixture) bool {
		return f.get(PathToken+"?"+passwordForm(DemoUsername, DemoPassword), "").Code == 200
	},
	faultJSONBodyAccepted: func(f *fixture) bool {
		req := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(`{"grant_type":"password","username":"testuser","password":"testpass"}`))
		req.Header.Set("Content-Type", "application/json")
		return f.do(req).Code == 200
	},
	faultBasicNoChallenge: func(f *fixture) bool {
		return f.post(PathToken, passwordForm(DemoUsername, DemoPassword), "Authorization", basic(DemoConfidentialClientID, "x")).Code == 400
	},
	faultClientSecretIgnored: func(f *fixture) bool {
		return f.post(PathToken, passwordForm(DemoUsername, DemoPassword), "Authorization", basic(DemoConfidentialClientID, "x")).Code == 200
	},
	faultUnknownScopeIgnored: func(f *fixture) bool {
		return f.post(PathToken, passwordForm(DemoUsername, DemoPassword)+"&scope=bogus").Code == 200
	},
	faultNoThrottling: func(f *fixture) bool {
		for range DefaultThrottleFailures + 1 {
			f.post(PathToken, passwordForm(DemoUsername, "x"))
		}
		return f.post(PathToken, passwordForm(DemoUsername, DemoPassword)).Code == 200
	},
	faultRefreshReuse: func(f *fixture) bool {
		rt := f.login().str("refresh_token")
		f.post(PathToken, refreshForm(rt))
		return f.post(PathToken, refreshForm(rt)).Code == 200
	},
	faultNoFamilyRevocation: func(f *fixture) bool {
		rt := f.login().str("refresh_token")
		rt2 := f.post(PathToken, refreshForm(rt)).str("refresh_token")
		f.post(PathToken, refreshForm(rt))
		return f.post(PathToken, refreshForm(rt2)).Code == 200
	},
	faultRefreshScopeUp: func(f *fixture) bool {
		return f.post(PathToken, refreshForm(f.login().str("refresh_token"), "scope", "admin")).Code == 200
	},
	faultRefreshNotBound: func(f *fixture) bool {
		rt := f.login().str("refresh_token")
		return f.post(PathToken, refreshForm(rt), "Authorization", basic(DemoConfidentialClientID, DemoConfidentialClientSecret)).Code == 200
	},
	faultRefreshAsAccess: func(f *fixture) bool {
		return f.get(PathSecureData, bearer(f.login().str("refresh_token"))).Code == 200
	},
	faultSameAccessToken: func(f *fixture) bool {
		login := f.login()
		return f.post(PathToken, refreshForm(login.str("refresh_token"))).str("access_token") == login.str("access_token")
	},
	faultRevocationIgnored: func(f *fixture) bool {
		tok := f.accessToken()
		f.post(PathRevoke, "token="+tok)
		return f.get(PathSecureData, bearer(tok)).Code == 200
	},
	faultRevokeGarbage400: func(f *fixture) bool { return f.post(PathRevoke, "token=garbage").Code == 400 },
	faultMetadataIssuer:   func(f *fixture) bool { return f.get(PathMetadata, "").str("issuer") != f.srv.cfg.Issuer },
	faultIntrospectOpen:   func(f *fixture) bool { return f.post(PathIntrospect, "token=x").Code == 200 },
	faultIntrospectActive: func(f *fixture) bool {
		return f.post(PathIntrospect, "token=x", "Authorization", basic(DemoResourceClientID, DemoResourceClientSecret)).body["active"] == true
	},
}

func withAuth(req *http.Request, v string) *http.Request {
	req.Header.Set("Authorization", v)
	return req
}

func TestFaults_eachShowsOnlyWhenOn(t *testing.T) {
	for _, fault := range Faults() {
		t.Run(fault.Name, func(t *testing.T) {
			if fault.Description == "" || len(fault.Checks) == 0 {
				t.Error("a fault needs a description and the checks it breaks")
			}
			probe, ok := faultProbes[fault.Name]
			if !ok {
				t.Skipf("needs a key type or a network peer; covered in its own test")
			}
			if probe(newFixture(t, nil)) {
				t.Error("the deviation shows on the default server")
			}
			if !probe(newFixture(t, func(c *Config) { c.InsecureFaults = []string{fault.Name} })) {
				t.Error("the deviation does not show with the fault on")
			}
		})
	}
}

func TestFaults_algNotPinned(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Alg = "RS256"; c.InsecureFaults = []string{faultAlgNotPinned} })
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.validClaims())
	tok.Header["typ"] = "at+jwt"
	signed, err := tok.SignedString(f.srv.PublicKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	if r := f.get(PathSecureData, bearer(signed)); r.Code != http.StatusOK {
		t.Errorf("HS256 keyed with the public PEM: %d, want 200 with the fault", r.Code)
	}
}

func TestFaults_embeddedJWKAndJKU(t *testing.T) {
	attacker := newFixture(t, func(c *Config) { c.Alg = "ES256" })
	jwks := httptest.NewServer(attacker.srv)
	t.Cleanup(jwks.Close)
	forged := func(f *fixture, header func(map[string]any)) string {
		key, _ := attacker.srv.keys.signing()
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, f.validClaims())
		tok.Header["typ"] = "at+jwt"
		header(tok.Header)
		s, _ := tok.SignedString(key)
		return s
	}
	var jwk map[string]string
	for _, k := range attacker.srv.keys.jwks(attacker.clock.Now())["keys"] {
		jwk = k
	}
	tests := []struct {
		fault  string
		header func(map[string]any)
	}{
		{fault: faultEmbeddedJWK, header: func(h map[string]any) { h["jwk"] = jwk }},
		{fault: faultJKUFollowed, header: func(h map[string]any) { h["jku"] = jwks.URL + PathJWKS }},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			for _, on := range []bool{false, true} {
				f := newFixture(t, func(c *Config) {
					if on {
						c.InsecureFaults = []string{tt.fault}
					}
				})
				if got := f.get(PathSecureData, bearer(forged(f, tt.header))).Code == 200; got != on {
					t.Errorf("fault on %v: accepted %v", on, got)
				}
			}
		})
	}
}

func TestFaults_refuseNonLoopback(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.InsecureFaults = []string{faultAlgNone} })
	ln := fakeListener{addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 80}}
	if err := f.srv.Serve(context.Background(), ln); !errors.Is(err, ErrInsecureListener) {
		t.Errorf("Serve on 192.0.2.1 = %v, want ErrInsecureListener", err)
	}
}

// fakeListener reports an address and accepts nothing.
type fakeListener struct{ addr net.Addr }

func (l fakeListener) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (l fakeListener) Close() error              { return nil }
func (l fakeListener) Addr() net.Addr            { return l.addr }

func TestFaults_namesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Faults() {
		if seen[f.Name] {
			t.Errorf("fault %s listed twice", f.Name)
		}
		seen[f.Name] = true
	}
	if len(seen) < 30 {
		t.Errorf("%d faults, want at least 30", len(seen))
	}
}
