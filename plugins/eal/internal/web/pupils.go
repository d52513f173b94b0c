package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/census"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// gcsePoint is the pupils page's view of the GCSE results.
const gcsePoint = "gcse"

// pupilsCtx is a school's trial pupils with the core's records of them.
type pupilsCtx struct {
	schoolCtx
	pupils []store.TrialPupil
	points map[uint64]map[string]store.PupilPoint
	core   map[uint64]*pluginv1.Pupil // the core's pupils of the school, by id
}

// loadPupils loads the school, its trial pupils and their points, and the
// school's pupils from the core (one Host call, which the core audits).
func loadPupils(r *http.Request) (pupilsCtx, error) {
	var x pupilsCtx
	var err error
	if x.schoolCtx, err = loadSchool(r); err != nil {
		return x, err
	}
	s := st(r)
	if x.pupils, err = s.Pupils(x.ts.ID); err != nil {
		return x, err
	}
	ids := make([]uint64, len(x.pupils))
	for i, p := range x.pupils {
		ids[i] = p.ID
	}
	pts, err := s.Points(ids...)
	if err != nil {
		return x, err
	}
	x.points = map[uint64]map[string]store.PupilPoint{}
	for _, p := range pts {
		if x.points[p.TrialPupilID] == nil {
			x.points[p.TrialPupilID] = map[string]store.PupilPoint{}
		}
		x.points[p.TrialPupilID][p.Point] = p
	}
	core, err := sdk.HostFrom(r.Context()).Pupils(r.Context(), nil, []uint64{x.ts.SchoolID})
	if err != nil {
		return x, fmt.Errorf("read the school's pupils: %w", err)
	}
	x.core = map[uint64]*pluginv1.Pupil{}
	for _, p := range core {
		x.core[p.GetId()] = p
	}
	return x, nil
}

// pupilsPage is a school's EAL pupils at one point.
func pupilsPage(w http.ResponseWriter, r *http.Request) error { return pupilPages.page(w, r) }

// pointOf is the page's point (?point=, or the form's), the baseline by
// default.
func pointOf(r *http.Request) string {
	p := r.FormValue("point")
	if p == gcsePoint {
		return p
	}
	if pt, ok := rules.ParsePoint(p); ok {
		return string(pt)
	}
	return string(rules.PointBaseline)
}

func renderPupils(w http.ResponseWriter, r *http.Request, x pupilsCtx, f form) error {
	ctx := r.Context()
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, sdk.Check{Permission: PermPupils, UnitID: x.ts.SchoolID})
	if err != nil {
		return err
	}
	write := ok[0]
	point := pointOf(r)
	body := ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}, {Label: x.t.Name, Href: sdk.URL(r, "/trials/"+u64(x.t.ID))},
		{Label: x.school.GetName(), Href: sdk.URL(r, x.path(""))}}, Title: "EAL pupils",
		Lead: "The school's pupils with English as an additional language in the trial: their proficiency in English, test scores and GCSE results. A pupil whose parent objects is left out of every export made after the objection."}.HTML()
	if write {
		body = html(body, button(r, x.path("/pupils"), "Add the school's EAL pupils", nil))
	}
	// Choose the point (a GET form: works without JavaScript).
	opts := []ui.Option{}
	for _, p := range rules.Points {
		opts = append(opts, ui.Option{Value: string(p), Label: p.Label()})
	}
	opts = append(opts, ui.Option{Value: gcsePoint, Label: "GCSE results"})
	body = html(body, template.HTML(`<form method="get" action="`+esc(sdk.URL(r, x.path("/pupils")))+`">`),
		ui.Field{Kind: ui.Select, Name: "point", Label: "Show", Options: opts, Value: point, Required: true}.HTML(),
		template.HTML(`<button type="submit">Show</button></form>`))
	body = html(body, pupilGrid(r, x, point, write, f))
	return show(w, r, f.status(), "EAL pupils", body)
}

// pupilGrid is the table of the pupils at one point: editable for those
// who may record.
func pupilGrid(r *http.Request, x pupilsCtx, point string, write bool, f form) template.HTML {
	codeOpts := []ui.Option{{Value: "", Label: "—"}}
	for _, p := range rules.Proficiencies {
		codeOpts = append(codeOpts, ui.Option{Value: string(p), Label: p.Label()})
	}
	cols := []ui.Column{{Key: "name", Label: "Pupil", Sortable: true}, {Key: "year", Label: "Year", Numeric: true}, {Key: "census", Label: "Census code now"}}
	if point == gcsePoint {
		cols = append(cols, ui.Column{Key: "a", Label: "GCSE English"}, ui.Column{Key: "b", Label: "GCSE maths"})
	} else {
		cols = append(cols, ui.Column{Key: "a", Label: "Proficiency code"}, ui.Column{Key: "b", Label: "Score (0 to 100)"})
	}
	cols = append(cols, ui.Column{Key: "objection", Label: "Parent's objection"})
	var errs ui.Errors
	if f.Name == "grid" {
		errs = f.Errs
	}
	var rows []ui.Row
	for _, p := range x.pupils {
		cp := x.core[p.PupilID]
		name := "A pupil who has left the school"
		if cp != nil {
			name = cp.GetGivenName() + " " + cp.GetFamilyName()
		}
		row := ui.Row{"name": name, "year": p.YearGroup, "census": dash(census.Proficiency(cp.GetEalProficiency()))}
		id := u64(p.ID)
		var a, b ui.Field
		if point == gcsePoint {
			a = ui.Field{Kind: ui.Number, Name: "english_" + id, Label: "GCSE English of " + name, Value: grade(p.GCSEEnglish), Min: "0", Max: "9", Width: "short"}
			b = ui.Field{Kind: ui.Number, Name: "maths_" + id, Label: "GCSE maths of " + name, Value: grade(p.GCSEMaths), Min: "0", Max: "9", Width: "short"}
		} else {
			pt := x.points[p.ID][point]
			code := pt.Proficiency
			if code == "" && point == string(rules.PointBaseline) {
				code = census.Proficiency(cp.GetEalProficiency()) // the census code to start from
			}
			a = ui.Field{Kind: ui.Select, Name: "code_" + id, Label: "Proficiency code of " + name, Options: codeOpts, Value: code}
			b = ui.Field{Kind: ui.Number, Name: "score_" + id, Label: "Score of " + name, Value: grade(pt.Score), Min: "0", Max: "100", Width: "short"}
		}
		if f.Name == "grid" {
			fs := ui.Bind([]ui.Field{a, b}, f.Values, errs)
			a, b = fs[0], fs[1]
		}
		if write && p.ObjectedOn == "" {
			row["a"], row["b"] = a.HTML(), b.HTML()
		} else {
			row["a"], row["b"] = dash(a.Value), dash(b.Value)
		}
		switch {
		case p.ObjectedOn != "":
			row["objection"] = "Objected on " + date(p.ObjectedOn)
		case write:
			row["objection"] = button(r, x.path("/pupils/"+id+"/objection"), "Record an objection for "+name, map[string]string{"objected_on": sdkToday(r)})
		default:
			row["objection"] = "None"
		}
		rows = append(rows, row)
	}
	order, _ := ui.ParseSort(r.URL.Query(), cols, ui.Sort{Key: "name"})
	ui.SortRows(rows, order)
	caption := "GCSE results"
	action := x.path("/pupils/gcse")
	if p, ok := rules.ParsePoint(point); ok {
		caption = p.Label() + ": proficiency in English and test score"
		action = x.path("/pupils/points")
	}
	table := ui.Table{Caption: caption, ID: "pupils", Columns: cols, Rows: rows, Sort: order, Query: r.URL.Query(),
		Empty: "No pupil yet: add the school's EAL pupils."}.HTML()
	if !write || len(rows) == 0 {
		return table
	}
	// The objection buttons are forms of their own: the grid's form holds
	// the fields by their form attribute, so no form is nested.
	var summary template.HTML
	if len(errs) > 0 {
		summary = ui.ErrorSummary(errs)
	}
	return html(summary, template.HTML(`<form method="post" id="grid" action="`+esc(sdk.URL(r, action))+`" novalidate>`), sdk.CSRFField(r),
		template.HTML(`<input type="hidden" name="point" value="`+esc(point)+`">`), "</form>", withForm(table, "grid"),
		template.HTML(`<p><button type="submit" form="grid">Save `+esc(strings.ToLower(caption))+`</button></p>`))
}

// withForm ties every input and select of a fragment to the form with
// this id (the HTML form attribute), so a table can hold other forms.
func withForm(h template.HTML, id string) template.HTML {
	s := string(h)
	s = strings.ReplaceAll(s, "<select ", `<select form="`+id+`" `)
	s = strings.ReplaceAll(s, `<input type="number" `, `<input form="`+id+`" type="number" `)
	return template.HTML(s) //nolint:gosec // adds an attribute to escaped markup
}

func grade(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// addPupils adds the school's EAL pupils of the settings' year groups.
func addPupils(w http.ResponseWriter, r *http.Request) error {
	years, err := pupilYears(r)
	if err != nil {
		return err
	}
	return pupilPages.post(w, r, "grid", func(x pupilsCtx, s *store.Store) (change, error) {
		var in []store.PupilIn
		for _, p := range x.core {
			if p.GetEal() && (len(years) == 0 || years[p.GetYearGroup()]) {
				in = append(in, store.PupilIn{PupilID: p.GetId(), YearGroup: int(p.GetYearGroup()), Gender: p.GetGender(), FSM: p.GetFsm()})
			}
		}
		slices.SortFunc(in, func(a, b store.PupilIn) int { return cmp.Compare(a.PupilID, b.PupilID) })
		n, err := s.AddPupils(x.ts.ID, in, sdk.Now(r.Context()))
		return change{"pupils.add", "trial_school", x.ts.ID, nil, map[string]any{"added": n}, x.path("/pupils"), fmt.Sprintf("%d pupils added", n)}, err
	})
}

// savePoints records the grid's codes and scores at its point.
func savePoints(w http.ResponseWriter, r *http.Request) error {
	point, ok := rules.ParsePoint(r.PostFormValue("point"))
	if !ok {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: "Choose the point the codes and scores are for."}
	}
	return pupilPages.post(w, r, "grid", func(x pupilsCtx, s *store.Store) (change, error) {
		var rows []store.PointIn
		for _, p := range x.pupils {
			if p.ObjectedOn != "" {
				continue
			}
			id := u64(p.ID)
			rows = append(rows, store.PointIn{TrialPupilID: p.ID, Proficiency: r.PostFormValue("code_" + id), Score: r.PostFormValue("score_" + id)})
		}
		after, err := s.SavePoints(point, rows, sdk.Now(r.Context()))
		return change{"pupils.points", "trial_school", x.ts.ID, nil, map[string]any{"point": point, "recorded": after},
			x.path("/pupils?point=" + string(point)), point.Label() + " saved"}, err
	})
}

// saveGCSE records the grid's GCSE grades.
func saveGCSE(w http.ResponseWriter, r *http.Request) error {
	return pupilPages.post(w, r, "grid", func(x pupilsCtx, s *store.Store) (change, error) {
		var changed []store.TrialPupil
		var errs store.Errors
		for _, p := range x.pupils {
			if p.ObjectedOn != "" {
				continue
			}
			id := u64(p.ID)
			eng, e1 := optInt(r.PostFormValue("english_"+id), "english_"+id)
			maths, e2 := optInt(r.PostFormValue("maths_"+id), "maths_"+id)
			for _, e := range []error{e1, e2} {
				if e != nil {
					errs = append(errs, e)
				}
			}
			if e1 != nil || e2 != nil {
				continue
			}
			_, after, err := s.SaveGCSE(p.ID, eng, maths)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			changed = append(changed, after)
		}
		if len(errs) > 0 {
			return change{}, errs
		}
		return change{"pupils.gcse", "trial_school", x.ts.ID, nil, map[string]any{"pupils": changed}, x.path("/pupils?point=" + gcsePoint), "GCSE results saved"}, nil
	})
}

// optInt reads an optional whole number field.
func optInt(s, field string) (*int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, &store.ValidationError{Field: field, Message: "a whole number"}
	}
	return &n, nil
}

// recordObjection records a parent's objection for one pupil.
func recordObjection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "pupil")
	if err != nil {
		return err
	}
	return pupilPages.post(w, r, "grid", func(x pupilsCtx, s *store.Store) (change, error) {
		p, err := s.Pupil(id)
		if err != nil || p.TrialSchoolID != x.ts.ID {
			return change{}, fmt.Errorf("pupil %d of the school: %w", id, store.ErrNotFound)
		}
		before, after, err := s.Object(id, r.PostFormValue("objected_on"))
		return change{"pupil.objection", "trial_pupil", id, before, after, x.path("/pupils"), "Objection recorded: the pupil is left out of every export from now on"}, err
	})
}
