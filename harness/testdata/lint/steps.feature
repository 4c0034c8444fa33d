@orders
Feature: Steps and tags with mistakes

  @Q01 @securty @needs-magic @smoke
  Scenario: Q01 a scenario full of typos
    Given I am authenticated as the valid user
    When I sent a GET request to "/orders"
    Then the response status should be 200
    When the response status should be 200

  @Q02 @conformance @needs-key
  Scenario Outline: Q02 an outline whose rows are fine
    Given I have a token that expired <n> hours ago
    When I send a GET request to "/orders"
    Then the response status should be 401

    Examples:
      | n |
      | 1 |
      | 2 |
