package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBodyLimit_oversizeIs413: a body over the limit is 413 whether it
// declares its length or arrives chunked, on every endpoint that reads one,
// and the token endpoint's 413 still forbids caching (RFC 6749 §5.1).
func TestBodyLimit_oversizeIs413(t *testing.T) {
	pad := strings.Repeat("x", 70<<10)
	tests := []struct {
		name        string
		givenPath   string
		givenType   string
		givenBody   string
		givenChunks bool
	}{
		{name: "token, declared length", givenPath: PathToken, givenType: "application/x-www-form-urlencoded",
			givenBody: passwordForm(DemoUsername, DemoPassword) + "&pad=" + pad},
		{name: "token, chunked", givenPath: PathToken, givenType: "application/x-www-form-urlencoded",
			givenBody: passwordForm(DemoUsername, DemoPassword) + "&pad=" + pad, givenChunks: true},
		{name: "revoke, chunked", givenPath: PathRevoke, givenType: "application/x-www-form-urlencoded",
			givenBody: "token=" + pad, givenChunks: true},
		{name: "orders, chunked", givenPath: PathOrders, givenType: "application/json",
			givenBody: `{"item":"` + pad + `","quantity":1}`, givenChunks: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			var body io.Reader = strings.NewReader(tt.givenBody)
			if tt.givenChunks {
				body = io.MultiReader(body) // hides the length from NewRequest
			}
			req := httptest.NewRequest(http.MethodPost, tt.givenPath, body)
			req.Header.Set("Content-Type", tt.givenType)
			if tt.givenPath == PathOrders {
				req.Header.Set("Authorization", bearer(f.accessToken()))
			}
			if tt.givenChunks && req.ContentLength != -1 {
				t.Fatalf("ContentLength = %d, want -1 (chunked)", req.ContentLength)
			}

			r := f.do(req)
			if r.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413 (body %s)", r.Code, r.Body)
			}
			if tt.givenPath != PathToken {
				return
			}
			if got := r.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := r.Header().Get("Pragma"); got != "no-cache" {
				t.Errorf("Pragma = %q, want no-cache", got)
			}
		})
	}
}
