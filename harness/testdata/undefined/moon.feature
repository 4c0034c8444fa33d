Feature: An undefined step

  @Q01 @conformance
  Scenario: Q01 fly
    Given I fly to the moon

  @Q02 @conformance
  Scenario: Q02 a step without its keyword
    I fly to the moon
