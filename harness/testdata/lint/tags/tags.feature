Feature: Tags the harness needs

  Scenario: a scenario without check ID or severity
    Given I am authenticated as the valid user
    When I send a GET request to "/orders"
    Then the response status should be 200

  @T01 @conformance
  Scenario: T01 my own token check
    Given I am authenticated as the valid user
    When I send a GET request to "/orders"
    Then the response status should be 200

  @Q03 @conformance
  Scenario: Q03 a step that reads another variable
    Given I am authenticated as the valid user
    When I send a GET request to "/orders/{{env.HOME}}"
    Then the response status should be 200
