@discovery
Feature: Discovery, JWKS, revocation and introspection
  Where the target publishes authorization server metadata, it names its
  issuer exactly, lists its endpoints on https and does not advertise the
  deprecated password grant. Its JWKS holds public keys only, one of which
  verifies its access tokens. Its revocation endpoint revokes, answers 200
  for tokens it does not know, and its introspection endpoint tells active
  tokens from the rest, to authenticated resource servers only.

  References: RFC 8414 §2, §3 and §3.3; RFC 7517 §4 and §5; RFC 7518 §6;
  RFC 8725 §3.1; RFC 7009 §2.1 and §2.2; RFC 7662 §2.1–2.3; RFC 9728;
  RFC 9700 §2.4.

  @D01 @conformance @needs-discovery @rfc8414-3 @rfc8414-3.3
  Scenario: D01 the authorization server metadata names its issuer and token endpoint
    When the client fetches the authorization server metadata
    Then the response status should be 200
    And the response content type should be "application/json"
    And the metadata issuer should be the target's issuer
    And the JSON field "token_endpoint" should be a non-empty string
    And the JSON field "response_types_supported" should be present

  @D02 @conformance @needs-discovery @needs-https @rfc8414-2
  Scenario: D02 every endpoint in the metadata is on https
    When the client fetches the authorization server metadata
    Then every endpoint in the metadata should use https

  @D03 @advisory @needs-discovery @rfc9700-2.4
  Scenario: D03 the metadata does not advertise the password grant
    When the client fetches the authorization server metadata
    Then the metadata should not advertise the password grant

  @D04 @security @needs-jwks @rfc7517-5
  Scenario: D04 the JWKS holds only public keys
    When the client fetches the JWKS
    Then the response status should be 200
    And the JWKS should hold only public asymmetric keys with unique kids

  @D05 @conformance @needs-jwt @needs-jwks @needs-pub @rfc8725-3.1
  Scenario: D05 the access token verifies with the JWKS key it names
    Given a valid access token
    Then the access token should verify with the JWKS key it names

  @D06 @conformance @needs-revocation @rfc7009-2.2
  Scenario: D06 the revocation endpoint revokes an access token
    Given a fresh login of the valid user
    When the client revokes the access token
    Then the response status should be 200

  @D06 @advisory @needs-revocation @rfc7009-2.1
  Scenario: D06 a revoked access token no longer opens the protected resource
    Given a fresh login of the valid user
    When the client revokes the access token
    And the client calls the protected resource with the access token
    Then the response status should be 401

  @D07 @conformance @needs-revocation @rfc7009-2.2
  Scenario: D07 revoking an unknown token is not an error
    When the client revokes an invalid token
    Then the response status should be 200

  @D09 @conformance @needs-introspection @needs-resource-client @rfc7662-2.2
  Scenario: D09 introspection says an issued access token is active
    Given a fresh login of the valid user
    When the resource server introspects the access token
    Then the response status should be 200
    And the introspected token should be active: true

  @D09 @conformance @needs-introspection @needs-resource-client @rfc7662-2.2
  Scenario: D09 introspection says an unknown token is not active
    When the resource server introspects an invalid token
    Then the response status should be 200
    And the introspected token should be active: false

  @D09 @conformance @needs-introspection @needs-revocation @needs-resource-client @rfc7662-2.2
  Scenario: D09 introspection says a revoked token is not active
    Given a fresh login of the valid user
    When the client revokes the access token
    And the resource server introspects the access token
    Then the introspected token should be active: false

  @D09 @conformance @needs-introspection @rfc7662-2.1
  Scenario: D09 introspection needs the caller to authenticate
    Given a fresh login of the valid user
    When an unauthenticated caller introspects the access token
    Then the response status should be 401

  @D10 @advisory @rfc9728-3
  Scenario: D10 protected resource metadata, if published, is consistent
    When the client fetches the protected resource metadata
    Then the response status should be 200
    And the protected resource metadata should name the resource and its authorization server
