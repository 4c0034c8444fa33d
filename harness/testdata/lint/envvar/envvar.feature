Feature: A step that reads an env var

  @Q11 @conformance
  Scenario: Q11 the order named by the environment
    Given I am authenticated as the valid user
    When I send a GET request to "/orders/{{env.AUTHCONFORM_ORDER_ID}}"
    Then the response status should be 200
