@bearer-usage
Feature: Bearer token usage at the protected resource
  The protected resource accepts a valid access token in the Authorization
  header, with the scheme in any case, and answers every request it refuses
  with a WWW-Authenticate Bearer challenge that says why.

  References: RFC 6750 §2.1, §3 and §3.1; RFC 9110 §11.1.

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
