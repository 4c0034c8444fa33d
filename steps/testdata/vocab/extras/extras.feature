Feature: Vocabulary steps the worked examples do not show
  Run by the steps tests against their fake orders API only.

  Scenario: the scoped user has no orders
    Given I am authenticated as the scoped user
    When I send a GET request to "/orders"
    Then the response status should be 200
    And the JSON field "orders" should have 0 items

  Scenario: a token without exp is refused
    Given I am authenticated as the valid user
    And the current token's "exp" claim is removed
    When I send a GET request to "/orders"
    Then the response status should be 401
    And the response should carry a Bearer challenge with error "invalid_token"

  Scenario: values from the environment are JSON-escaped
    Given I am authenticated as the valid user
    When I send a POST request to "/orders" with the JSON body:
      """
      {"item": "{{env.AUTHCONFORM_TEST_ITEM}}", "quantity": 2}
      """
    Then the response status should be 201
    And the JSON field "item" should equal "{{env.AUTHCONFORM_TEST_ITEM}}"
    And the JSON field "quantity" should be of type number

  Scenario: a full URL on the target works as a path
    Given I am authenticated as the valid user
    When I send a GET request to "{{profile.base_url}}/orders"
    Then the response status should be 200
    And the JSON field "orders" should be of type array

  Scenario: the built-in and QA placeholders meet
    Given a valid access token
    When I send a GET request to "{{profile.protected_path}}"
    Then the response status should be 200
    And the response should name the authenticated user
