@bearer-usage
Feature: Bearer token usage at the protected resource
  The protected resource accepts a valid access token in the Authorization
  header, with the scheme in any case, and answers every request it refuses
  with a WWW-Authenticate Bearer challenge that says why.

  References: RFC 6750 §2.1, §2.2, §2.3, §3 and §3.1; RFC 9110 §11.1;
  RFC 9700 §4.3.2.

  @B01 @conformance @rfc6750-2.1
  Scenario: B01 a valid access token opens the protected resource
    Given a valid access token
    When the client calls the protected resource with the access token
    Then the response status should be 200
    And the response should name the authenticated user

  @B02 @conformance @rfc6750-3 @rfc6750-3.1
  Scenario: B02 a request without credentials gets a bare Bearer challenge
    When the client calls the protected resource without credentials
    Then the response status should be 401
    And the response should carry a Bearer challenge without an error

  @B04 @conformance @rfc6750-3.1
  Scenario: B04 a token that is not a JWT is an invalid token
    When the client calls the protected resource with the Authorization header "Bearer not-a-jwt-{marker}"
    Then the response status should be 401
    And the response should carry a Bearer challenge with error "invalid_token"

  @B05 @conformance @rfc9110-11.1
  Scenario Outline: B05 the Bearer scheme is case-insensitive (<scheme>)
    Given a valid access token
    When the client calls the protected resource with the Authorization header "<scheme> {token}"
    Then the response status should be 200

    Examples:
      | scheme |
      | bearer |
      | BEARER |
      | bEaReR |

  @B06 @conformance @rfc6750-3.1
  Scenario Outline: B06 another authentication scheme counts as no credentials (<scheme>)
    Given a valid access token
    When the client calls the protected resource with the Authorization header "<header>"
    Then the response status should be 401
    And the response should carry a Bearer challenge without an error

    Examples:
      | scheme | header        |
      | Basic  | Basic dTpw    |
      | Token  | Token {token} |

  @B03 @conformance @rfc6750-3
  Scenario: B03 the Bearer challenge carries an auth-param
    When the client calls the protected resource without credentials
    Then the response status should be 401
    And the Bearer challenge should carry at least one auth-param

  @B07 @advisory @rfc6750-2.1 @rfc6750-3.1
  Scenario Outline: B07 malformed Bearer credentials are refused (<case>)
    Given a valid access token
    When the client calls the protected resource with the Authorization header "<header>"
    Then the response status should be 401 or 400

    Examples:
      | case                      | header                |
      | no token after the scheme | Bearer                |
      | text after the token      | Bearer {token} extra  |

  @B08 @advisory @rfc6750-2.1
  Scenario: B08 more than one space after the scheme is still a Bearer token
    Given a valid access token
    When the client calls the protected resource with the Authorization header "Bearer  {token}"
    Then the response status should be 200

  @B09 @advisory @rfc6750-2.3 @rfc9700-4.3.2
  Scenario: B09 a token in the query string alone is not accepted
    Given a valid access token
    When the client calls the protected resource with the access token in the query only
    Then the target should not have accepted the token

  @B10 @advisory @rfc6750-2.2
  Scenario: B10 a token in the form body of a GET is not accepted
    Given a valid access token
    When the client calls the protected resource with the access token in a GET form body
    Then the target should not have accepted the token

  @B11 @conformance @rfc6750-3.1
  Scenario: B11 a token sent two ways at once is an invalid request
    Given a valid access token
    When the client calls the protected resource with the access token in both the header and the query
    Then the response status should be 400
    And the response should carry a Bearer challenge with error "invalid_request"

  @B12 @advisory @rfc6750-3.1
  Scenario: B12 two Authorization headers are not silently resolved
    Given a valid access token
    When the client calls the protected resource with two Authorization headers
    Then the target should not have accepted the token

  @B13 @conformance @needs-scope @rfc6750-3.1
  Scenario: B13 a token without the required scope is insufficient_scope
    Given a valid access token
    When the client calls the scope-restricted resource with the access token
    Then the response status should be 403
    And the response should carry a Bearer challenge with error "insufficient_scope"

  @B13 @conformance @needs-scope @rfc6750-3.1
  Scenario: B13 a token with the required scope opens the scope-restricted resource
    Given an access token of the user who holds the scope
    When the client calls the scope-restricted resource with the access token
    Then the response status should be 200

  @B14 @conformance @rfc6750-3
  Scenario: B14 every challenge is well-formed
    When the client meets every kind of refusal
    Then every challenge should be well-formed

  @B15 @advisory @rfc6750-2.3
  Scenario: B15 a response to a token in the query is private
    Given a valid access token
    When the client calls the protected resource with the access token in the query only
    Then a response to a token in the query should be marked private
