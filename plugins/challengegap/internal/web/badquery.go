package web

import "fmt"

// queryParamError is a query parameter the page cannot use: a 400 that
// names the parameter and says what it takes.
type queryParamError struct{ Param, Message string }

func (e *queryParamError) Error() string {
	return fmt.Sprintf("query parameter %s: %s", e.Param, e.Message)
}

func badQuery(param, message string) error { return &queryParamError{Param: param, Message: message} }
