package steps

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// theTargetShouldUseTLSOffLoopback is X01 (RFC 6749 §3.2, RFC 6750 §5.3):
// plain HTTP is tolerated only on a loopback host.
func (st *scenario) theTargetShouldUseTLSOffLoopback() error {
	u, err := url.Parse(st.suite.target.BaseURL)
	if err != nil {
		return err
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return &CheckError{Method: "connect", Path: u.Host, Expected: "https for a target off loopback", Got: "plain http"}
}

// sendRefusedRequestsCarryingSecrets is X03: requests that carry the
// password or a token and that the target refuses.
func (st *scenario) sendRefusedRequestsCarryingSecrets(ctx context.Context) error {
	if err := st.aValidAccessToken(ctx); err != nil {
		return err
	}
	t := st.suite.target
	reqs := []request{
		st.passwordGrant(func(f url.Values) { f.Set("grant_type", "foo-"+st.marker) }),
		st.passwordGrant(func(f url.Values) { f.Add("password", f.Get("password")) }),
		st.passwordGrant(func(f url.Values) { f.Del("grant_type") }),
		{method: t.ProtectedMethod, path: t.ProtectedPath, header: http.Header{"Authorization": {"Bearer " + st.token + "x"}}},
		{method: t.ProtectedMethod, path: t.ProtectedPath, header: http.Header{"Authorization": {"Token " + st.token}}},
	}
	for _, r := range reqs {
		if err := st.send(ctx, r); err != nil {
			return err
		}
		st.seen = append(st.seen, st.last)
	}
	return nil
}

func (st *scenario) noRefusalShouldEchoASecret() error {
	secrets := []string{st.suite.target.Password.Reveal(), st.token}
	for _, ex := range st.seen {
		if ex.status < 400 {
			continue
		}
		text := string(ex.body) + fmt.Sprint(ex.header)
		for _, s := range secrets {
			if len(s) >= 4 && strings.Contains(text, s) {
				st.last = ex
				return st.mismatch("a refusal that does not echo the password or token", "the secret echoed back")
			}
		}
	}
	return nil
}

// sendHostileRequests is X04: odd requests a robust server refuses calmly.
func (st *scenario) sendHostileRequests(ctx context.Context) error {
	t := st.suite.target
	reqs := []request{
		{method: http.MethodPost, path: t.TokenPath, form: "%zz=%%&grant_type=password"},
		{method: http.MethodPost, path: t.TokenPath, body: "{", header: http.Header{"Content-Type": {"application/json"}}},
		{method: http.MethodPost, path: t.TokenPath, body: "\xff\xfe", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}},
		st.passwordGrant(func(f url.Values) { f.Set("username", strings.Repeat("a", 8<<10)) }),
		st.passwordGrant(func(f url.Values) { f.Set("username", "' OR '1'='1") }),
		{method: t.ProtectedMethod, path: t.ProtectedPath, header: http.Header{"Authorization": {"Bearer " + strings.Repeat("e", 4<<10)}}},
		{method: t.ProtectedMethod, path: t.ProtectedPath, header: http.Header{"Authorization": {"Bearer eyJ.eyJ.e"}}},
		{method: http.MethodDelete, path: t.ProtectedPath},
	}
	for _, r := range reqs {
		if err := st.send(ctx, r); err != nil {
			return err
		}
		st.seen = append(st.seen, st.last)
	}
	return nil
}

// stackTrace matches the start of a stack trace in common runtimes.
var stackTrace = regexp.MustCompile(`Traceback \(most recent call last\)|goroutine \d+ \[|\n\s+at [\w.$]+\(|Exception in thread`)

func (st *scenario) noneShouldCauseAServerError() error {
	for _, ex := range st.seen {
		st.last = ex
		if ex.status >= 500 {
			return st.mismatch("a 4xx refusal, not a server error", st.lastStatus())
		}
		if stackTrace.Match(ex.body) {
			return st.mismatch("no stack trace in the body", "a stack trace")
		}
	}
	return nil
}
