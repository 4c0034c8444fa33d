Feature: A file with a Gherkin syntax error

  Scenario: a stray line among the steps
    Given I am authenticated as the valid user
    this line is not Gherkin
    Then the response status should be 200
