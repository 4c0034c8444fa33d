@transport
Feature: Transport and hygiene
  Credentials and tokens travel over TLS unless the target is on the
  runner's own host. Refusals do not echo secrets, hostile input never
  causes a server error or a stack trace, authenticated responses are not
  stored by shared caches, and forgeries are answered promptly.

  References: RFC 6749 §3.2 and §10.3; RFC 6750 §2.3 and §5.3; RFC 9700
  §4.3; RFC 9111 §5.2.

  @X01 @security @rfc6749-3.2 @rfc6750-5.3
  Scenario: X01 the target is reached over TLS unless it is on loopback
    Then the target should be reached over TLS unless it is on loopback

  @X03 @advisory @rfc6750-5.3
  Scenario: X03 refusals do not echo the password or the token
    When the client sends refused requests that carry the password or the token
    Then no refusal should echo the password or the token

  @X04 @conformance @practice
  Scenario: X04 hostile requests cause no server error
    When the client sends malformed and hostile requests
    Then none of them should cause a server error or show a stack trace

  @X05 @advisory @rfc6750-2.3
  Scenario: X05 a response to an authenticated request is not shared-cacheable
    Given a valid access token
    When the client calls the protected resource with the access token
    Then the response status should be 200
    And the response should not be cacheable by shared caches

  @X06 @advisory @forgery @needs-jwt @practice
  Scenario: X06 forgeries are answered promptly
    Given one token of each keyless forgery
    When the client presents the forged tokens
    Then every answer should have come within 9 seconds
