package yamlmsg_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/authconform/authconform/harness/internal/yamlmsg"
)

type doc struct {
	Target string `yaml:"target"`
	Client struct {
		Auth string `yaml:"auth"`
	} `yaml:"client"`
	Retries int `yaml:"retries"`
}

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{name: "misspelt key", src: "targett: x\n", want: `a.yaml:1: unknown key "targett" (did you mean "target"?)`},
		{name: "list for a mapping", src: "- a\n- b\n", want: "a.yaml:1: expected a mapping (key: value lines), found a list"},
		{name: "text for a number", src: "retries: many\n", want: "a.yaml:1: expected a number, found text (many)"},
		{name: "nested unknown key", src: "client:\n  ath: basic\n", want: `a.yaml:2: unknown key "ath" (did you mean "auth"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			dec := yaml.NewDecoder(strings.NewReader(tt.src))
			dec.KnownFields(true)
			err := dec.Decode(&d)
			if err == nil {
				t.Fatal("decoded without error")
			}
			if got := yamlmsg.At("a.yaml", yamlmsg.Clean(err, []string{"target", "client", "auth", "retries"})); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
