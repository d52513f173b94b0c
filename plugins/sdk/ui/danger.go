package ui

import (
	"html/template"
	"net/http"
)

// ConfirmField is the form name of a danger zone's "I understand" checkbox.
const ConfirmField = "confirm"

// DangerZone is the form that deletes or ends something for good: a warning
// that says what will be lost, a required "I understand" checkbox and a
// danger button. The checkbox is required in the browser, but a browser can
// be bypassed: the handler must check it too, with Confirmed, and show the
// zone again with Error set when it was not ticked.
type DangerZone struct {
	// ID names the zone (its heading's and checkbox's ids); "danger" by
	// default. Give each zone of a page its own.
	ID      string
	Title   string // "Delete this trio"
	Warning string // what is lost, and that it cannot be undone
	Action  string // the POST URL, sdk.URL(r, "/trios/7/delete")
	CSRF    template.HTML
	// Confirm is the checkbox's words; by default "I understand that this
	// cannot be undone".
	Confirm string
	Button  string // "Delete the trio"
	Error   string // set when the server refused an unticked box
}

var _ Component = DangerZone{}

var dangerTmpl = mustParse("danger", `<section class="ui-danger" aria-labelledby="{{.ID}}-title">
<h2 id="{{.ID}}-title">{{.Title}}</h2>
<p class="ui-warning"><strong>Warning:</strong> {{.Warning}}</p>
<form method="post" action="{{.Action}}">{{.CSRF}}
{{.Box}}
<button type="submit" class="ui-button-danger">{{.Button}}</button>
</form>
</section>`)

// HTML renders the zone.
func (d DangerZone) HTML() template.HTML {
	if d.ID == "" {
		d.ID = "danger"
	}
	if d.Confirm == "" {
		d.Confirm = "I understand that this cannot be undone"
	}
	box := Field{Kind: Checkbox, Name: ConfirmField, ID: idPart(d.ID) + "-confirm", Label: d.Confirm, Required: true, Error: d.Error}
	return execute(dangerTmpl, struct {
		DangerZone
		Box template.HTML
	}{d, box.HTML()})
}

// Confirmed reports whether the posted form ticked the danger zone's
// checkbox. Call it in the handler before deleting; when it is false, delete
// nothing and show the zone again with Error, e.g. NotConfirmed.
func Confirmed(r *http.Request) bool {
	return r.PostFormValue(ConfirmField) == "yes"
}

// NotConfirmed is the message for a danger zone whose box was not ticked.
const NotConfirmed = "Tick the box to confirm; nothing was deleted"
