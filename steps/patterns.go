package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepContext registers steps on a godog.ScenarioContext with each pattern
// compiled once per process. godog compiles a string pattern every time it
// is registered, and InitializeScenario registers every step for every
// scenario, so compiling was most of a run's CPU; a harness test that runs
// the suite once per deliberate fault paid it dozens of times over.
type stepContext struct{ sc *godog.ScenarioContext }

// compiledPatterns maps a step pattern to its compiled form. A
// *regexp.Regexp is safe for concurrent use, so scenarios share them.
var compiledPatterns sync.Map

// compiledStep returns pattern compiled, from the cache when it can. Like
// godog it panics on a malformed pattern: a programmer mistake found at
// start-up.
func compiledStep(pattern string) *regexp.Regexp {
	if re, ok := compiledPatterns.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := compiledPatterns.LoadOrStore(pattern, regexp.MustCompile(pattern))
	return re.(*regexp.Regexp)
}

// Given, When, Then and Step register fn under pattern, as the
// godog.ScenarioContext methods of the same names do.
func (c stepContext) Given(pattern string, fn any) { c.sc.Given(compiledStep(pattern), fn) }
func (c stepContext) When(pattern string, fn any)  { c.sc.When(compiledStep(pattern), fn) }
func (c stepContext) Then(pattern string, fn any)  { c.sc.Then(compiledStep(pattern), fn) }
func (c stepContext) Step(pattern string, fn any)  { c.sc.Step(compiledStep(pattern), fn) }
