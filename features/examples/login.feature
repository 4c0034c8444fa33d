@login @needs-oauth
Feature: Logging in
  A worked example of the token endpoint steps, written for any API whose
  profile names a valid user (RFC 6749 §4.3.2 and §5).

  @Q10 @conformance @rfc6749-5.1
  Scenario: Q10 the valid user logs in with a form of their own
    When I send a POST request to "{{profile.token_path}}" with the form fields:
      | grant_type | password             |
      | username   | {{profile.username}} |
      | password   | {{profile.password}} |
    Then the response status should be 200
    And the JSON field "access_token" should be a non-empty string
    And the header "Pragma" should be "no-cache"

  @Q11 @conformance @rfc6749-5.1
  Scenario: Q11 a raw token request works like the built-in one
    When the client sends the token request "grant_type=password&username={username}&password={password}"
    Then the response status should be 200
    And the JSON field "token_type" should be "bearer" ignoring case

  @Q12 @conformance @rfc6749-5.2
  Scenario: Q12 an unknown user gets a client error
    When the client requests a token for an unknown user
    Then the response status should be 4xx
    And the JSON field "error" should be "invalid_grant"
