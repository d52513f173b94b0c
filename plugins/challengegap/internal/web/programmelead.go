package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// A programme lead acts as one (issue 13): the person recorded as the
// programme lead of a cluster, such as a trust's CEO, opens the next
// programme year and runs the staff survey's rounds of their year without
// the tenant's administrators. The routes take challengegap.programme.read
// and the plugin checks here: challengegap.programme.manage at the
// tenant's root (as before), or being a programme lead.

// canRunYear reports whether the actor may open and close survey rounds of
// the year (yearID), or, with yearID 0, add a programme year: managers of
// the programme, and the programme leads of the year's clusters (of any
// year's, to add the next year).
func canRunYear(r *http.Request, yearID uint64) (bool, error) {
	ctx := r.Context()
	ok, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil || ok {
		return ok, err
	}
	return st(r).IsProgrammeLead(userID(r), yearID)
}

// requireRunYear is canRunYear as a guard: 403 for anyone else.
func requireRunYear(r *http.Request, yearID uint64) error {
	ok, err := canRunYear(r, yearID)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return nil
}
