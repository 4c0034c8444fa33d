@refresh @needs-oauth @needs-refresh
Feature: Refreshing an access token
  A refresh token buys a new access token with the same or a narrower
  scope, only at the token endpoint: it is no access token itself. A target
  that rotates refresh tokens refuses the one it replaced, and on such a
  replay revokes the whole family.

  References: RFC 6749 §5.1, §5.2, §6 and §10.4; RFC 9700 §4.14.2;
  RFC 8725 §3.12.

  Background:
    Given a fresh login of the valid user

  @R01 @conformance @rfc6749-6
  Scenario: R01 a refresh token buys a working access token
    When the client refreshes the access token
    Then the response status should be 200
    And the JSON field "access_token" should be a non-empty string
    And the header "Cache-Control" should contain the directive "no-store"
    And the header "Pragma" should be "no-cache"
    And the new access token should open the protected resource

  @R02 @conformance @rfc6749-5.2
  Scenario: R02 an invalid refresh token is invalid_grant
    When the client refreshes with an invalid refresh token
    Then the response status should be 400
    And the JSON field "error" should be "invalid_grant"

  @R03 @advisory @rfc9700-4.14.2
  Scenario: R03 a refresh token that was rotated out is refused
    When the client refreshes the access token
    And the client replays the superseded refresh token
    Then the response status should be 400
    And the JSON field "error" should be "invalid_grant"

  @R04 @advisory @rfc9700-4.14.2
  Scenario: R04 replaying a rotated refresh token revokes its family
    When the client refreshes the access token
    And the client replays the superseded refresh token
    And the client refreshes with the newest refresh token
    Then the response status should be 400
    And the JSON field "error" should be "invalid_grant"

  @R05 @conformance @rfc6749-6
  Scenario: R05 a refresh cannot widen the scope
    When the client refreshes asking for a broader scope
    Then the broader scope should be refused or not granted

  @R06 @security @needs-second-client @rfc6749-6 @rfc6749-10.4
  Scenario: R06 a refresh token works only for the client it was issued to
    When a second client refreshes with the first client's refresh token
    Then the response status should be 400
    And the JSON field "error" should be "invalid_grant"

  @R07 @security @rfc8725-3.12
  Scenario: R07 a refresh token is not accepted as an access token
    When the client calls the protected resource with the refresh token as a bearer token
    Then the response status should be 401

  @R08 @advisory @rfc6749-6
  Scenario: R08 a refresh yields a new access token value
    When the client refreshes the access token
    Then the response status should be 200
    And the new access token should differ from the old one
