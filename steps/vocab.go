package steps

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/cucumber/godog"
)

// Step keywords of a StepDoc. A step registered with KeywordAny matches
// after Given, When or Then alike.
const (
	KeywordGiven = "Given"
	KeywordWhen  = "When"
	KeywordThen  = "Then"
	KeywordAny   = "*"
)

// StepDoc documents one registered step: what a feature writes, what it
// does, and an example that the repository's own feature files use (a test
// keeps it so).
type StepDoc struct {
	// Keyword is KeywordGiven, KeywordWhen, KeywordThen or KeywordAny:
	// godog matches the step only after that keyword (And and But take the
	// keyword of the step before them).
	Keyword string
	// Pattern is the anchored regular expression the step text must match.
	Pattern string
	// Description is one line saying what the step does.
	Description string
	// Example is a step text that matches Pattern, without its keyword.
	Example string
	// Argument is the doc string or data table that follows Example, if
	// the step takes one.
	Argument string
}

// KnownNeeds are the capabilities a scenario may ask for with a
// @needs-NAME tag; the Before hook of every scenario understands them
// (needs.go says what meets each). TestKnownNeeds_matchNeedsGo keeps this
// list and the cases of (*Suite).unmet the same.
var KnownNeeds = []string{
	"key", "wait", "oauth", "refresh", "revocation", "introspection",
	"discovery", "jwks", "scope", "second-user",
	"jwt", "hmac", "pub", "rfc9068", "https", "client", "resource-client", "second-client",
}

// ScenarioTags are the tags, other than check IDs, severities, @needs-*,
// @destructive and references, that change how the steps run a scenario:
// @forgery marks a scenario whose forged tokens might make the target lock
// the valid user out, and @persistence the check that waits for all of them
// (CHECKS.md B01). TestScenarioTags_matchHooks keeps the list in step with
// the hooks.
var ScenarioTags = []string{forgeryTag, "@persistence"}

// Vocabulary returns the documentation of every step a scenario can use,
// grouped Given, When, Then, then the steps that fit after any keyword.
func Vocabulary() []StepDoc {
	docs := append(slices.Clone(builtinDocs), vocabDocs()...)
	order := map[string]int{KeywordGiven: 0, KeywordWhen: 1, KeywordThen: 2, KeywordAny: 3}
	slices.SortStableFunc(docs, func(a, b StepDoc) int { return order[a.Keyword] - order[b.Keyword] })
	return docs
}

// MatchStep returns the documented steps that text matches after a step
// of the given keyword (KeywordAny for a step whose keyword is not known).
// One match is a defined step; none is undefined; several are ambiguous.
func MatchStep(keyword, text string) []StepDoc {
	var out []StepDoc
	for _, d := range Vocabulary() {
		if keywordFits(d.Keyword, keyword) && compiled(d.Pattern).MatchString(text) {
			out = append(out, d)
		}
	}
	return out
}

// ClosestSteps returns up to n documented steps whose examples read most
// like text, nearest first, for a hint on an undefined step.
func ClosestSteps(text string, n int) []StepDoc {
	type scored struct {
		doc  StepDoc
		dist int
	}
	var all []scored
	for _, d := range Vocabulary() {
		all = append(all, scored{d, wordDistance(text, d.Example)})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.dist - b.dist })
	var out []StepDoc
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.doc)
	}
	return out
}

func keywordFits(registered, used string) bool {
	return registered == KeywordAny || used == KeywordAny || registered == used
}

// compiled returns the compiled form of a documented pattern.
func compiled(pattern string) *regexp.Regexp {
	return patternIndex[pattern]
}

// patternIndex compiles every documented pattern once, at start-up: the
// patterns are constants, so a malformed one is a programmer mistake and
// panics.
var patternIndex = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, d := range append(slices.Clone(builtinDocs), vocabDocs()...) {
		m[d.Pattern] = regexp.MustCompile(d.Pattern)
	}
	return m
}()

// wordDistance is the Levenshtein distance between a and b counted in
// words, so that a hint prefers steps that share the most wording.
func wordDistance(a, b string) int {
	x, y := strings.Fields(strings.ToLower(a)), strings.Fields(strings.ToLower(b))
	prev := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur := make([]int, len(y)+1)
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(y)]
}

// vocabStep is one step of the QA vocabulary: its documentation and the
// method of the scenario's vocabulary state that implements it.
type vocabStep struct {
	doc  StepDoc
	bind func(v *vocab) any
}

func vocabDocs() []StepDoc {
	out := make([]StepDoc, len(vocabSteps))
	for i, s := range vocabSteps {
		out[i] = s.doc
	}
	return out
}

// registerVocabulary binds the QA vocabulary (vocab_*.go) for one
// scenario. Its state lives in a vocab of the scenario's own.
func registerVocabulary(sc *godog.ScenarioContext, st *scenario) {
	v := &vocab{st: st, vars: map[string]string{}, tokens: map[string]string{}}
	v.resetRequest()
	for _, s := range vocabSteps {
		switch s.doc.Keyword {
		case KeywordGiven:
			sc.Given(pattern(s.doc.Pattern), s.bind(v))
		case KeywordWhen:
			sc.When(pattern(s.doc.Pattern), s.bind(v))
		case KeywordThen:
			sc.Then(pattern(s.doc.Pattern), s.bind(v))
		default:
			sc.Step(pattern(s.doc.Pattern), s.bind(v))
		}
	}
}

// vocab is the per-scenario state of the QA vocabulary: values stored from
// responses, named tokens, the refresh token of the latest login and the
// request being prepared.
type vocab struct {
	st      *scenario
	vars    map[string]string // {{name}} values stored by the scenario
	tokens  map[string]string // tokens kept under a name
	refresh string            // refresh token of the latest login
	next    pendingRequest
}

// pendingRequest is what Given steps have said about the next request.
type pendingRequest struct {
	header http.Header
	query  url.Values
}

func (v *vocab) resetRequest() {
	v.next = pendingRequest{header: http.Header{}, query: url.Values{}}
}
