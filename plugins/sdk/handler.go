package sdk

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"gorm.io/gorm"
)

// Errors a HandlerFunc returns to answer with a status page.
var (
	// ErrNotFound answers 404: no such record, or not the actor's to see.
	// gorm.ErrRecordNotFound answers 404 too.
	ErrNotFound = errors.New("not found")
	// ErrForbidden answers 403: the actor may not do this (a check finer
	// than the route's permission failed).
	ErrForbidden = errors.New("forbidden")
)

// HTTPError is an error a HandlerFunc returns to answer Status with a page
// showing Message. Message is shown to the user: it states the rule and the
// way out ("The baseline was taken: say why the cohort changes.") and never
// holds personal data.
type HTTPError struct {
	Status  int
	Message string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

// HandlerFunc is a handler that returns an error instead of answering it:
// parse, authorise, call the store, then render or redirect, returning the
// first error. Its ServeHTTP answers a returned error as a page:
//
//   - ErrNotFound or gorm.ErrRecordNotFound (wrapped or not): 404 "Not found";
//   - ErrForbidden: 403 "Not allowed";
//   - *HTTPError: its Status, showing its Message;
//   - anything else: 500 "Something went wrong", logged with the route and
//     the request id, which the page shows as the reference to quote.
//
// A handler that has already written its answer and then returns an error
// keeps its answer; the error is logged. API routes answering JSON write
// their own errors and return nil.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

var _ http.Handler = HandlerFunc(nil)

// ServeHTTP calls f and answers its error.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{ResponseWriter: w}
	err := f(tw, r)
	if err == nil {
		return
	}
	if tw.wrote {
		Log(r.Context()).Error("handler failed after answering", "route", Route(r), "error", err.Error())
		return
	}
	WriteError(w, r, err)
}

// WriteError answers err as HandlerFunc does, for handlers of another shape.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var he *HTTPError
	switch {
	case errors.Is(err, ErrNotFound) || errors.Is(err, gorm.ErrRecordNotFound):
		errorPage(w, r, http.StatusNotFound, "Not found", "There is no such page, or it is not yours to see.")
	case errors.Is(err, ErrForbidden):
		errorPage(w, r, http.StatusForbidden, "Not allowed", "You may not do this here.")
	case errors.As(err, &he):
		errorPage(w, r, he.Status, http.StatusText(he.Status), he.Message)
	default:
		Log(r.Context()).Error("handler failed", "route", Route(r), "error", err.Error())
		msg := "The page could not be answered."
		if id := ActorFrom(r.Context()).GetRequestId(); id != "" {
			msg += " If it happens again, give an administrator this reference: " + id + "."
		}
		errorPage(w, r, http.StatusInternalServerError, "Something went wrong", msg)
	}
}

func errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	body := "<h1>" + template.HTMLEscapeString(title) + `</h1><p class="error">` + template.HTMLEscapeString(msg) + "</p>"
	PageStatus(w, r, status, title, template.HTML(body)) //nolint:gosec // escaped
}

// trackingWriter notes whether the handler answered.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *trackingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
