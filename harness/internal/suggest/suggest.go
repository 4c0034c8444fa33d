// Package suggest finds the "did you mean" candidate for a mistyped name:
// a profile key, a tag, a flag value.
package suggest

// Closest returns the first candidate within two edits of name, or "" if
// none is: near misses are typos worth naming, anything further is not.
func Closest(name string, candidates []string) string {
	for _, c := range candidates {
		if d := distance(name, c); d > 0 && d <= 2 {
			return c
		}
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
