package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadResult is what one closed-loop load of a single request measured.
type loadResult struct {
	Requests uint64
	RPS      float64 // successful responses per second
	P50, P99 time.Duration
	Success  float64 // share of responses with the expected status, 0..1
	Errors   []string
	// ServerCPU is the server's CPU time (user + system) per request
	// during the measured load; 0 when unknown.
	ServerCPU time.Duration
}

// ok reports whether every response was the expected one.
func (r loadResult) ok() bool { return r.Requests > 0 && r.Success == 1 }

// warmUp is the unmeasured load before each measured one: the server
// grows its goroutines and buffers, and the connections are open.
const warmUp = 500 * time.Millisecond

// load sends tgt to srv over conns keep-alive connections, each sending
// its next request as soon as the last is answered, for du after a warm-up;
// then reports. Vegeta counts a status outside 200..399 as an error.
func load(ctx context.Context, srv *server, tgt vegeta.Target, conns int, du time.Duration) loadResult {
	attack(ctx, tgt, conns, warmUp)
	before, errBefore := procCPU(srv.cmd.Process.Pid)
	res := attack(ctx, tgt, conns, du)
	after, errAfter := procCPU(srv.cmd.Process.Pid)
	if errBefore == nil && errAfter == nil && res.Requests > 0 {
		res.ServerCPU = (after - before) / time.Duration(res.Requests)
	}
	return res
}

// attack is one closed-loop load of du.
func attack(ctx context.Context, tgt vegeta.Target, conns int, du time.Duration) loadResult {
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	var m vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(tgt), vegeta.ConstantPacer{}, du, "") {
		m.Add(res)
	}
	m.Close()
	errs := append([]string(nil), m.Errors...)
	sort.Strings(errs)
	return loadResult{
		Requests: m.Requests, RPS: m.Throughput,
		P50: m.Latencies.P50, P99: m.Latencies.P99,
		Success: m.Success, Errors: errs,
	}
}

// secureDataTarget is GET path on baseURL with a bearer token ("" for none).
func secureDataTarget(baseURL, path, token string) vegeta.Target {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return vegeta.Target{Method: http.MethodGet, URL: baseURL + path, Header: h}
}

// tokenTarget is a password grant of username and password (RFC 6749
// §4.3.2) to the token endpoint on baseURL.
func tokenTarget(baseURL, username, password string) vegeta.Target {
	return vegeta.Target{
		Method: http.MethodPost,
		URL:    baseURL + "/token",
		Body:   []byte(passwordForm(username, password)),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
	}
}

func passwordForm(username, password string) string {
	return url.Values{
		"grant_type": {"password"}, "username": {username}, "password": {password},
	}.Encode()
}

// fetchToken gets an access token with a password grant.
func fetchToken(ctx context.Context, baseURL, username, password string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/token",
		strings.NewReader(passwordForm(username, password)))
	if err != nil {
		return "", fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("request a token from %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read token response of %s: %w", baseURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token request to %s: status %d", baseURL, resp.StatusCode)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token response of %s has no access_token", baseURL)
	}
	return tr.AccessToken, nil
}
