package catalog_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/authconform/authconform/features"
	"github.com/authconform/authconform/harness/internal/catalog"
)

func TestChecks_builtin(t *testing.T) {
	scs, err := catalog.Load(features.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	checks := catalog.Checks(scs)
	if len(checks) < 11 {
		t.Fatalf("got %d checks, want at least 11", len(checks))
	}
	byID := map[string]catalog.Check{}
	for _, c := range checks {
		byID[c.CheckID] = c
		if c.Severity == "" || c.Title == "" || len(c.Refs) == 0 {
			t.Errorf("check %s: incomplete entry %+v", c.CheckID, c)
		}
	}
	b05 := byID["B05"]
	if strings.Contains(b05.Title, "<") || b05.Scenarios < 2 {
		t.Errorf("B05 = %+v, want a title without placeholders over every example", b05)
	}
	if checks[0].CheckID != "T01" {
		t.Errorf("first check %s, want T01 (catalogue order)", checks[0].CheckID)
	}
}

func TestLoad_syntaxErrorNamesLine(t *testing.T) {
	fsys := fstest.MapFS{"bad.feature": {Data: []byte("Feature: x\n  Scenario: y\n    Given ok\n  Oops here\n")}}
	_, err := catalog.Load(fsys, ".")
	if err == nil || !strings.Contains(err.Error(), "bad.feature") || !strings.Contains(err.Error(), "(4:") {
		t.Fatalf("err = %v, want the file and line 4", err)
	}
}

func TestParseTags(t *testing.T) {
	scs := []catalog.Scenario{
		{Name: "a", Tags: []string{"@T01", "@security"}},
		{Name: "b", Tags: []string{"@T02", "@advisory"}},
	}
	tests := []struct {
		name        string
		givenExpr   string
		wantErr     bool
		wantUnknown string
		wantNames   string
	}{
		{name: "empty selects all", givenExpr: "", wantNames: "ab"},
		{name: "one tag", givenExpr: "@security", wantNames: "a"},
		{name: "negation", givenExpr: "~@security", wantNames: "b"},
		{name: "and", givenExpr: "@T02 && ~@security", wantNames: "b"},
		{name: "or", givenExpr: "@T01,@T02", wantNames: "ab"},
		{name: "unknown tag", givenExpr: "@securty", wantUnknown: "@securty"},
		{name: "empty term", givenExpr: "@T01 && ", wantErr: true},
		{name: "words", givenExpr: "security and not T02", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := catalog.ParseTags(tt.givenExpr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := e.Unknown(scs); got != tt.wantUnknown {
				t.Errorf("Unknown = %q, want %q", got, tt.wantUnknown)
			}
			var names string
			for _, sc := range e.Select(scs) {
				names += sc.Name
			}
			if tt.wantUnknown == "" && names != tt.wantNames {
				t.Errorf("selected %q, want %q", names, tt.wantNames)
			}
		})
	}
}
