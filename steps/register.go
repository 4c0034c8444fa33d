package steps

import "github.com/cucumber/godog"

// register binds every step pattern to st. All steps are registered here,
// grouped Given / When / Then, so the vocabulary reads in one place.
func register(sc *godog.ScenarioContext, st *scenario) {
	// Given
	sc.Given(pattern(`^a valid access token$`), st.aValidAccessToken)
	sc.Given(pattern(`^a fresh login of the valid user$`), st.aFreshLogin)
	sc.Given(pattern(`^an access token of the user who holds the scope$`), st.aTokenOfTheScopedUser)
	sc.Given(pattern(`^the valid access token still opens the protected resource$`), st.theValidTokenStillWorks)
	sc.Given(pattern(`^every other forgery has been presented$`), st.everyForgeryPresented)

	// Given: forged tokens (CHECKS.md §2.3), built from the valid token
	sc.Given(pattern(`^a token whose payload was tampered with \(([^)]*)\), keeping the original signature$`), st.tamperedPayload)
	sc.Given(pattern(`^a token whose signature was (truncated|bit-flipped|emptied|zeroed)$`), st.brokenSignature)
	sc.Given(pattern(`^a token whose alg header is "([^"]*)" and whose signature was removed$`), st.algNoneWithoutSignature)
	sc.Given(pattern(`^a token whose alg header is "([^"]*)" that keeps its original signature$`), st.algNoneKeepingSignature)
	sc.Given(pattern(`^a token re-signed with an empty HMAC secret$`), st.blankHMACSecret)
	sc.Given(pattern(`^a token signed with HS256 keyed by the target's public key in (PEM|DER|JWK) form$`), st.keyConfusion)
	sc.Given(pattern(`^a token whose alg header names the (\d+)-bit member of its family, keeping the original signature$`), st.algSibling)
	sc.Given(pattern(`^a token signed by the harness's own key, embedded in its jwk header$`), st.embeddedJWK)
	sc.Given(pattern(`^a token signed by the harness's own key, whose (jku|x5u) header points at that key$`), st.keyURL)
	sc.Given(pattern(`^a token whose kid header is "([^"]*)", signed with HS256 and the secret "([^"]*)"$`), st.kidInjection)
	sc.Given(pattern(`^a token with alg "([^"]*)" and a psychic signature \(([^)]*)\)$`), st.psychicSignature)
	sc.Given(pattern(`^one token per claim, each claim replaced by a marker, keeping the original signature$`), st.eachClaimInjected)
	sc.Given(pattern(`^a token with a null byte (after its payload|inside its subject), keeping the original signature$`), st.nullByte)
	sc.Given(pattern(`^a token whose (header|payload) claim "([^"]*)" is (null|true|false|zero|a string), keeping the original signature$`), st.forcedType)
	sc.Given(pattern(`^a token with (.+) instead of the JWS compact form$`), st.malformed)
	sc.Given(pattern(`^a token with an unknown critical header, keeping the original signature$`), st.unknownCrit)
	sc.Given(pattern(`^one token of each keyless forgery$`), st.keylessForgeries)

	// Given: tokens minted with the profile's key (CHECKS.md F18–F23, §2.4)
	sc.Given(pattern(`^a token minted with the target's key and the claims of a real one$`), st.mintedCorrectly)
	sc.Given(pattern(`^a token minted with the target's key whose (.+)$`), st.mintedWith)
	sc.Given(pattern(`^a token issued by the target that has since expired$`), st.anExpiredRealToken)

	// When: the token endpoint
	sc.When(pattern(`^the client requests a token with valid credentials$`), st.requestTokenWithValidCredentials)
	sc.When(pattern(`^the client requests a token with the wrong password$`), st.requestTokenWithWrongPassword)
	sc.When(pattern(`^the client requests a token for an unknown user$`), st.requestTokenForUnknownUser)
	sc.When(pattern(`^the client requests a token without the "([^"]*)" parameter$`), st.requestTokenWithout)
	sc.When(pattern(`^the client requests a token with grant_type "([^"]*)"$`), st.requestTokenWithGrantType)
	sc.When(pattern(`^the client sends the token request "([^"]*)"$`), st.sendTokenRequest)
	sc.When(pattern(`^the client requests a token with the password parameter repeated$`), st.requestTokenWithRepeatedPassword)
	sc.When(pattern(`^the client requests a token with a GET and the credentials in the query$`), st.requestTokenWithGET)
	sc.When(pattern(`^the client requests a token with a JSON body$`), st.requestTokenWithJSON)
	sc.When(pattern(`^the client requests a token with a wrong client secret in (the Authorization header|the body)$`), st.requestTokenWithWrongClientSecret)
	sc.When(pattern(`^the client requests a token for the scope "([^"]*)"$`), st.requestTokenForScope)
	sc.When(pattern(`^the client requests tokens for an unknown user and with a wrong password$`), st.compareUnknownUserAndWrongPassword)
	sc.When(pattern(`^the client sends (\d+) wrong passwords in a row$`), st.bruteForce)

	// When: refresh, revocation, introspection, metadata
	sc.When(pattern(`^the client refreshes the access token$`), st.refreshTheAccessToken)
	sc.When(pattern(`^the client refreshes with an invalid refresh token$`), st.refreshWithInvalidToken)
	sc.When(pattern(`^the client replays the superseded refresh token$`), st.replaySupersededRefreshToken)
	sc.When(pattern(`^the client refreshes with the newest refresh token$`), st.refreshWithNewestToken)
	sc.When(pattern(`^the client refreshes asking for a broader scope$`), st.refreshAskingBroaderScope)
	sc.When(pattern(`^a second client refreshes with the first client's refresh token$`), st.refreshAsSecondClient)
	sc.When(pattern(`^the client revokes the access token$`), st.revokeTheAccessToken)
	sc.When(pattern(`^the client revokes an invalid token$`), st.revokeAnInvalidToken)
	sc.When(pattern(`^the resource server introspects the access token$`), st.introspectTheAccessToken)
	sc.When(pattern(`^the resource server introspects an invalid token$`), st.introspectAnInvalidToken)
	sc.When(pattern(`^an unauthenticated caller introspects the access token$`), st.introspectAnonymously)
	sc.When(pattern(`^the client fetches the authorization server metadata$`), st.fetchASMetadata)
	sc.When(pattern(`^the client fetches the JWKS$`), st.fetchJWKS)
	sc.When(pattern(`^the client fetches the protected resource metadata$`), st.fetchPRMetadata)

	// When: the protected resource
	sc.When(pattern(`^the client calls the protected resource with the access token$`), st.callWithToken)
	sc.When(pattern(`^the client calls the protected resource without credentials$`), st.callWithoutCredentials)
	sc.When(pattern(`^the client calls the protected resource with the Authorization header "([^"]*)"$`), st.callWithAuthorization)
	sc.When(pattern(`^the client calls the protected resource with the access token in the query only$`), st.callWithTokenInQuery)
	sc.When(pattern(`^the client calls the protected resource with the access token in a GET form body$`), st.callWithTokenInFormBody)
	sc.When(pattern(`^the client calls the protected resource with the access token in both the header and the query$`), st.callWithTokenInHeaderAndQuery)
	sc.When(pattern(`^the client calls the protected resource with two Authorization headers$`), st.callWithTwoAuthorizationHeaders)
	sc.When(pattern(`^the client calls the protected resource with the refresh token as a bearer token$`), st.callWithRefreshTokenAsBearer)
	sc.When(pattern(`^the client calls the scope-restricted resource with the access token$`), st.callScopedResource)
	sc.When(pattern(`^the client meets every kind of refusal$`), st.provokeEveryRefusal)
	sc.When(pattern(`^the client presents the forged tokens?$`), st.presentForgedTokens)
	sc.When(pattern(`^the client measures the leeway the target allows on expiry$`), st.measureLeeway)
	sc.When(pattern(`^the client sends refused requests that carry the password or the token$`), st.sendRefusedRequestsCarryingSecrets)
	sc.When(pattern(`^the client sends malformed and hostile requests$`), st.sendHostileRequests)

	// Then
	sc.Then(pattern(`^the response status should be (\d+)$`), st.statusShouldBe)
	sc.Then(pattern(`^the response content type should be "([^"]*)"$`), st.contentTypeShouldBe)
	sc.Then(pattern(`^the JSON field "([^"]*)" should be a non-empty string$`), st.fieldShouldBeNonEmptyString)
	sc.Then(pattern(`^the JSON field "([^"]*)" should be "([^"]*)"$`), st.fieldShouldBe)
	sc.Then(pattern(`^the JSON field "([^"]*)" should be "([^"]*)" ignoring case$`), st.fieldShouldBeFold)
	sc.Then(pattern(`^the JSON field "([^"]*)" should be absent$`), st.fieldShouldBeAbsent)
	sc.Then(pattern(`^the header "([^"]*)" should contain the directive "([^"]*)"$`), st.headerShouldContainDirective)
	sc.Then(pattern(`^the header "([^"]*)" should be "([^"]*)"$`), st.headerShouldBe)
	sc.Then(pattern(`^the response should carry a Bearer challenge without an error$`), st.bearerChallengeWithoutError)
	sc.Then(pattern(`^the response should carry a Bearer challenge with error "([^"]*)"$`), st.bearerChallengeWithError)
	sc.Then(pattern(`^the response should name the authenticated user$`), st.responseNamesUser)
	sc.Then(pattern(`^the response status should be (\d+) or (\d+)$`), st.statusShouldBeEither)
	sc.Then(pattern(`^the response should carry a "([^"]*)" challenge$`), st.theResponseShouldCarryAChallenge)
	sc.Then(pattern(`^the JSON field "([^"]*)" should be present$`), st.fieldShouldBePresent)
	sc.Then(pattern(`^no access token should have been issued$`), st.noAccessTokenShouldBeIssued)
	sc.Then(pattern(`^the target should not have accepted the token$`), st.theTargetShouldNotAcceptTheToken)

	// Then: token endpoint
	sc.Then(pattern(`^the token response should declare a plausible lifetime$`), st.theTokenResponseShouldDeclareAPlausibleLifetime)
	sc.Then(pattern(`^the access token should use only visible ASCII characters$`), st.theAccessTokenShouldUseOnlyVisibleASCII)
	sc.Then(pattern(`^an opaque access token should carry at least (\d+) bits of entropy$`), st.anOpaqueTokenShouldBeUnguessable)
	sc.Then(pattern(`^the requested scope should be refused as invalid or named as narrowed$`), st.theRequestedScopeShouldBeRefusedOrNarrowed)
	sc.Then(pattern(`^both refusals should look the same$`), st.bothRefusalsShouldLookTheSame)
	sc.Then(pattern(`^an error_description, if any, should use only the characters RFC 6749 allows$`), st.errorDescriptionShouldBeSafe)
	sc.Then(pattern(`^the password grant should not be offered$`), st.thePasswordGrantShouldNotBeOffered)
	sc.Then(pattern(`^the target should have started throttling without a server error$`), st.theTargetShouldHaveThrottled)
	sc.Then(pattern(`^the valid user should be able to log in after the cool-down$`), st.theValidUserShouldLogInAfterTheCoolDown)

	// Then: bearer usage
	sc.Then(pattern(`^the Bearer challenge should carry at least one auth-param$`), st.theBearerChallengeShouldHaveAnAuthParam)
	sc.Then(pattern(`^every challenge should be well-formed$`), st.everyChallengeShouldBeWellFormed)
	sc.Then(pattern(`^a response to a token in the query should be marked private$`), st.aQueryTokenResponseShouldBePrivate)
	sc.Then(pattern(`^the response should not be cacheable by shared caches$`), st.theResponseShouldNotBeSharedCacheable)

	// Then: forged and minted tokens
	sc.Then(pattern(`^the forged tokens? should be refused$`), st.forgedTokensShouldBeRefused)
	sc.Then(pattern(`^the malformed token should be refused without a server error$`), st.malformedTokensShouldBeRefused)
	sc.Then(pattern(`^the forged tokens? should be accepted$`), st.forgedTokensShouldBeAccepted)
	sc.Then(pattern(`^the forged tokens? should get no server error$`), st.forgedTokensShouldGetNoServerError)
	sc.Then(pattern(`^every answer should have come within (\d+) seconds$`), st.answersShouldComeWithin)
	sc.Then(pattern(`^no answer should echo the injected marker$`), st.noAnswerShouldEchoTheMarker)
	sc.Then(pattern(`^the target should not have fetched the harness's key$`), st.theKeyServerShouldNotBeFetched)
	sc.Then(pattern(`^the target's HMAC secret should not be a well-known one$`), st.theHMACSecretShouldNotBeCommon)
	sc.Then(pattern(`^the valid access token should still open the protected resource$`), st.theValidTokenShouldStillOpenTheResource)
	sc.Then(pattern(`^the access token's lifetime should be at most (\d+) seconds$`), st.lifetimeShouldBeShort)

	// Then: refresh, discovery, transport
	sc.Then(pattern(`^the new access token should open the protected resource$`), st.theNewAccessTokenShouldOpenTheResource)
	sc.Then(pattern(`^the new access token should differ from the old one$`), st.theNewAccessTokenShouldDiffer)
	sc.Then(pattern(`^the broader scope should be refused or not granted$`), st.theBroaderScopeShouldBeRefused)
	sc.Then(pattern(`^the metadata issuer should be the target's issuer$`), st.theMetadataIssuerShouldBeTheTargets)
	sc.Then(pattern(`^every endpoint in the metadata should use https$`), st.everyMetadataEndpointShouldUseHTTPS)
	sc.Then(pattern(`^the metadata should not advertise the password grant$`), st.theMetadataShouldNotAdvertisePassword)
	sc.Then(pattern(`^the JWKS should hold only public asymmetric keys with unique kids$`), st.theJWKSShouldHoldOnlyPublicKeys)
	sc.Then(pattern(`^the access token should verify with the JWKS key it names$`), st.theTokenShouldVerifyWithItsJWKSKey)
	sc.Then(pattern(`^the introspected token should be active: (true|false)$`), st.theTokenShouldBeActive)
	sc.Then(pattern(`^the protected resource metadata should name the resource and its authorization server$`), st.thePRMetadataShouldBeConsistent)
	sc.Then(pattern(`^the target should be reached over TLS unless it is on loopback$`), st.theTargetShouldUseTLSOffLoopback)
	sc.Then(pattern(`^no refusal should echo the password or the token$`), st.noRefusalShouldEchoASecret)
	sc.Then(pattern(`^none of them should cause a server error or show a stack trace$`), st.noneShouldCauseAServerError)

	registerVocabulary(sc, st)
}
