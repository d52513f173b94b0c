package web

import (
	"errors"
	"net/http"
)

// paramError is a malformed query parameter: the request itself is wrong
// (400), not a form to correct (422), so nothing is "kept".
type paramError struct {
	Param   string // the query parameter, as in the address: "year"
	Message string // what is wrong, without repeating the value
}

func (e *paramError) Error() string { return "query parameter " + e.Param + ": " + e.Message }

// badParam answers a paramError with 400 naming the parameter; it reports
// whether err was one.
func badParam(w http.ResponseWriter, r *http.Request, err error) bool {
	var p *paramError
	if !errors.As(err, &p) {
		return false
	}
	problem(w, r, http.StatusBadRequest, "Bad address",
		"The address's parameter "+p.Param+" ("+fieldLabel(p.Param)+") is wrong: "+p.Message+". Nothing was saved.")
	return true
}
