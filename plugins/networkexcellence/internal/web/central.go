package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/taxonomy"
)

// centralRoutes are the central team's side of the Directory: the
// taxonomy and the accreditation of Areas of Excellence.
func centralRoutes() []route {
	return []route{
		get("/taxonomy", PermManage, tenant, "", "The taxonomy of school-improvement areas", taxonomyPage),
		post("/taxonomy", PermManage, tenant, "", "Add a term to the taxonomy", addTerm),
		post("/taxonomy/:term", PermManage, tenant, "", "Rename a term of the taxonomy", renameTerm),
		get("/aoes", PermManage, tenant, "", "Areas of Excellence: put forward, accredited", aoesPage),
		post("/aoes", PermManage, tenant, "", "Accredit an Area of Excellence", decideNewAoE),
		post("/aoes/:aoe", PermManage, tenant, "", "Accredit or decline an Area of Excellence put forward", decideAoE),
	}
}

type taxonomyView struct {
	common
	Header ui.Header
	Kinds  []ui.Table
	Fields []ui.Field
	Errors ui.Errors
	Action string
}

func loadTaxonomy(r *http.Request) (*taxonomyView, error) {
	s := st(r)
	if err := s.SeedTerms(now(r)); err != nil {
		return nil, err
	}
	ts, err := s.Terms()
	if err != nil {
		return nil, err
	}
	v := &taxonomyView{common: commonOf(r), Action: sdk.URL(r, "/taxonomy"),
		Header: ui.Header{Crumbs: crumbs(r), Title: "Taxonomy",
			Lead: "The areas Areas of Excellence, hub priorities and Leadership Development Days are tagged with, so that needs and strengths match."}}
	for _, k := range taxonomy.Kinds {
		t := ui.Table{Caption: taxonomy.KindLabel(k), Columns: []ui.Column{{Key: "label", Label: "Term"}, {Key: "key", Label: "Key"}, {Key: "rename", Label: "Rename"}}}
		for _, x := range ts {
			if x.Kind == k {
				t.Rows = append(t.Rows, ui.Row{"label": x.Label, "key": x.Key, "rename": htmlCell(renameForm(r, x))})
			}
		}
		v.Kinds = append(v.Kinds, t)
	}
	opts := []ui.Option{{Value: "", Label: "Choose"}}
	for _, k := range taxonomy.Kinds {
		opts = append(opts, ui.Option{Value: k, Label: taxonomy.KindLabel(k)})
	}
	v.Fields = []ui.Field{{Kind: ui.Select, Name: "kind", Label: "Kind", Options: opts, Required: true},
		{Kind: ui.Text, Name: "label", Label: "Term", Required: true, Hint: "e.g. Oracy"}}
	return v, nil
}

func renameForm(r *http.Request, t store.Term) string {
	id := fmt.Sprintf("rename-%d", t.ID)
	return `<form method="post" action="` + escape(sdk.URL(r, path("taxonomy", t.ID))) + `">` + string(sdk.CSRFField(r)) +
		`<label class="visually-hidden" for="` + id + `">New name for ` + escape(t.Label) + `</label>` +
		`<input type="text" id="` + id + `" name="label" value="` + escape(t.Label) + `"> <button type="submit" class="ui-button-secondary">Rename<span class="visually-hidden"> ` + escape(t.Label) + `</span></button></form>`
}

func taxonomyPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadTaxonomy(r)
	if err != nil {
		return err
	}
	return render(w, r, "Taxonomy", "taxonomy", v)
}

func addTerm(w http.ResponseWriter, r *http.Request) error {
	in := store.TermInput{Kind: r.PostFormValue("kind"), Label: r.PostFormValue("label")}
	err := commit(w, r, func(tx *store.Store) (change, error) {
		t, err := tx.AddTerm(in, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"taxonomy.add", "term", t.ID, nil, t, "/taxonomy", "Term added"}, nil
	})
	return again(w, r, err, "Taxonomy", "taxonomy", func() (*taxonomyView, error) { return loadTaxonomy(r) },
		func(v *taxonomyView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

func renameTerm(w http.ResponseWriter, r *http.Request) error {
	tid, err := id(r, "term")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.RenameTerm(tid, r.PostFormValue("label"), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"taxonomy.rename", "term", tid, before, after, "/taxonomy", "Term renamed"}, nil
	})
	return again(w, r, err, "Taxonomy", "taxonomy", func() (*taxonomyView, error) { return loadTaxonomy(r) },
		func(v *taxonomyView) (*[]ui.Field, *ui.Errors) { return nil, &v.Errors })
}

// aoeForm is the accreditation form of one AoE put forward (or a new one).
type aoeForm struct {
	CSRF      template.HTML
	Legend    string
	Action    string
	Fields    []ui.Field
	Terms     []termBox
	TermID    string
	TermError string
	Errors    ui.Errors
	Prefix    string
}

type aoesView struct {
	common
	Header     ui.Header
	PutForward []*aoeForm
	New        *aoeForm
	Accredited ui.Table
}

func newAoEForm(r *http.Request, prefix, legend, action string, a *store.AoE, terms []store.Term, schools []ui.Option) *aoeForm {
	f := &aoeForm{CSRF: sdk.CSRFField(r), Legend: legend, Action: action, Prefix: prefix, TermID: prefix + "-terms"}
	fid := func(n string) string { return prefix + "-" + n }
	title, desc := "", ""
	if a != nil {
		title, desc = a.Title, a.Description
	}
	if schools != nil {
		f.Fields = append(f.Fields, ui.Field{Kind: ui.Select, Name: "school", ID: fid("school"), Label: "School", Options: schools, Required: true})
	}
	f.Fields = append(f.Fields,
		ui.Field{Kind: ui.Text, Name: "title", ID: fid("title"), Label: "Area of Excellence", Value: title, Required: true},
		ui.Field{Kind: ui.Textarea, Name: "description", ID: fid("description"), Label: "What it is", Value: desc, Rows: 3},
		ui.Field{Kind: ui.Textarea, Name: "evidence", ID: fid("evidence"), Label: "Evidence seen", Required: true, Rows: 3},
		ui.Field{Kind: ui.Date, Name: "accredited_on", ID: fid("accredited_on"), Label: "Accredited on", Value: today(r), Required: true, Width: "short"},
		ui.Field{Kind: ui.Number, Name: "review_years", ID: fid("review_years"), Label: "Review again after (years)", Value: "3", Min: "1", Max: "5", Required: true, Width: "short"},
		ui.Field{Kind: ui.Select, Name: "decision", ID: fid("decision"), Label: "Decision", Options: []ui.Option{{Value: "accredit", Label: "Accredit"}, {Value: "decline", Label: "Decline"}}, Value: "accredit"},
	)
	f.Terms = termBoxes(prefix+"-term", terms, nil)
	return f
}

func loadAoEs(r *http.Request) (*aoesView, error) {
	s := st(r)
	if err := s.SeedTerms(now(r)); err != nil {
		return nil, err
	}
	pf, err := s.PutForward(now(r))
	if err != nil {
		return nil, err
	}
	terms, err := s.Terms()
	if err != nil {
		return nil, err
	}
	acc, err := s.AccreditedAoEs()
	if err != nil {
		return nil, err
	}
	ids := []uint64{}
	for _, a := range pf {
		ids = append(ids, a.SchoolID)
	}
	for _, a := range acc {
		ids = append(ids, a.SchoolID)
	}
	names, err := sdk.HostFrom(r.Context()).SchoolNames(r.Context(), uniq(ids)...)
	if err != nil {
		return nil, err
	}
	v := &aoesView{common: commonOf(r), Header: ui.Header{Crumbs: crumbs(r), Title: "Areas of Excellence",
		Lead: "Areas put forward in published QA Review reports wait here to be accredited with their evidence and tagged with the taxonomy."}}
	for _, a := range pf {
		v.PutForward = append(v.PutForward, newAoEForm(r, fmt.Sprintf("aoe-%d", a.ID), "“"+a.Title+"” at "+names[a.SchoolID], sdk.URL(r, path("aoes", a.ID)), &a, terms, nil))
	}
	y, err := s.CurrentYear(sdk.Today(r.Context()))
	if err != nil {
		return nil, err
	}
	schools := []ui.Option{{Value: "", Label: "Choose a school"}}
	if y != nil {
		ms, err := s.Members(y.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			schools = append(schools, ui.Option{Value: fmt.Sprint(m.SchoolID), Label: m.Name})
		}
	}
	v.New = newAoEForm(r, "new", "Accredit an area directly", sdk.URL(r, "/aoes"), nil, terms, schools)
	v.Accredited = ui.Table{Caption: "Accredited", ID: "accredited", Empty: "None yet.", Columns: []ui.Column{{Key: "school", Label: "School"},
		{Key: "title", Label: "Area"}, {Key: "terms", Label: "Taxonomy"}, {Key: "on", Label: "Accredited"}, {Key: "due", Label: "Review due"}}}
	for _, a := range acc {
		var ls []string
		for _, t := range a.Terms {
			ls = append(ls, t.Label)
		}
		v.Accredited.Rows = append(v.Accredited.Rows, ui.Row{"school": link(r, names[a.SchoolID], path("directory", "schools", a.SchoolID)),
			"title": a.Title, "terms": strings.Join(ls, ", "), "on": day(a.AccreditedOn), "due": day(a.ReviewDue)})
	}
	return v, nil
}

func aoesPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadAoEs(r)
	if err != nil {
		return err
	}
	return render(w, r, "Areas of Excellence", "aoes", v)
}

func aoeInput(r *http.Request) store.AoEInput {
	return store.AoEInput{SchoolID: formID(r, "school"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Evidence: r.PostFormValue("evidence"), Terms: r.PostForm["terms"], Decision: r.PostFormValue("decision"),
		ReviewYears: r.PostFormValue("review_years"), AccreditedOn: r.PostFormValue("accredited_on")}
}

func decideNewAoE(w http.ResponseWriter, r *http.Request) error { return decide(w, r, 0) }

func decideAoE(w http.ResponseWriter, r *http.Request) error {
	aid, err := id(r, "aoe")
	if err != nil {
		return err
	}
	return decide(w, r, aid)
}

func decide(w http.ResponseWriter, r *http.Request, aid uint64) error {
	in := aoeInput(r)
	err := commit(w, r, func(tx *store.Store) (change, error) {
		var before *store.AoE
		if aid != 0 {
			b, err := tx.AoE(aid)
			if err != nil {
				return change{}, err
			}
			before = b
		}
		a, err := tx.DecideAoE(aid, in, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		msg := "Area of Excellence accredited: the Directory shows it"
		if a.State == store.AoEDeclined {
			msg = "Area of Excellence declined"
		}
		return change{"aoe." + in.Decision, "aoe", a.ID, before, map[string]any{"aoe": a, "terms": in.Terms}, "/aoes", msg}, nil
	})
	errs, ok := ui.ErrorsOf(err)
	if err == nil || !ok {
		return answer(err)
	}
	v, lerr := loadAoEs(r)
	if lerr != nil {
		return lerr
	}
	f := v.New
	for _, x := range v.PutForward {
		if x.Action == sdk.URL(r, path("aoes", aid)) {
			f = x
		}
	}
	f.Fields = ui.Bind(f.Fields, r.PostForm, errs)
	f.Errors, f.TermError = errs, errs.For("terms")
	f.Terms = termBoxes(f.Prefix+"-term", termsOf(r), r.PostForm["terms"])
	return renderStatus(w, r, http.StatusUnprocessableEntity, "Areas of Excellence", "aoes", v)
}
