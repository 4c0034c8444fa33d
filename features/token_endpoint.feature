@token-endpoint @needs-oauth
Feature: Token endpoint
  The token endpoint issues bearer access tokens for the resource owner
  password credentials grant, forbids caching of what it returns, and
  answers every bad request with an RFC 6749 error code.

  References: RFC 6749 §2.3.1, §3.2, §3.3, §4.3.2, §5.1, §5.2, §10.10 and
  Appendix A.12; RFC 9700 §2.4.

  @T01 @conformance @rfc6749-5.1
  Scenario: T01 a password grant returns a bearer access token
    When the client requests a token with valid credentials
    Then the response status should be 200
    And the response content type should be "application/json"
    And the JSON field "access_token" should be a non-empty string
    And the JSON field "token_type" should be "bearer" ignoring case

  @T02 @conformance @rfc6749-5.1
  Scenario: T02 the token response must not be cached
    When the client requests a token with valid credentials
    Then the response status should be 200
    And the header "Cache-Control" should contain the directive "no-store"

  @T06 @conformance @rfc6749-5.2
  Scenario: T06 a wrong password is refused with invalid_grant
    When the client requests a token with the wrong password
    Then the response status should be 400
    And the JSON field "error" should be "invalid_grant"
    And the JSON field "access_token" should be absent
    And an error_description, if any, should use only the characters RFC 6749 allows

  @T08 @conformance @rfc6749-4.3.2 @rfc6749-5.2
  Scenario: T08 a request without grant_type is invalid
    When the client requests a token without the "grant_type" parameter
    Then the response status should be 400
    And the JSON field "error" should be "invalid_request"

  @T09 @conformance @rfc6749-5.2
  Scenario: T09 an unknown grant type is unsupported
    When the client requests a token with grant_type "foo"
    Then the response status should be 400
    And the JSON field "error" should be "unsupported_grant_type"

  @T10 @conformance @rfc6749-4.3.2 @rfc6749-5.2
  Scenario Outline: T10 a password grant without <parameter> is invalid
    When the client requests a token without the "<parameter>" parameter
    Then the response status should be 400
    And the JSON field "error" should be "invalid_request"

    Examples:
      | parameter |
      | username  |
      | password  |

  @T03 @conformance @rfc6749-5.1
  Scenario: T03 the token response carries the legacy Pragma no-cache
    When the client requests a token with valid credentials
    Then the response status should be 200
    And the header "Pragma" should be "no-cache"

  @T04 @advisory @rfc6749-5.1
  Scenario: T04 the token response declares a plausible lifetime
    When the client requests a token with valid credentials
    Then the response status should be 200
    And the token response should declare a plausible lifetime

  @T05 @conformance @rfc6749-A.12
  Scenario: T05 the access token is made of visible ASCII characters
    When the client requests a token with valid credentials
    Then the response status should be 200
    And the access token should use only visible ASCII characters

  @T05 @advisory @rfc6749-10.10
  Scenario: T05 an opaque access token cannot be guessed
    When the client requests a token with valid credentials
    Then the response status should be 200
    And an opaque access token should carry at least 96 bits of entropy

  @T07 @advisory @practice
  Scenario: T07 an unknown user cannot be told from a wrong password
    When the client requests tokens for an unknown user and with a wrong password
    Then both refusals should look the same

  @T11 @conformance @rfc6749-3.2 @rfc6749-5.2
  Scenario: T11 a repeated parameter is invalid
    When the client requests a token with the password parameter repeated
    Then the response status should be 400
    And the JSON field "error" should be "invalid_request"

  @T12 @security @rfc6749-3.2 @rfc6749-2.3.1
  Scenario: T12 credentials in the URL of a GET earn no token
    When the client requests a token with a GET and the credentials in the query
    Then no access token should have been issued

  @T13 @advisory @rfc6749-4.3.2
  Scenario: T13 a JSON body instead of a form earns no token
    When the client requests a token with a JSON body
    Then no access token should have been issued

  @T14 @conformance @needs-client @rfc6749-5.2
  Scenario: T14 a wrong client secret in Basic authentication is invalid_client with a challenge
    When the client requests a token with a wrong client secret in the Authorization header
    Then the response status should be 401
    And the JSON field "error" should be "invalid_client"
    And the response should carry a "Basic" challenge

  @T15 @conformance @needs-client @rfc6749-5.2
  Scenario: T15 a wrong client secret in the body is invalid_client
    When the client requests a token with a wrong client secret in the body
    Then the response status should be 400 or 401
    And the JSON field "error" should be "invalid_client"

  @T16 @conformance @needs-scope @rfc6749-3.3 @rfc6749-5.2
  Scenario: T16 an unknown scope is refused or the granted scope is named
    When the client requests a token for the scope "nonexistent-{marker}"
    Then the requested scope should be refused as invalid or named as narrowed

  @T17 @advisory @destructive @rfc6749-4.3.2
  Scenario: T17 repeated wrong passwords are throttled, and the user can log in again
    When the client sends 30 wrong passwords in a row
    Then the target should have started throttling without a server error
    And the valid user should be able to log in after the cool-down

  @T18 @advisory @rfc9700-2.4
  Scenario: T18 the deprecated password grant is not offered
    When the client requests a token with valid credentials
    Then the password grant should not be offered
