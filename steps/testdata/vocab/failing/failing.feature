Feature: Every assertion of the vocabulary can fail
  Each scenario expects what the fake API does not answer, so each must
  fail; the test checks that every one does.

  Background:
    Given I am authenticated as the valid user
    When I send a GET request to "/orders"

  Scenario: status one of
    Then the response status should be one of 201 or 204

  Scenario: status class
    Then the response status should be 4xx

  Scenario: header present
    Then the header "Location" should be present

  Scenario: header absent
    Then the header "Content-Type" should be absent

  Scenario: header contains
    Then the header "Content-Type" should contain "text/html"

  Scenario: JSON equal
    Then the JSON field "orders" should equal "x"

  Scenario: JSON literal
    Then the JSON field "orders.#" should be 1

  Scenario: JSON match
    Then the JSON field "orders.#" should match "^[1-9]$"

  Scenario: JSON type
    Then the JSON field "orders" should be of type object

  Scenario: JSON exists
    Then the JSON field "orders.0.id" should exist

  Scenario: JSON items
    Then the JSON field "orders" should have 2 items

  Scenario: body contains
    Then the response body should contain "widget"

  Scenario: store a missing field
    Then I store the JSON field "0.id" as "order_id"

  Scenario: unknown placeholder
    When I send a GET request to "/orders/{{nothing}}"

  Scenario: another host
    When I send a GET request to "http://example.com/orders"

  Scenario: a named token never kept
    When I send a GET request to "/orders" with the token "nobody"
