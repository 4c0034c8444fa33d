package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func (f *fixture) orderRequest(method, path, token, body string) response {
	f.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", bearer(token))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return f.do(req)
}

func TestOrders_lifecycle(t *testing.T) {
	f := newFixture(t, nil)
	token := f.accessToken()

	created := f.orderRequest(http.MethodPost, PathOrders, token, `{"item":"book","quantity":2}`)
	if created.Code != http.StatusCreated || created.str("item") != "book" || created.body["quantity"] != float64(2) || created.str("owner") != DemoUsername {
		t.Fatalf("create: %d %s", created.Code, created.Body)
	}
	loc := created.Header().Get("Location")
	if loc != PathOrders+"/"+created.str("id") {
		t.Errorf("Location = %q", loc)
	}
	if r := f.orderRequest(http.MethodGet, loc, token, ""); r.Code != http.StatusOK || r.str("id") != created.str("id") {
		t.Errorf("get: %d %s", r.Code, r.Body)
	}
	if r := f.orderRequest(http.MethodGet, PathOrders, token, ""); r.Code != http.StatusOK || len(r.body["orders"].([]any)) != 1 {
		t.Errorf("list: %d %s", r.Code, r.Body)
	}
	admin := f.loginAs(DemoAdminUsername, DemoAdminPassword).str("access_token")
	if r := f.orderRequest(http.MethodGet, loc, admin, ""); r.Code != http.StatusNotFound || r.str("error") != "not_found" {
		t.Errorf("another owner's order: %d %s, want 404", r.Code, r.Body)
	}
	if r := f.orderRequest(http.MethodDelete, loc, token, ""); r.Code != http.StatusNoContent {
		t.Errorf("delete: %d", r.Code)
	}
	if r := f.orderRequest(http.MethodDelete, loc, token, ""); r.Code != http.StatusNotFound {
		t.Errorf("delete again: %d, want 404", r.Code)
	}
}

func TestOrders_validation(t *testing.T) {
	tests := []struct {
		name      string
		givenBody string
	}{
		{name: "not JSON", givenBody: "item=book"},
		{name: "missing item", givenBody: `{"quantity":1}`},
		{name: "empty item", givenBody: `{"item":"","quantity":1}`},
		{name: "item not a string", givenBody: `{"item":5,"quantity":1}`},
		{name: "zero quantity", givenBody: `{"item":"book","quantity":0}`},
		{name: "negative quantity", givenBody: `{"item":"book","quantity":-1}`},
		{name: "fractional quantity", givenBody: `{"item":"book","quantity":1.5}`},
		{name: "string quantity", givenBody: `{"item":"book","quantity":"3"}`},
		{name: "huge quantity", givenBody: `{"item":"book","quantity":1e300}`},
		{name: "two objects", givenBody: `{"item":"a","quantity":1}{}`},
		{name: "long item", givenBody: `{"item":"` + strings.Repeat("x", maxItemLength+1) + `","quantity":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			r := f.orderRequest(http.MethodPost, PathOrders, f.accessToken(), tt.givenBody)
			if r.Code != http.StatusBadRequest || r.str("error") != "invalid_request" || r.str("error_description") == "" {
				t.Errorf("got %d %s, want 400 invalid_request with a description", r.Code, r.Body)
			}
		})
	}
}

func TestOrders_needScope(t *testing.T) {
	f := newFixture(t, nil)
	token := f.post(PathToken, passwordForm(DemoUsername, DemoPassword)+"&scope=read").str("access_token")
	if r := f.orderRequest(http.MethodGet, PathOrders, token, ""); r.Code != http.StatusForbidden {
		t.Errorf("orders without the orders scope: %d, want 403", r.Code)
	}
}
