@time-claims @forgery
Feature: Time claims and expiry
  The protected resource refuses an access token once its exp has passed,
  allowing at most a small leeway, refuses one whose nbf is still ahead,
  and copes with exp values that are not NumericDates. Its tokens are
  short-lived. Keyed checks mint tokens on the target's clock, read from
  its Date header; the one check without a key waits for a real token to
  expire.

  References: RFC 7519 §2, §4.1.4, §4.1.5 and §4.1.6; RFC 9068 §2.2;
  RFC 6750 §3.1 and §5.3.

  Background:
    Given the valid access token still opens the protected resource

  @E01 @security @needs-wait @rfc7519-4.1.4 @rfc6750-3.1
  Scenario: E01 a real token is refused once it has expired
    Given a token issued by the target that has since expired
    When the client presents the forged token
    Then the forged token should be refused

  @E02 @security @needs-jwt @needs-key @rfc7519-4.1.4
  Scenario: E02 a token that expired an hour ago is refused
    Given a token minted with the target's key whose expiry was an hour ago
    When the client presents the forged token
    Then the forged token should be refused

  @E03 @advisory @needs-jwt @needs-key @rfc7519-4.1.4
  Scenario: E03 the leeway on expiry is at most a few minutes
    Given a token minted with the target's key whose expiry was 330 seconds ago
    When the client presents the forged token
    Then the forged token should be refused

  @E04 @advisory @needs-jwt @needs-key @rfc7519-4.1.4
  Scenario: E04 the leeway the target allows on expiry is measured
    When the client measures the leeway the target allows on expiry

  @E05 @conformance @needs-jwt @needs-key @rfc7519-4.1.5
  Scenario: E05 a token that is not valid for another hour is refused
    Given a token minted with the target's key whose not-before time is an hour from now
    When the client presents the forged token
    Then the forged token should be refused

  @E06 @advisory @needs-jwt @needs-key @rfc7519-4.1.6
  Scenario: E06 a token issued an hour in the future is refused
    Given a token minted with the target's key whose issue time is an hour from now
    When the client presents the forged token
    Then the forged token should be refused

  @E07 @advisory @needs-jwt @needs-key @rfc9068-2.2
  Scenario: E07 a token without an expiry is refused
    Given a token minted with the target's key whose expiry is missing
    When the client presents the forged token
    Then the forged token should be refused

  @E08 @conformance @needs-jwt @needs-key @rfc7519-2
  Scenario Outline: E08 an expiry that is not a NumericDate is refused (<exp>)
    Given a token minted with the target's key whose expiry is <exp>
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | exp                  |
      | a string of digits   |
      | negative             |

  @E08 @conformance @needs-jwt @needs-key @rfc7519-2
  Scenario: E08 an expiry too large for 64-bit seconds causes no server error
    Given a token minted with the target's key whose expiry is 1e20
    When the client presents the forged token
    Then the forged token should get no server error

  @E08 @conformance @needs-jwt @needs-key @rfc7519-2
  Scenario: E08 a fractional expiry is a legal NumericDate
    Given a token minted with the target's key whose expiry is a fractional time an hour from now
    When the client presents the forged token
    Then the forged token should be accepted

  @E09 @advisory @needs-jwt @rfc6750-5.3
  Scenario: E09 access tokens are short-lived
    Given a valid access token
    Then the access token's lifetime should be at most 3600 seconds
