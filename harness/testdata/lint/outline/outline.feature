Feature: A Scenario Outline that forgot its Examples

  @Q10 @conformance
  Scenario Outline: Q10 each order path answers
    Given I am authenticated as the valid user
    When I send a GET request to "/<p>"
    Then the response status should be 200
