package steps

import (
	"regexp"
	"sync"
)

// stepPatterns caches compiled step patterns by their text. A
// *regexp.Regexp is safe for concurrent use, so scenarios share them.
var stepPatterns sync.Map // string → *regexp.Regexp

// pattern returns expr compiled, from the cache after the first time.
// godog compiles a string pattern on every registration, and every scenario
// registers every step: with the whole catalogue that was half the
// harness's CPU time. Like godog, it panics on a pattern that does not
// compile.
//
// Callers hand the result to godog's Given, When or Then themselves, never
// through a wrapper: godog records the caller of those as the step's
// definition site, which its pretty output prints next to every step.
func pattern(expr string) *regexp.Regexp {
	if re, ok := stepPatterns.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := stepPatterns.LoadOrStore(expr, regexp.MustCompile(expr))
	return re.(*regexp.Regexp)
}
