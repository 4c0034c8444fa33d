@token-endpoint @needs-oauth
Feature: Token endpoint
  The token endpoint issues bearer access tokens for the resource owner
  password credentials grant, forbids caching of what it returns, and
  answers every bad request with an RFC 6749 error code.

  References: RFC 6749 §3.2, §4.3.2, §5.1 and §5.2.

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
