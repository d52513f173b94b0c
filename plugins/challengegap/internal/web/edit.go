package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// Pages that correct or delete a record. Each is one "edit" page of
// forms: the record's fields, and a deletion that needs its box ticked
// (checked again on the server, so a stray POST deletes nothing). When the
// store would refuse a deletion the page says why instead of offering it;
// the store refuses it anyway (409) if the page was out of date.

// editView is a page of forms about one record.
type editView struct {
	common
	Title     string
	Back      string // plugin path of the record's own page
	BackLabel string
	Intro     string
	Forms     []editForm
}

// editForm is one form of an edit page, or the reason it is not offered.
type editForm struct {
	ID      string // unique on the page: prefixes the fields' ids; data-testid
	Heading string
	Note    string // what the change does
	Refused string // why it cannot be done now (no form is shown)
	Action  string // plugin path the form posts to
	Fields  []editField
	Submit  string
	Confirm string // label of the box to tick first (deletions)
}

// editField is one field: Type is text, date, url, textarea, select or hidden.
type editField struct {
	Name, Label, Type, Value string
	Max                      int
	Required                 bool
	Options                  []editOption
}

type editOption struct {
	Value, Label string
	Selected     bool
}

func textField(name, label, value string, max int, required bool) editField {
	return editField{Name: name, Label: label, Type: "text", Value: value, Max: max, Required: required}
}

func hiddenField(name, value string) editField {
	return editField{Name: name, Type: "hidden", Value: value}
}

// idOptions are the options of a select of ids, value selected.
func idOptions(ids []uint64, label func(uint64) string, selected uint64) []editOption {
	out := make([]editOption, len(ids))
	for i, id := range ids {
		out[i] = editOption{Value: strconv.FormatUint(id, 10), Label: label(id), Selected: id == selected}
	}
	return out
}

// renderEdit answers an edit page.
func renderEdit(w http.ResponseWriter, r *http.Request, v editView) error {
	v.common = commonOf(r)
	return render(w, r, v.Title, "edit", v)
}

// confirmed refuses a deletion whose box was not ticked.
func confirmed(r *http.Request) error {
	if r.PostFormValue("confirm") != "yes" {
		return &store.ValidationError{Field: "confirm", Message: "tick the box to confirm the deletion"}
	}
	return nil
}

// deleteForm is the deletion part of an edit page: refused (with why)
// while something depends on the record, otherwise a form to confirm.
func deleteForm(heading, note, refused, action, submit, confirm string) editForm {
	return editForm{ID: "delete", Heading: heading, Note: note, Refused: refused, Action: action, Submit: submit, Confirm: confirm}
}

func idPath(prefix string, id uint64, suffix string) string {
	return prefix + strconv.FormatUint(id, 10) + suffix
}
