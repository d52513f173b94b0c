package ui

import (
	"html/template"
	"net/url"
	"strings"
)

// Kind is the kind of a form field.
type Kind int

// The kinds of field.
const (
	Text Kind = iota
	Number
	Date
	Select
	Textarea
	Checkbox
	Email
)

var inputTypes = map[Kind]string{Text: "text", Number: "number", Date: "date", Email: "email", Checkbox: "checkbox"}

// Option is one choice of a Select field.
type Option struct {
	Value, Label string
}

// Field is one labelled form field with an optional hint and an inline error.
//
// The input's id is ID, or FieldID(Name). A field with an error carries
// aria-invalid="true", shows the message beside it (after a visually hidden
// "Error:"), and its aria-describedby names the hint's and the error's ids,
// so a screen reader reads both with the field. Value is what the user typed
// (or the stored value): fill it, and Error, from the posted form with Bind
// so a refused form comes back as the user left it.
type Field struct {
	Kind  Kind
	Name  string // the form name, as the handler reads it
	ID    string // defaults to FieldID(Name)
	Label string
	Hint  string
	Value string
	// Checked is a Checkbox's state; its value when checked is Value, or "yes".
	Checked  bool
	Options  []Option // Select: the choices; one whose Value is Value is selected
	Required bool
	Error    string
	// Min, Max and Step bound a Number or Date ("0", "100", "0.5", "2025-09-01").
	Min, Max, Step string
	// Autocomplete is the input's autocomplete token ("email", "off").
	Autocomplete string
	// Rows is a Textarea's height in lines (4 by default).
	Rows int
	// Width is "short" (a few characters, e.g. a year) or "" (full).
	Width string
}

var _ Component = Field{}

// FieldID is the id a field named name gets unless it sets its own: "f-"
// and the name, with characters other than letters, digits, "-" and "_"
// replaced by "-". ErrorSummary links to it.
func FieldID(name string) string { return "f-" + idPart(name) }

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return FieldID(f.Name)
}

type fieldView struct {
	Field
	ID, Type, Describe, HintID, ErrorID, CheckValue string
	Textarea, Select, Checkbox                      bool
	Rows                                            int
}

var fieldTmpl = mustParse("field", `<div class="ui-field{{if .Checkbox}} ui-checkbox{{end}}{{if .Error}} ui-field-error{{end}}">
{{- if .Checkbox}}<input type="checkbox" id="{{.ID}}" name="{{.Name}}" value="{{.CheckValue}}"{{if .Checked}} checked{{end}}{{template "attrs" .}}><label for="{{.ID}}">{{.Label}}</label>
{{- template "notes" .}}
{{- else}}<label for="{{.ID}}">{{.Label}}{{if not .Required}} <span class="ui-optional">(optional)</span>{{end}}</label>
{{- template "notes" .}}
{{- if .Textarea}}<textarea id="{{.ID}}" name="{{.Name}}" rows="{{.Rows}}"{{template "attrs" .}}>{{.Value}}</textarea>
{{- else if .Select}}<select id="{{.ID}}" name="{{.Name}}"{{template "attrs" .}}>{{range .Options}}<option value="{{.Value}}"{{if eq .Value $.Value}} selected{{end}}>{{.Label}}</option>{{end}}</select>
{{- else}}<input type="{{.Type}}" id="{{.ID}}" name="{{.Name}}" value="{{.Value}}"{{with .Min}} min="{{.}}"{{end}}{{with .Max}} max="{{.}}"{{end}}{{with .Step}} step="{{.}}"{{end}}{{with .Autocomplete}} autocomplete="{{.}}"{{end}}{{if eq .Width "short"}} class="ui-short"{{end}}{{template "attrs" .}}>
{{- end}}{{end -}}
</div>
{{- define "attrs"}}{{if .Required}} required{{end}}{{if .Error}} aria-invalid="true"{{end}}{{with .Describe}} aria-describedby="{{.}}"{{end}}{{end}}
{{- define "notes"}}{{if .Hint}}<p class="ui-hint" id="{{.HintID}}">{{.Hint}}</p>{{end}}{{if .Error}}<p class="ui-error-message" id="{{.ErrorID}}"><span class="visually-hidden">Error:</span> {{.Error}}</p>{{end}}{{end}}`)

// HTML renders the field.
func (f Field) HTML() template.HTML {
	v := fieldView{Field: f, ID: f.id(), Type: inputTypes[f.Kind], Rows: f.Rows,
		Textarea: f.Kind == Textarea, Select: f.Kind == Select, Checkbox: f.Kind == Checkbox, CheckValue: f.Value}
	if v.Type == "" {
		v.Type = "text"
	}
	if v.Rows <= 0 {
		v.Rows = 4
	}
	if v.CheckValue == "" {
		v.CheckValue = "yes"
	}
	var describe []string
	if f.Hint != "" {
		v.HintID = v.ID + "-hint"
		describe = append(describe, v.HintID)
	}
	if f.Error != "" {
		v.ErrorID = v.ID + "-error"
		describe = append(describe, v.ErrorID)
	}
	v.Describe = strings.Join(describe, " ")
	return execute(fieldTmpl, v)
}

// Bind returns fields with each one's Value (or Checked) taken from the
// posted form, when the form has it, and its Error from errs: the form as
// the user left it, with the problems beside the fields. A nil form keeps
// the values the fields hold (e.g. the stored ones).
func Bind(fields []Field, form url.Values, errs Errors) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		if form != nil {
			switch {
			case f.Kind == Checkbox:
				f.Checked = form.Has(f.Name)
			case form.Has(f.Name):
				f.Value = form.Get(f.Name)
			}
		}
		if msg := errs.For(f.Name); msg != "" {
			f.Error = msg
		}
		out[i] = f
	}
	return out
}

type summaryItem struct {
	Href, Label, Message string
}

var summaryTmpl = mustParse("summary", `<div class="ui-error-summary" role="alert" aria-labelledby="ui-error-summary-title">
<h2 id="ui-error-summary-title">{{if eq (len .) 1}}There is a problem{{else}}There are {{len .}} problems{{end}}</h2>
<ul>{{range .}}<li>{{if .Href}}<a href="{{.Href}}">{{with .Label}}{{.}}: {{end}}{{.Message}}</a>{{else}}{{.Message}}{{end}}</li>{{end}}</ul>
</div>`)

// ErrorSummary is the box at the top of a refused form: a heading that
// counts the problems and a list linking each one to its field (by the
// field's id, named by its label). Errors for no field, or for a field not
// among fields, are listed without a link. Nothing is rendered without errors.
// It is an alert, so a screen reader announces it when the page loads.
func ErrorSummary(errs Errors, fields ...Field) template.HTML {
	if len(errs) == 0 {
		return ""
	}
	items := make([]summaryItem, 0, len(errs))
	for _, e := range errs {
		it := summaryItem{Message: e.Message}
		for _, f := range fields {
			if e.Field != "" && f.Name == e.Field {
				it.Href, it.Label = "#"+f.id(), f.Label
				break
			}
		}
		items = append(items, it)
	}
	return execute(summaryTmpl, items)
}

// Form is a whole simple form: the error summary, the fields and one submit
// button. Build richer forms from Field and ErrorSummary.
type Form struct {
	Action string        // sdk.URL(r, "/reviews")
	CSRF   template.HTML // sdk.CSRFField(r)
	Fields []Field
	Errors Errors
	Submit string // the button's words, e.g. "Save the review"
	// Method is "post" unless set ("get" for a filter form, which needs no CSRF).
	Method string
}

var _ Component = Form{}

var formTmpl = mustParse("form", `{{.Summary}}<form class="ui-form" method="{{.Method}}" action="{{.Action}}" novalidate>{{.CSRF}}
{{range .Rendered}}{{.}}
{{end}}<button type="submit">{{.Submit}}</button></form>`)

// HTML renders the form. It sets novalidate so that the server's messages,
// beside each field and in the summary, are the ones people see.
func (f Form) HTML() template.HTML {
	fields := Bind(f.Fields, nil, f.Errors)
	rendered := make([]template.HTML, len(fields))
	for i, fd := range fields {
		rendered[i] = fd.HTML()
	}
	method := strings.ToLower(f.Method)
	if method == "" {
		method = "post"
	}
	return execute(formTmpl, struct {
		Form
		Method   string
		Summary  template.HTML
		Rendered []template.HTML
	}{f, method, ErrorSummary(f.Errors, fields...), rendered})
}
