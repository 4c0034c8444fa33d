package steps

import "github.com/cucumber/godog"

// register binds every step pattern to st. All steps are registered here,
// grouped Given / When / Then, so the vocabulary reads in one place.
func register(sc *godog.ScenarioContext, st *scenario) {
	// Given
	sc.Given(`^a valid access token$`, st.aValidAccessToken)

	// When: the token endpoint
	sc.When(`^the client requests a token with valid credentials$`, st.requestTokenWithValidCredentials)
	sc.When(`^the client requests a token with the wrong password$`, st.requestTokenWithWrongPassword)
	sc.When(`^the client requests a token for an unknown user$`, st.requestTokenForUnknownUser)
	sc.When(`^the client requests a token without the "([^"]*)" parameter$`, st.requestTokenWithout)
	sc.When(`^the client requests a token with grant_type "([^"]*)"$`, st.requestTokenWithGrantType)
	sc.When(`^the client sends the token request "([^"]*)"$`, st.sendTokenRequest)

	// When: the protected resource
	sc.When(`^the client calls the protected resource with the access token$`, st.callWithToken)
	sc.When(`^the client calls the protected resource without credentials$`, st.callWithoutCredentials)
	sc.When(`^the client calls the protected resource with the Authorization header "([^"]*)"$`, st.callWithAuthorization)

	// Then
	sc.Then(`^the response status should be (\d+)$`, st.statusShouldBe)
	sc.Then(`^the response content type should be "([^"]*)"$`, st.contentTypeShouldBe)
	sc.Then(`^the JSON field "([^"]*)" should be a non-empty string$`, st.fieldShouldBeNonEmptyString)
	sc.Then(`^the JSON field "([^"]*)" should be "([^"]*)"$`, st.fieldShouldBe)
	sc.Then(`^the JSON field "([^"]*)" should be "([^"]*)" ignoring case$`, st.fieldShouldBeFold)
	sc.Then(`^the JSON field "([^"]*)" should be absent$`, st.fieldShouldBeAbsent)
	sc.Then(`^the header "([^"]*)" should contain the directive "([^"]*)"$`, st.headerShouldContainDirective)
	sc.Then(`^the header "([^"]*)" should be "([^"]*)"$`, st.headerShouldBe)
	sc.Then(`^the response should carry a Bearer challenge without an error$`, st.bearerChallengeWithoutError)
	sc.Then(`^the response should carry a Bearer challenge with error "([^"]*)"$`, st.bearerChallengeWithError)
	sc.Then(`^the response should name the authenticated user$`, st.responseNamesUser)

	registerVocabulary(sc, st)
}
