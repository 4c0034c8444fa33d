package steps_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// fakeSecret signs the fake API's tokens; tests hand it to the suite as the
// target's signing key.
var fakeSecret = []byte("fake-api-secret-of-at-least-32-bytes!")

// fakeUsers are the fake API's users and their scopes, those of the
// reference server's demo users.
var fakeUsers = map[string]struct {
	password string
	scopes   []string
}{
	"testuser": {"testpass", []string{"read", "orders"}},
	"admin":    {"adminpass", []string{"read", "admin", "orders"}},
}

// fakeAPI is a small API with the /orders contract of the reference server
// (issue 8): a password and refresh_token token endpoint, HS256 bearer
// tokens with scopes, /secure-data and /orders. The vocabulary tests run
// against it until the reference server serves /orders.
type fakeAPI struct {
	mu      sync.Mutex
	orders  map[string]order
	refresh map[string]string // refresh token → user
}

type order struct {
	ID       string `json:"id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
	Owner    string `json:"owner"`
}

func startFakeAPI(t *testing.T) *httptest.Server {
	t.Helper()
	f := &fakeAPI{orders: map[string]order{}, refresh: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("GET /secure-data", f.bearer("read", func(w http.ResponseWriter, _ *http.Request, sub string) {
		writeJSON(w, http.StatusOK, map[string]string{"username": sub, "data": "secret"})
	}))
	mux.HandleFunc("GET /orders", f.bearer("orders", f.listOrders))
	mux.HandleFunc("POST /orders", f.bearer("orders", f.createOrder))
	mux.HandleFunc("GET /orders/{id}", f.bearer("orders", f.getOrder))
	mux.HandleFunc("DELETE /orders/{id}", f.bearer("orders", f.deleteOrder))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (f *fakeAPI) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	var user string
	switch r.PostForm.Get("grant_type") {
	case "password":
		u, ok := fakeUsers[r.PostForm.Get("username")]
		if !ok || u.password != r.PostForm.Get("password") {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "bad credentials")
			return
		}
		user = r.PostForm.Get("username")
	case "refresh_token":
		f.mu.Lock()
		user = f.refresh[r.PostForm.Get("refresh_token")]
		delete(f.refresh, r.PostForm.Get("refresh_token"))
		f.mu.Unlock()
		if user == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown refresh token")
			return
		}
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "no grant_type")
		return
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
		return
	}
	scopes := fakeUsers[user].scopes
	if s := r.PostForm.Get("scope"); s != "" {
		for _, want := range strings.Fields(s) {
			if !slices.Contains(scopes, want) {
				oauthError(w, http.StatusBadRequest, "invalid_scope", "scope not granted")
				return
			}
		}
		scopes = strings.Fields(s)
	}
	f.issue(w, user, strings.Join(scopes, " "))
}

func (f *fakeAPI) issue(w http.ResponseWriter, user, scope string) {
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "fake", "aud": "fake-api", "sub": user, "scope": scope, "jti": randomID(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
	})
	tok.Header["typ"] = "at+jwt"
	signed, err := tok.SignedString(fakeSecret)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	refresh := randomID()
	f.mu.Lock()
	f.refresh[refresh] = user
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": signed, "token_type": "Bearer", "expires_in": 900,
		"scope": scope, "refresh_token": refresh,
	})
}

// bearer checks the access token and its scope (RFC 6750 §3.1) before
// calling next with the token's subject.
func (f *fakeAPI) bearer(scope string, next func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fake"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
			return
		}
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return fakeSecret, nil },
			jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithAudience("fake-api"))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fake", error="invalid_token"`)
			oauthError(w, http.StatusUnauthorized, "invalid_token", "the token is invalid")
			return
		}
		granted, _ := claims["scope"].(string)
		if !slices.Contains(strings.Fields(granted), scope) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="fake", error="insufficient_scope", scope=%q`, scope))
			oauthError(w, http.StatusForbidden, "insufficient_scope", "scope "+scope+" needed")
			return
		}
		sub, _ := claims["sub"].(string)
		next(w, r, sub)
	}
}

func (f *fakeAPI) listOrders(w http.ResponseWriter, _ *http.Request, sub string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []order{}
	for _, o := range f.orders {
		if o.Owner == sub {
			out = append(out, o)
		}
	}
	writeJSON(w, http.StatusOK, map[string][]order{"orders": out})
}

func (f *fakeAPI) createOrder(w http.ResponseWriter, r *http.Request, sub string) {
	var in struct {
		Item     *string `json:"item"`
		Quantity *int    `json:"quantity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not JSON")
		return
	}
	if in.Item == nil || *in.Item == "" || in.Quantity == nil || *in.Quantity <= 0 {
		oauthError(w, http.StatusBadRequest, "invalid_request", "item and a positive quantity are required")
		return
	}
	o := order{ID: randomID(), Item: *in.Item, Quantity: *in.Quantity, Owner: sub}
	f.mu.Lock()
	f.orders[o.ID] = o
	f.mu.Unlock()
	w.Header().Set("Location", "/orders/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
}

func (f *fakeAPI) getOrder(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	o, ok := f.orders[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusNotFound, "not_found", "no such order")
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (f *fakeAPI) deleteOrder(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	_, ok := f.orders[r.PathValue("id")]
	delete(f.orders, r.PathValue("id"))
	f.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusNotFound, "not_found", "no such order")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
