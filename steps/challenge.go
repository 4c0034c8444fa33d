package steps

import (
	"errors"
	"fmt"
	"strings"
)

// Challenge is one parsed challenge of a WWW-Authenticate header
// (RFC 9110 §11.6.1): an auth-scheme and its auth-params.
type Challenge struct {
	Scheme string
	// Params maps lower-cased parameter names to their unquoted values. A
	// name given twice keeps its first value and is listed in Repeated.
	Params   map[string]string
	Repeated []string
}

// ParseChallenges parses WWW-Authenticate field values into challenges. It
// follows RFC 9110 §11.2: challenges and parameters are comma separated,
// values are tokens or quoted strings. It is lenient where servers commonly
// are (spaces around "=") and returns an error describing what it cannot
// read in words, never as an offset: the header a report prints is the
// redacted one, whose offsets differ.
func ParseChallenges(values []string) ([]Challenge, error) {
	var out []Challenge
	for _, v := range values {
		p := challengeParser{s: v}
		cs, err := p.parse()
		if err != nil {
			return out, fmt.Errorf("WWW-Authenticate %q: %w", v, err)
		}
		out = append(out, cs...)
	}
	return out, nil
}

type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) parse() ([]Challenge, error) {
	var out []Challenge
	for {
		p.skip(" \t,")
		if p.i >= len(p.s) {
			return out, nil
		}
		scheme := p.token()
		if scheme == "" {
			where := "at the start"
			if len(out) > 0 {
				where = fmt.Sprintf("after the %s challenge", out[len(out)-1].Scheme)
			}
			return out, fmt.Errorf("expected an auth-scheme %s, found %q", where, p.s[p.i])
		}
		c := Challenge{Scheme: scheme, Params: map[string]string{}}
		if err := p.params(&c); err != nil {
			return out, err
		}
		out = append(out, c)
	}
}

// params reads the auth-params after a scheme. It stops before anything
// that is not "name=": the next challenge's scheme, or a token68, which
// RFC 6750 challenges do not use.
func (p *challengeParser) params(c *Challenge) error {
	for {
		p.skip(" \t,")
		start := p.i
		name := p.token()
		p.skip(" \t")
		if name == "" || p.i >= len(p.s) || p.s[p.i] != '=' {
			p.i = start
			return nil
		}
		p.i++ // '='
		p.skip(" \t")
		value, err := p.value()
		if err != nil {
			return fmt.Errorf("%s after %s=", err, name)
		}
		key := strings.ToLower(name)
		if _, dup := c.Params[key]; dup {
			c.Repeated = append(c.Repeated, key)
		} else {
			c.Params[key] = value
		}
	}
}

func (p *challengeParser) value() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		var b strings.Builder
		for p.i++; p.i < len(p.s); p.i++ {
			switch ch := p.s[p.i]; ch {
			case '\\':
				p.i++
				if p.i < len(p.s) {
					b.WriteByte(p.s[p.i])
				}
			case '"':
				p.i++
				return b.String(), nil
			default:
				b.WriteByte(ch)
			}
		}
		return "", errors.New("an unterminated quoted string")
	}
	v := p.token()
	switch {
	case v != "":
	case p.i >= len(p.s):
		return "", errors.New("no value (the header ends)")
	default:
		return "", fmt.Errorf("no value (found %q)", p.s[p.i])
	}
	return v, nil
}

// token reads an RFC 9110 §5.6.2 token.
func (p *challengeParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *challengeParser) skip(chars string) {
	for p.i < len(p.s) && strings.IndexByte(chars, p.s[p.i]) >= 0 {
		p.i++
	}
}

func isTChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
