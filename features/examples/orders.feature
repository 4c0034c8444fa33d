@orders
Feature: Orders
  A worked example of the step vocabulary, for the /orders resource of the
  reference server. Every request needs an access token with the "orders"
  scope (RFC 6750 §3.1); an order is created with a JSON body and read,
  then deleted, at the URL the Location header gives.

  Background:
    Given I am authenticated as the valid user

  @Q01 @conformance
  Scenario: Q01 an order is created, read and deleted
    When I send a POST request to "/orders" with the JSON fields:
      | item     | widget |
      | quantity | 3      |
    Then the response status should be 201
    And the response content type should be "application/json"
    And the header "Location" should be present
    And the header "WWW-Authenticate" should be absent
    And the JSON field "item" should equal "widget"
    And the JSON field "quantity" should be 3
    And the JSON field "quantity" should be of type integer
    And the JSON field "owner" should equal "{{profile.username}}"
    And the JSON field "id" should match "^[A-Za-z0-9_-]+$"
    And I store the JSON field "id" as "order_id"
    And I store the header "Location" as "order_url"
    And the header "Location" should contain "/orders/{{order_id}}"

    Given the request header "Accept" is "application/json"
    When I send a GET request to "{{order_url}}"
    Then the response status should be 200
    And the JSON field "id" should equal "{{order_id}}"

    When I send a DELETE request to "/orders/{{order_id}}"
    Then the response status should be one of 200 or 204
    When I send a GET request to "/orders/{{order_id}}"
    Then the response status should be 404
    And the JSON field "error" should exist

  @Q02 @conformance
  Scenario Outline: Q02 an invalid order is refused (<case>)
    When I send a POST request to "/orders" with the JSON body:
      """json
      <body>
      """
    Then the response status should be 400
    And the JSON field "error" should be "invalid_request"
    And the JSON field "error_description" should exist
    And the response body should contain "invalid_request"

    Examples:
      | case          | body                              |
      | no item       | {"quantity": 1}                   |
      | zero quantity | {"item": "widget", "quantity": 0} |
      | broken JSON   | {"item":                          |

  @Q03 @conformance @rfc6750-3
  Scenario: Q03 orders are not listed without a token
    When I send a GET request to "/orders" without a token
    Then the response status should be 401
    And the response should carry a Bearer challenge without an error

  @Q04 @conformance @rfc6750-3.1
  Scenario: Q04 a token without the orders scope is refused
    Given I am authenticated as the valid user with scope "read"
    When I send a GET request to "/orders"
    Then the response status should be 403
    And the response should carry a Bearer challenge with error "insufficient_scope"

  @Q05 @security @rfc7515-5.2
  Scenario: Q05 a token whose subject was changed is refused
    Given the current token's "sub" claim is changed to "admin"
    When I send a GET request to "/orders"
    Then the response status should be 401
    And the response should carry a Bearer challenge with error "invalid_token"

  @Q06 @security @needs-key @rfc7519-4.1.4
  Scenario: Q06 an expired token is refused
    Given I have a token that expired 1 hour ago
    When I send a GET request to "/orders"
    Then the response status should be 401
    And the response should carry a Bearer challenge with error "invalid_token"

  @Q07 @security @needs-key @rfc7519-4.1.5
  Scenario: Q07 a token that is not valid yet is refused
    Given I have a token that becomes valid in 1 hour
    When I send a GET request to "/orders"
    Then the response status should be 401
    And the response should carry a Bearer challenge with error "invalid_token"

  @Q08 @conformance @needs-refresh @rfc6749-6
  Scenario: Q08 a refreshed token lists the orders
    When I use the refresh token
    Then the response status should be 200
    And the JSON field "access_token" should be a non-empty string
    Given the request query parameter "limit" is "10"
    When I send a GET request to "/orders"
    Then the response status should be 200
    And the JSON field "orders" should be of type array

  @Q09 @conformance @needs-second-user
  Scenario: Q09 a token kept by name still works after switching user
    Given I keep the current token as "creator"
    When I send a POST request to "/orders" with the JSON body:
      """json
      {"item": "gadget-{{marker}}", "quantity": 1}
      """
    Then the response status should be 201
    And I store the JSON field "id" as "order_id"
    Given I am authenticated as the second user
    When I send a GET request to "/orders/{{order_id}}" with the token "creator"
    Then the response status should be 200
    And the JSON field "owner" should equal "{{profile.username}}"
