@orders
Feature: A clean file

  @Q01 @conformance
  Scenario: Q01 nothing wrong here
    Given I am authenticated as the valid user
    When I send a GET request to "/orders"
    Then the response status should be 200
