package steps

// Fragments of the QA vocabulary's patterns.
const (
	methodPattern = `(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)`
	whoPattern    = `(the valid user|the second user|the scoped user)`
	unitPattern   = `(seconds?|minutes?|hours?|days?)`
)

// vocabSteps is the QA vocabulary: generic HTTP and authentication steps
// for scenarios about any endpoint of the target. registerVocabulary binds
// them in this order, after register's built-in steps.
var vocabSteps = []vocabStep{
	// Given: who the scenario is
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^I am authenticated as ` + whoPattern + `$`,
		Description: "Logs in as a user of the profile with the password grant; the access token becomes the current token, and a refresh token is kept.",
		Example:     `I am authenticated as the valid user`,
	}, func(v *vocab) any { return v.authenticateAs }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^I am authenticated as ` + whoPattern + ` with scope "([^"]*)"$`,
		Description: "Logs in as a user of the profile, asking for this scope (RFC 6749 §3.3); the access token becomes the current token.",
		Example:     `I am authenticated as the valid user with scope "read"`,
	}, func(v *vocab) any { return v.authenticateAsWithScope }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^the current token's "([^"]*)" claim is changed to "([^"]*)"$`,
		Description: "Changes one claim of the current JWT without re-signing it, so its signature no longer matches; JSON numbers, true, false and null are put in as such.",
		Example:     `the current token's "sub" claim is changed to "admin"`,
	}, func(v *vocab) any { return v.changeClaim }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^the current token's "([^"]*)" claim is removed$`,
		Description: "Removes one claim of the current JWT without re-signing it.",
		Example:     `the current token's "exp" claim is removed`,
	}, func(v *vocab) any { return v.removeClaim }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^I have a token that expired (\d+) ` + unitPattern + ` ago$`,
		Description: "Mints, with the profile's signing key, a copy of a valid token whose exp lies this far in the past; it becomes the current token. Tag the scenario @needs-key.",
		Example:     `I have a token that expired 1 hour ago`,
	}, func(v *vocab) any { return v.expiredToken }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^I have a token that becomes valid in (\d+) ` + unitPattern + `$`,
		Description: "Mints, with the profile's signing key, a copy of a valid token whose nbf lies this far in the future; it becomes the current token. Tag the scenario @needs-key.",
		Example:     `I have a token that becomes valid in 1 hour`,
	}, func(v *vocab) any { return v.notYetValidToken }},

	// Given: the next request
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^the request header "([^"]*)" is "([^"]*)"$`,
		Description: "Adds a header to the next request; an Authorization header given here replaces the token.",
		Example:     `the request header "Accept" is "application/json"`,
	}, func(v *vocab) any { return v.requestHeader }},
	{StepDoc{
		Keyword: KeywordGiven, Pattern: `^the request query parameter "([^"]*)" is "([^"]*)"$`,
		Description: "Adds a query parameter, URL-encoded, to the next request.",
		Example:     `the request query parameter "limit" is "10"`,
	}, func(v *vocab) any { return v.requestQuery }},

	// When: requests
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)"$`,
		Description: "Sends a request to a path of the target, with the current token if the scenario has one.",
		Example:     `I send a GET request to "/orders/{{order_id}}"`,
	}, func(v *vocab) any { return v.sendDefault }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)" without a token$`,
		Description: "Sends a request without an Authorization header, whatever the scenario's token.",
		Example:     `I send a GET request to "/orders" without a token`,
	}, func(v *vocab) any { return v.sendWithoutToken }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)" with the token "([^"]*)"$`,
		Description: "Sends a request with a token kept earlier under this name.",
		Example:     `I send a GET request to "/orders/{{order_id}}" with the token "creator"`,
	}, func(v *vocab) any { return v.sendWithNamedToken }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)" with the JSON body:$`,
		Description: "Sends the doc string as an application/json body; placeholders in it are JSON-escaped.",
		Example:     `I send a POST request to "/orders" with the JSON body:`,
		Argument:    "\"\"\"json\n{\"item\": \"gadget-{{marker}}\", \"quantity\": 1}\n\"\"\"",
	}, func(v *vocab) any { return v.sendJSONDoc }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)" with the JSON fields:$`,
		Description: "Sends a JSON object built from a two-column table; a value that reads as JSON (3, true, \"3\") is put in as such, anything else as a string.",
		Example:     `I send a POST request to "/orders" with the JSON fields:`,
		Argument:    "| item     | widget |\n| quantity | 3      |",
	}, func(v *vocab) any { return v.sendJSONTable }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I send a ` + methodPattern + ` request to "([^"]*)" with the form fields:$`,
		Description: "Sends an application/x-www-form-urlencoded body built from a two-column table.",
		Example:     `I send a POST request to "{{profile.token_path}}" with the form fields:`,
		Argument:    "| grant_type | password                 |\n| username   | {{profile.username}}     |\n| password   | {{profile.password}}     |",
	}, func(v *vocab) any { return v.sendFormTable }},
	{StepDoc{
		Keyword: KeywordWhen, Pattern: `^I use the refresh token$`,
		Description: "Sends the refresh_token grant (RFC 6749 §6) with the refresh token of the latest login; a new access token becomes the current token. Tag the scenario @needs-refresh.",
		Example:     `I use the refresh token`,
	}, func(v *vocab) any { return v.useRefreshToken }},

	// Then: status
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the response status should be one of (\d{3}(?:(?:, | or )\d{3})+)$`,
		Description: "The latest response's status is one of these codes.",
		Example:     `the response status should be one of 200 or 204`,
	}, func(v *vocab) any { return v.statusOneOf }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the response status should be ([1-5])xx$`,
		Description: "The latest response's status is in this class.",
		Example:     `the response status should be 4xx`,
	}, func(v *vocab) any { return v.statusClass }},

	// Then: headers
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the header "([^"]*)" should be present$`,
		Description: "The latest response has this header, with any value.",
		Example:     `the header "Location" should be present`,
	}, func(v *vocab) any { return v.headerPresent }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the header "([^"]*)" should be absent$`,
		Description: "The latest response does not have this header.",
		Example:     `the header "WWW-Authenticate" should be absent`,
	}, func(v *vocab) any { return v.headerAbsent }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the header "([^"]*)" should contain "([^"]*)"$`,
		Description: "A value of this header contains the text, placeholders replaced.",
		Example:     `the header "Location" should contain "/orders/{{order_id}}"`,
	}, func(v *vocab) any { return v.headerContains }},

	// Then: JSON and body
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should equal "([^"]*)"$`,
		Description: "The JSON value at this gjson path reads as this text, placeholders replaced (a string, number or boolean).",
		Example:     `the JSON field "owner" should equal "{{profile.username}}"`,
	}, func(v *vocab) any { return v.fieldEquals }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should be (-?\d+(?:\.\d+)?|true|false|null)$`,
		Description: "The JSON value at this gjson path is this number, boolean or null.",
		Example:     `the JSON field "quantity" should be 3`,
	}, func(v *vocab) any { return v.fieldIsLiteral }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should match "([^"]*)"$`,
		Description: "The JSON value at this gjson path, as text, matches this Go regular expression.",
		Example:     `the JSON field "id" should match "^[A-Za-z0-9_-]+$"`,
	}, func(v *vocab) any { return v.fieldMatches }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should be of type (string|number|integer|boolean|array|object|null)$`,
		Description: "The JSON value at this gjson path has this type; an integer is a number without a fraction.",
		Example:     `the JSON field "quantity" should be of type integer`,
	}, func(v *vocab) any { return v.fieldHasType }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should exist$`,
		Description: "The latest response body has a JSON value, even null, at this gjson path.",
		Example:     `the JSON field "error_description" should exist`,
	}, func(v *vocab) any { return v.fieldExists }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the JSON field "([^"]*)" should have (\d+) items?$`,
		Description: "The JSON value at this gjson path is an array of this length; \"@this\" is the whole body.",
		Example:     `the JSON field "orders" should have 0 items`,
	}, func(v *vocab) any { return v.fieldHasItems }},
	{StepDoc{
		Keyword: KeywordThen, Pattern: `^the response body should contain "([^"]*)"$`,
		Description: "The latest response body contains this text, placeholders replaced.",
		Example:     `the response body should contain "invalid_request"`,
	}, func(v *vocab) any { return v.bodyContains }},

	// Any keyword: keeping values for later steps
	{StepDoc{
		Keyword: KeywordAny, Pattern: `^I store the JSON field "([^"]*)" as "([^"]*)"$`,
		Description: "Keeps the JSON value at this gjson path of the latest response; later steps write {{name}} for it.",
		Example:     `I store the JSON field "id" as "order_id"`,
	}, func(v *vocab) any { return v.storeJSON }},
	{StepDoc{
		Keyword: KeywordAny, Pattern: `^I store the header "([^"]*)" as "([^"]*)"$`,
		Description: "Keeps a header of the latest response; later steps write {{name}} for it (a Location URL works as a path).",
		Example:     `I store the header "Location" as "order_url"`,
	}, func(v *vocab) any { return v.storeHeader }},
	{StepDoc{
		Keyword: KeywordAny, Pattern: `^I keep the current token as "([^"]*)"$`,
		Description: "Keeps the current token under a name, for \"with the token\" requests after the scenario switches user.",
		Example:     `I keep the current token as "creator"`,
	}, func(v *vocab) any { return v.keepToken }},
}
