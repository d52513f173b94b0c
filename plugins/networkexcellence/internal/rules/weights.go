package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// Weights weigh the parts of a seat's cost in the allocation. Each part is
// a whole number of points; a seat's cost is the sum of weight × part.
type Weights struct {
	Travel      int64 // per 10 km between the reviewer's school and the host
	Load        int64 // per review the reviewer already has (this year outside the run, and last year)
	Reciprocity int64 // per reviewer day the reviewer's school gave beyond what it received
	Prior       int64 // when the reviewer has a prior relationship with the host
}

// DefaultWeights is the setting's default.
const DefaultWeights = "travel=1, load=4, reciprocity=2, prior=10"

// ParseWeights reads "travel=1, load=4, reciprocity=2, prior=10"; a part
// left out weighs 0; each weight is 0 to 1000.
func ParseWeights(s string) (Weights, error) {
	var w Weights
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.TrimSpace(k)
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if !ok || err != nil || n < 0 || n > 1000 {
			return Weights{}, fmt.Errorf("write each weight as name=number (0 to 1000), e.g. travel=1")
		}
		if seen[k] {
			return Weights{}, fmt.Errorf("%s is weighed twice", k)
		}
		seen[k] = true
		switch k {
		case "travel":
			w.Travel = n
		case "load":
			w.Load = n
		case "reciprocity":
			w.Reciprocity = n
		case "prior":
			w.Prior = n
		default:
			return Weights{}, fmt.Errorf("the weights are travel, load, reciprocity and prior")
		}
	}
	return w, nil
}
