package jwtforge

// CommonSecrets are HMAC secrets found in tutorials, framework defaults and
// jwt_tool's and ZAP's known-secret lists. A token that verifies with one is
// as good as unsigned (RFC 8725 §3.5; CHECKS.md F07). The list is short on
// purpose: it is checked offline against one captured token.
var CommonSecrets = []string{
	"", "secret", "Secret", "SECRET", "secret123", "secretkey", "secret-key", "secret_key",
	"your-secret-key", "your_secret_key", "your-256-bit-secret", "your-512-bit-secret",
	"yoursecretkey", "my-secret", "mysecret", "mysecretkey", "my_secret_key", "supersecret",
	"super-secret", "super_secret", "topsecret", "changeme", "change-me", "changeit",
	"password", "Password", "password123", "pass", "admin", "root", "test", "testing",
	"jwt", "jwt-secret", "jwt_secret", "jwtsecret", "JWT_SECRET", "token", "key", "private",
	"default", "example", "demo", "dev", "development", "qwerty", "123456", "1234567890",
	"12345678", "s3cr3t", "shhhhh", "keyboard cat", "hello", "gsf", "notasecret",
	"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
}

// CrackHMAC returns the first candidate the token's HS* signature verifies
// with.
func (t *Token) CrackHMAC(candidates []string) (string, bool) {
	for _, c := range candidates {
		if t.VerifiesWithHMAC([]byte(c)) {
			return c, true
		}
	}
	return "", false
}
