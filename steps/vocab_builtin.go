package steps

// builtinDocs documents the steps that register.go binds for the built-in
// catalogue. Their patterns must be the registered ones, character for
// character: TestVocabulary_coversRegisteredSteps compares them with what
// godog has registered, so a step added there without a line here fails.
var builtinDocs = []StepDoc{
	{
		Keyword:     KeywordGiven,
		Pattern:     `^a valid access token$`,
		Description: "Gets (or reuses, while it has a minute left) an access token of the valid user; {token} stands for it.",
		Example:     `a valid access token`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client requests a token with valid credentials$`,
		Description: "Sends the password grant of the valid user to the token endpoint.",
		Example:     `the client requests a token with valid credentials`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client requests a token with the wrong password$`,
		Description: "Sends the password grant of the valid user with a wrong password.",
		Example:     `the client requests a token with the wrong password`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client requests a token for an unknown user$`,
		Description: "Sends a password grant for a user name that does not exist.",
		Example:     `the client requests a token for an unknown user`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client requests a token without the "([^"]*)" parameter$`,
		Description: "Sends the valid password grant without one parameter: grant_type, username or password.",
		Example:     `the client requests a token without the "grant_type" parameter`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client requests a token with grant_type "([^"]*)"$`,
		Description: "Sends the valid password grant with another grant_type.",
		Example:     `the client requests a token with grant_type "foo"`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client sends the token request "([^"]*)"$`,
		Description: "Posts a raw form body to the token endpoint; {username}, {password} and {marker} are form-encoded.",
		Example:     `the client sends the token request "grant_type=password&username={username}&password={password}"`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client calls the protected resource with the access token$`,
		Description: "GETs the profile's protected resource with the scenario's access token.",
		Example:     `the client calls the protected resource with the access token`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client calls the protected resource without credentials$`,
		Description: "GETs the profile's protected resource without an Authorization header.",
		Example:     `the client calls the protected resource without credentials`,
	},
	{
		Keyword:     KeywordWhen,
		Pattern:     `^the client calls the protected resource with the Authorization header "([^"]*)"$`,
		Description: "GETs the protected resource with this Authorization header; {token} and {marker} are replaced.",
		Example:     `the client calls the protected resource with the Authorization header "bearer {token}"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the response status should be (\d+)$`,
		Description: "The latest response has exactly this status code.",
		Example:     `the response status should be 200`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the response content type should be "([^"]*)"$`,
		Description: "The media type of the latest response's Content-Type is this one, parameters aside.",
		Example:     `the response content type should be "application/json"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the JSON field "([^"]*)" should be a non-empty string$`,
		Description: "The JSON value at this gjson path is a string with at least one character.",
		Example:     `the JSON field "access_token" should be a non-empty string`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the JSON field "([^"]*)" should be "([^"]*)"$`,
		Description: "The JSON value at this gjson path is exactly this string (no placeholders; see \"should equal\").",
		Example:     `the JSON field "error" should be "invalid_grant"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the JSON field "([^"]*)" should be "([^"]*)" ignoring case$`,
		Description: "The JSON value at this gjson path is this string, ignoring case.",
		Example:     `the JSON field "token_type" should be "bearer" ignoring case`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the JSON field "([^"]*)" should be absent$`,
		Description: "The latest response body has no JSON value at this gjson path.",
		Example:     `the JSON field "access_token" should be absent`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the header "([^"]*)" should contain the directive "([^"]*)"$`,
		Description: "A comma-separated header such as Cache-Control lists this directive, ignoring case.",
		Example:     `the header "Cache-Control" should contain the directive "no-store"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the header "([^"]*)" should be "([^"]*)"$`,
		Description: "The latest response's header has this value, ignoring case and surrounding space.",
		Example:     `the header "Pragma" should be "no-cache"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the response should carry a Bearer challenge without an error$`,
		Description: "WWW-Authenticate holds a Bearer challenge with no error attribute (RFC 6750 §3.1).",
		Example:     `the response should carry a Bearer challenge without an error`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the response should carry a Bearer challenge with error "([^"]*)"$`,
		Description: "WWW-Authenticate holds a Bearer challenge whose error attribute is this code (RFC 6750 §3.1).",
		Example:     `the response should carry a Bearer challenge with error "invalid_token"`,
	},
	{
		Keyword:     KeywordThen,
		Pattern:     `^the response should name the authenticated user$`,
		Description: "The profile's subject field of the JSON response is the valid user's name.",
		Example:     `the response should name the authenticated user`,
	},
}
