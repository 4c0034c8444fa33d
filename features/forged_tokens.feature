@forged-tokens @forgery
Feature: Forged, tampered and malformed access tokens
  The protected resource verifies every access token's signature with the
  one algorithm and key it expects, and refuses anything else with 401:
  tampered payloads, stripped or broken signatures, alg none, keys the
  token itself supplies, algorithm confusion, injected header parameters and
  malformed tokens. It never answers a forgery with a success or a server
  error. Tokens minted with the target's own key, where the profile gives
  it, show that claims are checked too: audience, issuer, subject and type.

  References: RFC 7515 §4.1.11 and §5.2; RFC 7519 §7.2; RFC 8725 §2.1,
  §3.1–3.12; RFC 9068 §2.1 and §4; CVE-2015-2951, CVE-2015-9235,
  CVE-2016-10555, CVE-2018-0114, CVE-2019-20933, CVE-2020-28042,
  CVE-2022-21449.

  Background:
    Given the valid access token still opens the protected resource

  @F01 @security @needs-jwt @rfc8725-3.3
  Scenario Outline: F01 a token whose payload was tampered with is refused (<change>)
    Given a token whose payload was tampered with (<change>), keeping the original signature
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | change               |
      | another subject      |
      | an admin claim added |

  @F02 @security @needs-jwt @rfc8725-3.3
  Scenario Outline: F02 a token with a broken signature is refused (<damage>)
    Given a token whose signature was <damage>
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | damage      |
      | truncated   |
      | bit-flipped |

  @F03 @security @needs-jwt @rfc7515-5.2
  Scenario Outline: F03 a token with a null signature is refused (<damage>)
    Given a token whose signature was <damage>
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | damage  |
      | emptied |
      | zeroed  |

  @F04 @security @needs-jwt @rfc8725-3.1 @rfc9068-2.1
  Scenario Outline: F04 an unsigned token with alg "<alg>" is refused
    Given a token whose alg header is "<alg>" and whose signature was removed
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | alg  |
      | none |
      | None |
      | NONE |
      | nOnE |

  @F05 @security @needs-jwt @rfc8725-3.1
  Scenario Outline: F05 a token with alg "<alg>" that keeps its signature is refused
    Given a token whose alg header is "<alg>" that keeps its original signature
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | alg  |
      | none |
      | None |
      | NONE |
      | nOnE |

  @F06 @security @needs-jwt @rfc8725-3.5
  Scenario: F06 a token signed with an empty HMAC secret is refused
    Given a token re-signed with an empty HMAC secret
    When the client presents the forged token
    Then the forged token should be refused

  @F07 @security @needs-jwt @needs-hmac @rfc8725-3.5
  Scenario: F07 the HMAC secret is not a well-known one
    Given a valid access token
    Then the target's HMAC secret should not be a well-known one

  @F08 @security @needs-jwt @needs-jwks @needs-pub @rfc8725-2.1
  Scenario Outline: F08 a token HMAC-signed with the target's public key is refused (<form>)
    Given a token signed with HS256 keyed by the target's public key in <form> form
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | form |
      | PEM  |
      | DER  |
      | JWK  |

  @F09 @security @needs-jwt @rfc8725-3.1
  Scenario Outline: F09 a token whose alg names another hash size of its family is refused (<bits>)
    Given a token whose alg header names the <bits>-bit member of its family, keeping the original signature
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | bits |
      | 256  |
      | 384  |
      | 512  |

  @F10 @security @needs-jwt @rfc8725-3.10
  Scenario: F10 a token that supplies its own key in a jwk header is refused
    Given a token signed by the harness's own key, embedded in its jwk header
    When the client presents the forged token
    Then the forged token should be refused

  @F11 @security @needs-jwt @rfc8725-3.10
  Scenario Outline: F11 a token that points at its own key with <header> is refused and not followed
    Given a token signed by the harness's own key, whose <header> header points at that key
    When the client presents the forged token
    Then the forged token should be refused
    And the target should not have fetched the harness's key

    Examples:
      | header |
      | jku    |
      | x5u    |

  @F12 @security @needs-jwt @rfc8725-3.10
  Scenario Outline: F12 a token with an injected kid is refused (<injection>)
    Given a token whose kid header is "<kid>", signed with HS256 and the secret "<secret>"
    When the client presents the forged token
    Then the forged token should be refused
    And every answer should have come within 9 seconds

    Examples:
      | injection       | kid                        | secret |
      | empty kid       |                            |        |
      | path traversal  | ../../../../../../dev/null |        |
      | absolute path   | /dev/null                  |        |
      | missing file    | /invalid_path              |        |
      | SQL injection   | x' UNION SELECT '1';--     | 1      |
      | shell injection | \|sleep 10                 |        |

  @F13 @security @needs-jwt @rfc7518-3.4 @cve-2022-21449
  Scenario Outline: F13 a token with a psychic ECDSA signature is refused (<alg>, <form>)
    Given a token with alg "<alg>" and a psychic signature (<form>)
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | alg   | form           |
      | ES256 | DER r=s=0      |
      | ES256 | all-zero bytes |
      | ES384 | all-zero bytes |
      | ES512 | all-zero bytes |

  @F14 @security @needs-jwt @rfc8725-3.3
  Scenario: F14 claims are not processed before the signature is verified
    Given one token per claim, each claim replaced by a marker, keeping the original signature
    When the client presents the forged tokens
    Then the forged tokens should be refused
    And no answer should echo the injected marker

  @F15 @security @needs-jwt @practice
  Scenario Outline: F15 a token with a null byte is refused (<where>)
    Given a token with a null byte <where>, keeping the original signature
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | where              |
      | after its payload  |
      | inside its subject |

  @F16 @conformance @needs-jwt @rfc8725-3.3
  Scenario Outline: F16 a claim of the wrong JSON type is refused without a server error (<part> <claim> is <value>)
    Given a token whose <part> claim "<claim>" is <value>, keeping the original signature
    When the client presents the forged token
    Then the forged token should be refused

    Examples:
      | part    | claim | value    |
      | header  | alg   | null     |
      | header  | alg   | true     |
      | header  | alg   | zero     |
      | header  | typ   | null     |
      | header  | typ   | false    |
      | header  | kid   | true     |
      | header  | kid   | zero     |
      | payload | sub   | null     |
      | payload | sub   | true     |
      | payload | sub   | zero     |
      | payload | exp   | null     |
      | payload | exp   | true     |
      | payload | exp   | a string |
      | payload | iat   | false    |
      | payload | iat   | a string |
      | payload | nbf   | true     |
      | payload | nbf   | a string |
      | payload | aud   | zero     |
      | payload | aud   | false    |
      | payload | iss   | zero     |
      | payload | iss   | null     |

  @F17 @advisory @rfc7515-7.1
  Scenario Outline: F17 a structurally malformed token is refused without a server error (<malformation>)
    Given a token with <malformation> instead of the JWS compact form
    When the client presents the forged token
    Then the malformed token should be refused without a server error

    Examples:
      | malformation                       |
      | one segment                        |
      | two segments                       |
      | four segments                      |
      | base64 padding                     |
      | characters outside base64url       |
      | a header that is not a JSON object |
      | 16 KB long                         |
      | 64 KB long                         |

  @F18 @conformance @needs-jwt @rfc7515-4.1.11
  Scenario: F18 a token with an unknown critical header is refused
    Given a token with an unknown critical header, keeping the original signature
    When the client presents the forged token
    Then the forged token should be refused

  @F18 @conformance @needs-jwt @needs-key @rfc7515-4.1.11
  Scenario: F18 a validly signed token with an unknown critical header is refused
    Given a token minted with the target's key whose header has an unknown critical parameter
    When the client presents the forged token
    Then the forged token should be refused

  @F19 @security @needs-jwt @needs-key @rfc8725-3.9 @rfc9068-4
  Scenario: F19 a validly signed token for another audience is refused
    Given a token minted with the target's key whose audience is another resource server
    When the client presents the forged token
    Then the forged token should be refused

  @F20 @security @needs-jwt @needs-key @rfc8725-3.8 @rfc9068-4
  Scenario: F20 a validly signed token from another issuer is refused
    Given a token minted with the target's key whose issuer is another authority
    When the client presents the forged token
    Then the forged token should be refused

  @F21 @conformance @needs-jwt @needs-key @rfc8725-3.8
  Scenario: F21 a validly signed token for an unknown subject is refused
    Given a token minted with the target's key whose subject is an unknown user
    When the client presents the forged token
    Then the forged token should be refused

  @F22 @security @needs-jwt @needs-key @needs-rfc9068 @rfc9068-4 @rfc8725-3.11
  Scenario: F22 a validly signed token of another type is refused by an RFC 9068 target
    Given a token minted with the target's key whose type is plain JWT
    When the client presents the forged token
    Then the forged token should be refused

  @F23 @conformance @needs-jwt @needs-key @rfc9068-4
  Scenario: F23 a token minted with the target's key and correct claims is accepted
    Given a token minted with the target's key and the claims of a real one
    When the client presents the forged token
    Then the forged token should be accepted

  @B01 @conformance @persistence @rfc6750-2.1
  Scenario: B01 the valid access token still works after every forgery
    Given every other forgery has been presented
    Then the valid access token should still open the protected resource
