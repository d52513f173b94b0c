package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// hubRoutes are a hub's page and its action plan: shared priorities,
// activities against them, the hub's funding and credits.
func hubRoutes() []route {
	return []route{
		get("/hubs/:unit", PermHubRead, unit, "unit", "A hub: its schools, action plan, funding and reviews this year", hubPage),
		post("/hubs/:unit/funding", PermHubPlan, unit, "unit", "Set the hub's funding, credits and plan status", saveFunding),
		post("/hubs/:unit/priorities", PermHubPlan, unit, "unit", "Add a shared priority to the hub's plan", addPriority),
		post("/hubs/:unit/priorities/:priority/delete", PermHubPlan, unit, "unit", "Remove a priority no activity is against", deletePriority),
		post("/hubs/:unit/activities", PermHubPlan, unit, "unit", "Add an activity against a priority", addActivity),
		get("/hubs/:unit/activities/:activity", PermHubPlan, unit, "unit", "Change an activity of the hub's plan", activityPage),
		post("/hubs/:unit/activities/:activity", PermHubPlan, unit, "unit", "Change an activity's owner, date, status or spend", updateActivity),
	}
}

var hubSchoolColumns = []ui.Column{
	{Key: "school", Label: "School", Sortable: true}, {Key: "phase", Label: "Phase"}, {Key: "roll", Label: "Pupils on roll", Numeric: true, Sortable: true},
	{Key: "credits", Label: "Hub credits", Numeric: true}, {Key: "review", Label: "Review this year"}, {Key: "report", Label: "Report"},
}

var activityColumns = []ui.Column{
	{Key: "activity", Label: "Activity"}, {Key: "priority", Label: "Priority"}, {Key: "owner", Label: "Owner"}, {Key: "due", Label: "Due"},
	{Key: "status", Label: "Status"}, {Key: "spend", Label: "Spend", Numeric: true},
}

type hubView struct {
	common
	Header                                   ui.Header
	Year                                     *store.Year
	Stats                                    ui.Stats
	Schools, Activities                      ui.Table
	Priorities                               []store.Priority
	PriorityDeletes                          map[uint64]string
	People                                   []string
	Plan                                     store.HubPlan
	CanPlan                                  bool
	FundingFields, PriorityFields, ActFields []ui.Field
	Errors                                   ui.Errors
	Actions                                  map[string]string
}

func loadHub(r *http.Request) (*hubView, uint64, error) {
	ctx := r.Context()
	s := st(r)
	hub, err := id(r, "unit")
	if err != nil {
		return nil, 0, err
	}
	y, err := yearQuery(r, s)
	if err != nil {
		return nil, 0, err
	}
	host := sdk.HostFrom(ctx)
	units, err := host.OrgUnits(ctx, []uint64{hub})
	if err != nil {
		return nil, 0, err
	}
	if len(units) != 1 || units[0].GetKind() != pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB {
		return nil, 0, sdk.ErrNotFound
	}
	canPlan, err := host.Can(ctx, PermHubPlan, hub)
	if err != nil {
		return nil, 0, err
	}
	people, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{hub}, Roles: []string{sdk.RoleSeniorPartner, sdk.RoleHubManager}})
	if err != nil {
		return nil, 0, err
	}
	v := &hubView{common: commonOf(r), Year: y, CanPlan: canPlan, Actions: map[string]string{}, PriorityDeletes: map[uint64]string{},
		Header: ui.Header{Crumbs: crumbs(r), Title: units[0].GetName()}}
	for _, p := range people {
		for _, g := range p.GetGrants() {
			role := "Hub Manager"
			if g.GetRole() == sdk.RoleSeniorPartner {
				role = "Senior Partner"
			}
			v.People = append(v.People, role+": "+p.GetName())
		}
	}
	if y == nil {
		v.Header.Lead = "The programme has no membership year yet."
		return v, hub, nil
	}
	v.Header.Lead = "Membership year " + y.Label + "."
	q := "?year=" + strconv.FormatUint(y.ID, 10)
	for _, k := range []string{"funding", "priorities", "activities"} {
		v.Actions[k] = sdk.URL(r, path("hubs", hub, k)) + q
	}
	members, err := s.MembersWhere(y.ID, hub, 0)
	if err != nil {
		return nil, 0, err
	}
	if v.Plan, err = s.PlanOf(y.ID, hub); err != nil {
		return nil, 0, err
	}
	schools := make([]uint64, len(members))
	rolls := make([]int, len(members))
	for i, m := range members {
		schools[i], rolls[i] = m.SchoolID, m.PupilsOnRoll
	}
	reviews, err := s.ReviewsWhere(y.ID, 0, schools...)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]uint64, len(reviews))
	reviewOf := map[uint64]store.Review{}
	for i, rv := range reviews {
		ids[i] = rv.ID
		reviewOf[rv.SchoolID] = rv
	}
	reports, err := s.ReportsOf(ids)
	if err != nil {
		return nil, 0, err
	}
	var pool, pot, spent int64
	if v.Plan.Plan != nil {
		pool, pot = v.Plan.Plan.CreditPoolPence, v.Plan.Plan.PotPence
	}
	spent = v.Plan.SpentPence()
	credits := rules.Credits(pool, rolls)
	rows := make([]ui.Row, len(members))
	for i, m := range members {
		row := ui.Row{"school": m.Name, "phase": phaseLabel(m.Phase), "roll": m.PupilsOnRoll, "credits": money(credits[i]), "review": "Not scheduled", "report": ""}
		if rv, ok := reviewOf[m.SchoolID]; ok && !rv.Cancelled {
			row["review"] = link(r, fmt.Sprintf("Week %d, %s", rv.Week, day(rv.StartsOn)), path("reviews", rv.ID))
			row["report"] = htmlCell(stateBadge(reports[rv.ID].State))
		}
		rows[i] = row
	}
	v.Schools = ui.Table{Caption: "Member schools, their hub credits and reviews", Columns: hubSchoolColumns, Rows: rows, ID: "hub-schools",
		Empty: "No member school in this hub this year."}
	v.Stats = ui.Stats{{Value: fmt.Sprint(len(members)), Label: "Member schools"}, {Value: money(pot), Label: "Funding returned from membership fees"},
		{Value: money(spent), Label: "Spent on activities"}, {Value: money(pot - spent), Label: "Left to spend"},
		{Value: money(pool), Label: "Shared as hub credits by pupils on roll"}}
	priorityTitle := map[uint64]string{}
	prOpts := []ui.Option{{Value: "", Label: "Choose a priority"}}
	for _, p := range v.Plan.Priorities {
		priorityTitle[p.ID] = p.Title
		prOpts = append(prOpts, ui.Option{Value: strconv.FormatUint(p.ID, 10), Label: p.Title})
		v.PriorityDeletes[p.ID] = sdk.URL(r, path("hubs", hub, "priorities", p.ID, "delete")) + q
	}
	v.Priorities = v.Plan.Priorities
	arows := make([]ui.Row, len(v.Plan.Activities))
	for i, a := range v.Plan.Activities {
		title := any(a.Title)
		if canPlan {
			title = link(r, a.Title, path("hubs", hub, "activities", a.ID)+q)
		}
		arows[i] = ui.Row{"activity": title, "priority": priorityTitle[a.PriorityID], "owner": a.Owner, "due": day(a.DueOn),
			"status": store.ActivityStatusLabel(a.Status), "spend": money(a.SpendPence)}
	}
	v.Activities = ui.Table{Caption: "Activities against the priorities", Columns: activityColumns, Rows: arows, ID: "activities", Empty: "No activity planned yet."}
	status, notes := store.PlanDraft, ""
	if v.Plan.Plan != nil {
		status, notes = v.Plan.Plan.Status, v.Plan.Plan.Notes
	}
	v.FundingFields = []ui.Field{
		{Kind: ui.Text, Name: "pot", Label: "Funding returned from membership fees (£)", Value: poundsValue(pot), Width: "short"},
		{Kind: ui.Text, Name: "credit_pool", Label: "Of which shared as hub credits by pupils on roll (£)", Value: poundsValue(pool), Width: "short"},
		{Kind: ui.Select, Name: "status", Label: "The plan is", Value: status, Options: []ui.Option{{Value: store.PlanDraft, Label: "A draft"}, {Value: store.PlanAgreed, Label: "Agreed by the hub"}}},
		{Kind: ui.Textarea, Name: "notes", Label: "Notes on the plan", Value: notes, Rows: 3},
	}
	v.PriorityFields = []ui.Field{{Kind: ui.Text, Name: "title", Label: "Priority", Required: true},
		{Kind: ui.Textarea, Name: "description", Label: "What the hub means by it", Rows: 3}}
	v.ActFields = activityFields(prOpts, store.Activity{Status: "planned"})
	return v, hub, nil
}

func activityFields(prOpts []ui.Option, a store.Activity) []ui.Field {
	statuses := []ui.Option{}
	for _, s := range store.ActivityStatuses {
		statuses = append(statuses, ui.Option{Value: s, Label: store.ActivityStatusLabel(s)})
	}
	pr := ""
	if a.PriorityID != 0 {
		pr = strconv.FormatUint(a.PriorityID, 10)
	}
	return []ui.Field{
		{Kind: ui.Select, Name: "priority", Label: "Against the priority", Options: prOpts, Value: pr, Required: true},
		{Kind: ui.Text, Name: "title", Label: "Activity", Value: a.Title, Required: true},
		{Kind: ui.Text, Name: "owner", Label: "Owner", Value: a.Owner, Hint: "Who leads it"},
		{Kind: ui.Date, Name: "due_on", Label: "Due", Value: a.DueOn, Width: "short"},
		{Kind: ui.Select, Name: "status", Label: "Status", Options: statuses, Value: a.Status, Required: true},
		{Kind: ui.Text, Name: "spend", Label: "Spend so far (£)", Value: poundsValue(a.SpendPence), Width: "short"},
	}
}

// AllFields are every form's fields, for the page's one error summary.
func (v *hubView) AllFields() []ui.Field {
	var out []ui.Field
	for _, fs := range [][]ui.Field{v.PriorityFields, v.ActFields, v.FundingFields} {
		out = append(out, fs...)
	}
	return out
}

func hubPage(w http.ResponseWriter, r *http.Request) error {
	v, _, err := loadHub(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "hub", v)
}

// hubChange commits a change to the hub's plan, or shows the hub's page
// again with the refused form's errors (bind names the form's fields).
func hubChange(w http.ResponseWriter, r *http.Request, bind string, write func(tx *store.Store, y *store.Year, hub uint64) (change, error)) error {
	s := st(r)
	y, err := yearQuery(r, s)
	if err != nil {
		return err
	}
	if y == nil {
		return &sdk.HTTPError{Status: http.StatusConflict, Message: "The programme has no membership year yet. Nothing was saved."}
	}
	hub, err := id(r, "unit")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) { return write(tx, y, hub) })
	return again(w, r, err, "Hub", "hub", func() (*hubView, error) { v, _, err := loadHub(r); return v, err },
		func(v *hubView) (*[]ui.Field, *ui.Errors) {
			return map[string]*[]ui.Field{"funding": &v.FundingFields, "priority": &v.PriorityFields, "activity": &v.ActFields}[bind], &v.Errors
		})
}

func hubPath(hub uint64, y *store.Year) string {
	return path("hubs", hub) + "?year=" + strconv.FormatUint(y.ID, 10)
}

func saveFunding(w http.ResponseWriter, r *http.Request) error {
	return hubChange(w, r, "funding", func(tx *store.Store, y *store.Year, hub uint64) (change, error) {
		in := store.FundingInput{Pot: r.PostFormValue("pot"), CreditPool: r.PostFormValue("credit_pool"), Status: r.PostFormValue("status"), Notes: r.PostFormValue("notes")}
		before, after, err := tx.SaveFunding(y.ID, hub, in, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"plan.funding", "plan", after.ID, before, after, hubPath(hub, y), "Funding saved"}, nil
	})
}

func addPriority(w http.ResponseWriter, r *http.Request) error {
	return hubChange(w, r, "priority", func(tx *store.Store, y *store.Year, hub uint64) (change, error) {
		p, err := tx.AddPriority(y.ID, hub, store.PriorityInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"plan.priority.add", "priority", p.ID, nil, p, hubPath(hub, y), "Priority added"}, nil
	})
}

func deletePriority(w http.ResponseWriter, r *http.Request) error {
	pid, err := id(r, "priority")
	if err != nil {
		return err
	}
	return hubChange(w, r, "", func(tx *store.Store, y *store.Year, hub uint64) (change, error) {
		p, err := tx.DeletePriority(y.ID, hub, pid, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"plan.priority.delete", "priority", p.ID, p, nil, hubPath(hub, y), "Priority removed"}, nil
	})
}

func activityInput(r *http.Request) store.ActivityInput {
	return store.ActivityInput{Priority: formID(r, "priority"), Title: r.PostFormValue("title"), Owner: r.PostFormValue("owner"),
		DueOn: r.PostFormValue("due_on"), Status: r.PostFormValue("status"), Spend: r.PostFormValue("spend")}
}

func addActivity(w http.ResponseWriter, r *http.Request) error {
	return hubChange(w, r, "activity", func(tx *store.Store, y *store.Year, hub uint64) (change, error) {
		a, err := tx.AddActivity(y.ID, hub, activityInput(r), userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"plan.activity.add", "activity", a.ID, nil, a, hubPath(hub, y), "Activity added"}, nil
	})
}

type activityView struct {
	common
	Header ui.Header
	Fields []ui.Field
	Errors ui.Errors
	Action string
}

func loadActivity(r *http.Request) (*activityView, error) {
	s := st(r)
	hub, err := id(r, "unit")
	if err != nil {
		return nil, err
	}
	aid, err := id(r, "activity")
	if err != nil {
		return nil, err
	}
	y, err := yearQuery(r, s)
	if err != nil || y == nil {
		return nil, sdk.ErrNotFound
	}
	plan, err := s.PlanOf(y.ID, hub)
	if err != nil {
		return nil, err
	}
	prOpts := []ui.Option{{Value: "", Label: "Choose a priority"}}
	for _, p := range plan.Priorities {
		prOpts = append(prOpts, ui.Option{Value: strconv.FormatUint(p.ID, 10), Label: p.Title})
	}
	for _, a := range plan.Activities {
		if a.ID == aid {
			hubs, err := s.Hubs()
			if err != nil {
				return nil, err
			}
			return &activityView{common: commonOf(r), Fields: activityFields(prOpts, a), Action: sdk.URL(r, path("hubs", hub, "activities", a.ID)) + "?year=" + strconv.FormatUint(y.ID, 10),
				Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: hubs[hub], Href: sdk.URL(r, hubPath(hub, y))}), Title: a.Title}}, nil
		}
	}
	return nil, sdk.ErrNotFound
}

func activityPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadActivity(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "activity", v)
}

func updateActivity(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearQuery(r, s)
	if err != nil || y == nil {
		return sdk.ErrNotFound
	}
	hub, err := id(r, "unit")
	if err != nil {
		return err
	}
	aid, err := id(r, "activity")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.UpdateActivity(y.ID, hub, aid, activityInput(r), userID(r), now(r))
		return change{"plan.activity.update", "activity", aid, before, after, hubPath(hub, y), "Activity saved"}, err
	})
	return again(w, r, err, "Activity", "activity", func() (*activityView, error) { return loadActivity(r) },
		func(v *activityView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}
