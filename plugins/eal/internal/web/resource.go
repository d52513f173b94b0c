package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// resource is a page's records, loaded from the request and rendered with
// the state of a refused form: a school's place in a trial, a delivery
// centre, a school's pupils.
type resource[T any] struct {
	load   func(r *http.Request) (T, error)
	render func(w http.ResponseWriter, r *http.Request, x T, f form) error
}

// page loads the records and shows them.
func (rs resource[T]) page(w http.ResponseWriter, r *http.Request) error {
	x, err := rs.load(r)
	if err != nil {
		return err
	}
	return rs.render(w, r, x, form{})
}

// post loads the records, runs write as one audited change and redirects;
// a refused form shows the page again, as the user left it (formName).
func (rs resource[T]) post(w http.ResponseWriter, r *http.Request, formName string, write func(x T, s *store.Store) (change, error)) error {
	x, err := rs.load(r)
	if err != nil {
		return err
	}
	err = commit(w, r, func(s *store.Store) (change, error) { return write(x, s) })
	if errs, ok := formErrors(err); ok {
		return rs.render(w, r, x, refused(r, formName, errs))
	}
	return err
}

// The pages built on a resource.
var (
	schoolPages = resource[schoolCtx]{loadSchool, renderSchool}
	centrePages = resource[centreCtx]{loadCentre, renderCentre}
	pupilPages  = resource[pupilsCtx]{loadPupils, renderPupils}
)
