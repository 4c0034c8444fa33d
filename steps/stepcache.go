package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepRegistry is the part of godog.ScenarioContext that register uses.
type stepRegistry interface {
	Given(expr, stepFunc any)
	When(expr, stepFunc any)
	Then(expr, stepFunc any)
	Step(expr, stepFunc any)
}

// compiledSteps hands godog each step pattern compiled once per process.
// godog compiles a string pattern on every registration, and every
// scenario registers every step: with the whole catalogue that was half the
// harness's CPU time.
type compiledSteps struct{ sc *godog.ScenarioContext }

func (c compiledSteps) Given(expr, stepFunc any) { c.sc.Given(compiledPattern(expr), stepFunc) }
func (c compiledSteps) When(expr, stepFunc any)  { c.sc.When(compiledPattern(expr), stepFunc) }
func (c compiledSteps) Then(expr, stepFunc any)  { c.sc.Then(compiledPattern(expr), stepFunc) }
func (c compiledSteps) Step(expr, stepFunc any)  { c.sc.Step(compiledPattern(expr), stepFunc) }

// stepPatterns caches compiled step patterns by their text. A
// *regexp.Regexp is safe for concurrent use, so scenarios share them.
var stepPatterns sync.Map // string → *regexp.Regexp

// compiledPattern returns expr compiled when it is a string, from the
// cache after the first time; anything else goes to godog unchanged. Like
// godog, it panics on a pattern that does not compile.
func compiledPattern(expr any) any {
	s, ok := expr.(string)
	if !ok {
		return expr
	}
	if re, ok := stepPatterns.Load(s); ok {
		return re
	}
	re, _ := stepPatterns.LoadOrStore(s, regexp.MustCompile(s))
	return re
}
