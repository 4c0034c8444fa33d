package steps

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		name    string
		give    []string
		want    []Challenge
		wantErr bool
	}{
		{
			name: "bare scheme",
			give: []string{"Bearer"},
			want: []Challenge{{Scheme: "Bearer", Params: map[string]string{}}},
		},
		{
			name: "realm and error",
			give: []string{`Bearer realm="example", error="invalid_token", error_description="The token expired"`},
			want: []Challenge{{Scheme: "Bearer", Params: map[string]string{
				"realm": "example", "error": "invalid_token", "error_description": "The token expired",
			}}},
		},
		{
			name: "two challenges in one field",
			give: []string{`Basic realm="a", Bearer realm="b", error=invalid_token`},
			want: []Challenge{
				{Scheme: "Basic", Params: map[string]string{"realm": "a"}},
				{Scheme: "Bearer", Params: map[string]string{"realm": "b", "error": "invalid_token"}},
			},
		},
		{
			name: "two fields",
			give: []string{`Basic realm="a"`, `bearer scope="read write"`},
			want: []Challenge{
				{Scheme: "Basic", Params: map[string]string{"realm": "a"}},
				{Scheme: "bearer", Params: map[string]string{"scope": "read write"}},
			},
		},
		{
			name: "quoted pair and repeated parameter",
			give: []string{`Bearer realm="a \"b\"", error="x", ERROR="y"`},
			want: []Challenge{{Scheme: "Bearer", Params: map[string]string{"realm": `a "b"`, "error": "x"}, Repeated: []string{"error"}}},
		},
		{name: "unterminated quote", give: []string{`Bearer realm="a`}, wantErr: true},
		{name: "no scheme", give: []string{`"x"`}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChallenges(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Bearer realm="a", error="invalid_token"`, `Basic`, `a=b`, `"`, `Bearer ,,, x="\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseChallenges([]string{s}) // must not panic or loop
	})
}

// TestParseChallenges_errorsDescribeTheProblem checks that a parse error
// says what is wrong in words: an offset would point into the unredacted
// header while the report prints the redacted one.
func TestParseChallenges_errorsDescribeTheProblem(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "unterminated quote", give: `Bearer realm="api", error="invalid_token`, want: "an unterminated quoted string after error="},
		{name: "value missing at the end", give: `Bearer error=`, want: "no value (the header ends) after error="},
		{name: "value missing before a comma", give: `Bearer error=, realm="a"`, want: `no value (found ',') after error=`},
		{name: "no scheme", give: `"x"`, want: `expected an auth-scheme at the start, found '"'`},
		{name: "junk after a challenge", give: `Bearer realm="a" "x"`, want: `expected an auth-scheme after the Bearer challenge, found '"'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseChallenges([]string{tt.give})
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one ending %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "byte") {
				t.Errorf("err %v names an offset", err)
			}
		})
	}
}
