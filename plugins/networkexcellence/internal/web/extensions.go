package web

import (
	"context"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/extend"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/figures"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// The permissions the core checks before it asks for each extension point
// (the manifest declares them). The school panel and the to-dos are asked
// of everyone who may search the Directory, that is every role: the panel
// tells anyone the school's Areas of Excellence and the days it hosts, as
// the Directory does, and adds the review lines only where the viewer may
// read the school's reviews (one Authorize for every school asked); the
// to-dos come from the viewer's own records (seats, bookings) and what they
// hold at their schools and hubs. The figures are the dashboard's, for the
// central team.
const (
	PanelPermission   = PermDirectory
	TodosPermission   = PermDirectory
	FiguresPermission = PermBoard
)

// extStore is the call's store, bound to the actor's tenant.
func extStore(ctx context.Context) *store.Store { return storeOf(ctx) }

// londonDate is an instant's London date, as stored.
func londonDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(sdk.London()).Format(time.DateOnly)
}

// reviewFacts are what the extensions say of a review and its report.
func reviewFacts(rv store.Review, rep *store.Report, label string, dueDays int) extend.Review {
	r := extend.Review{ID: rv.ID, Year: label, Week: rv.Week, StartsOn: rv.StartsOn, Days: rv.Days, DueOn: dueDate(rv, dueDays),
		SEFDone: rv.SelfEvaluatedAt != nil, TeamSeats: rv.TeamSize}
	if rv.NeedsLead {
		r.TeamSeats++
	}
	if rep != nil {
		r.State = rep.State
		switch rep.State {
		case rules.Submitted:
			r.StateOn = londonDate(rep.SubmittedAt)
		case rules.Agreed:
			r.StateOn = londonDate(rep.AgreedAt)
		case rules.Published:
			r.StateOn = londonDate(rep.PublishedAt)
		}
	}
	return r
}

// SchoolPanels answers the core's school panels for the schools asked
// (each one where the viewer holds PanelPermission): one Authorize for the
// review permissions at every school (and the settings when a report's
// due date may show: panelDueDates), then a query each for the hubs the
// schools are members in this year, the schools' reviews, their reports and
// filled seats (counted), their Areas of Excellence with their terms, and
// the days they host with their bookings (counted).
func SchoolPanels(ctx context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
	s := extStore(ctx)
	checks := make([]sdk.Check, 0, 3*len(units))
	for _, u := range units {
		checks = append(checks, sdk.Check{Permission: PermReviewRead, UnitID: u}, sdk.Check{Permission: PermReviewHost, UnitID: u},
			sdk.Check{Permission: PermReportAgree, UnitID: u})
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	viewer := map[uint64]extend.Viewer{}
	var readable []uint64
	for i, u := range units {
		v := extend.Viewer{Reviews: ok[3*i], Host: ok[3*i+1], Agree: ok[3*i+2]}
		viewer[u] = v
		if v.Reviews {
			readable = append(readable, u)
		}
	}
	today := sdk.Today(ctx)
	td := today.Format(time.DateOnly)
	schools := map[uint64]*extend.School{}
	for _, u := range units {
		schools[u] = &extend.School{ID: u, Today: td}
	}
	y, err := s.CurrentYear(today)
	if err != nil {
		return nil, err
	}
	if y != nil {
		hubs, err := s.HubNamesOfMembers(y.ID, units)
		if err != nil {
			return nil, err
		}
		for u, hub := range hubs {
			if sc := schools[u]; sc != nil {
				sc.Hub, sc.Year = hub, y.Label
			}
		}
	}
	if len(readable) > 0 {
		if err := panelReviews(ctx, s, y, readable, schools); err != nil {
			return nil, err
		}
	}
	aoes, err := s.PanelAoEs(units)
	if err != nil {
		return nil, err
	}
	for _, a := range aoes {
		x := extend.AoE{Title: a.Title, Accredited: a.AccreditedOn, Terms: a.Terms}
		if sc := schools[a.SchoolID]; sc != nil {
			sc.AoEs = append(sc.AoEs, x)
		}
	}
	days, err := s.DaysOf(store.KindLDD, units, nil, td, "")
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(days))
	for i, d := range days {
		ids[i] = d.ID
	}
	booked, err := s.BookedCounts(ids)
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		if sc := schools[d.SchoolID]; sc != nil {
			sc.Days = append(sc.Days, extend.HostedDay{ID: d.ID, Date: d.Date, Title: d.Title, Booked: booked[d.ID], Capacity: d.Capacity})
		}
	}
	var out []sdk.SchoolPanel
	for _, u := range units {
		if lines := extend.Panel(*schools[u], viewer[u]); len(lines) > 0 {
			if len(lines) > contract.MaxPanelLines {
				lines = lines[:contract.MaxPanelLines]
			}
			out = append(out, sdk.SchoolPanel{UnitID: u, Lines: lines})
		}
	}
	return out, nil
}

// panelReviews fills each readable school's review this year and its last
// review before this year.
func panelReviews(ctx context.Context, s *store.Store, y *store.Year, units []uint64, schools map[uint64]*extend.School) error {
	reviews, err := s.ReviewsWhere(0, 0, units...)
	if err != nil {
		return err
	}
	var ids []uint64
	for _, rv := range reviews {
		if !rv.Cancelled {
			ids = append(ids, rv.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	years, err := s.Years()
	if err != nil {
		return err
	}
	label := map[uint64]string{}
	for _, yr := range years {
		label[yr.ID] = yr.Label
	}
	reports, err := s.ReportStates(ids)
	if err != nil {
		return err
	}
	var current []uint64
	byID := map[uint64]store.Review{}
	for _, rv := range reviews { // by date: the last one kept is the latest
		if rv.Cancelled {
			continue
		}
		sc := schools[rv.SchoolID]
		var rep *store.Report
		if r, ok := reports[rv.ID]; ok {
			rep = &r
		}
		byID[rv.ID] = rv
		f := reviewFacts(rv, rep, label[rv.YearID], 0)
		f.DueOn = "" // below, if the panel may say it
		switch {
		case y != nil && rv.YearID == y.ID:
			sc.Upcoming = &f
			current = append(current, rv.ID)
		case (y == nil || rv.StartsOn < y.StartsOn) && rv.StartsOn <= sc.Today:
			sc.Last = &f
		}
	}
	if err := panelDueDates(ctx, schools, byID); err != nil {
		return err
	}
	filled, err := s.FilledSeats(current)
	if err != nil {
		return err
	}
	for _, sc := range schools {
		if sc.Upcoming != nil {
			sc.Upcoming.Filled = filled[sc.Upcoming.ID]
		}
	}
	return nil
}

// panelDueDates sets the due date of the reports the panels may say it
// of: a review that has started whose report is not yet submitted (the
// panel says "due" or "overdue since" only then). Only then does it read
// the settings (a Host call): most panels show a review to come or a
// report published.
func panelDueDates(ctx context.Context, schools map[uint64]*extend.School, byID map[uint64]store.Review) error {
	mayShow := func(f *extend.Review, today string) bool {
		return f != nil && f.StartsOn <= today && f.State != rules.Submitted && f.State != rules.Agreed && f.State != rules.Published
	}
	need := false
	for _, sc := range schools {
		need = need || mayShow(sc.Upcoming, sc.Today) || mayShow(sc.Last, sc.Today)
	}
	if !need {
		return nil
	}
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	for _, sc := range schools {
		for _, f := range []*extend.Review{sc.Upcoming, sc.Last} {
			if f != nil {
				f.DueOn = dueDate(byID[f.ID], cfg.ReportDueDays)
			}
		}
	}
	return nil
}

// Todos answers the viewer's to-dos: as a reviewer (their seats), as a
// school's leader (this year's review of the schools where they host or
// agree), as an attendee (the days they were booked on), as a hub manager
// (the hubs whose plan they keep), and as the central team. Host calls:
// one Authorize at the root; the tenant's settings for those on a review
// team and the central team (a report's due date); for those who are not
// the central team, their schools and hubs and one Authorize for them.
func Todos(ctx context.Context) ([]sdk.Todo, error) {
	s := extStore(ctx)
	host := sdk.HostFrom(ctx)
	user := sdk.ActorFrom(ctx).GetUserId()
	today := sdk.Today(ctx)
	td := today.Format(time.DateOnly)
	ok, err := host.Authorize(ctx, sdk.Check{Permission: PermBoard}, sdk.Check{Permission: PermManage})
	if err != nil {
		return nil, err
	}
	central, manage := ok[0], ok[1]
	y, err := s.CurrentYear(today)
	if err != nil {
		return nil, err
	}
	l := &todoLoads{ctx: ctx, s: s, user: user}
	var out []sdk.Todo
	team, err := teamTodos(s, user, td, l)
	if err != nil {
		return nil, err
	}
	out = append(out, team...)
	if !central && user != 0 {
		mine, err := leaderTodos(ctx, s, y, td, l)
		if err != nil {
			return nil, err
		}
		out = append(out, mine...)
	}
	rate, err := rateTodos(s, user, td)
	if err != nil {
		return nil, err
	}
	out = append(out, rate...)
	if manage && y != nil {
		dueDays, err := l.dueDays()
		if err != nil {
			return nil, err
		}
		c, err := centralTodos(s, y, td, dueDays)
		if err != nil {
			return nil, err
		}
		out = append(out, c...)
	}
	return extend.Sorted(out, contract.MaxTodos), nil
}

// todoLoads are what only some viewers' to-dos need, loaded on first use
// and once: the report's due days (the settings, a Host call: for review
// teams and the central team) and the reviews the viewer gave feedback on
// (teams and leaders). Others pay for neither.
type todoLoads struct {
	ctx   context.Context
	s     *store.Store
	user  uint64
	cfg   *Config
	given map[uint64]bool
}

func (l *todoLoads) dueDays() (int, error) {
	if l.cfg == nil {
		cfg, err := LoadConfig(l.ctx)
		if err != nil {
			return 0, err
		}
		l.cfg = &cfg
	}
	return l.cfg.ReportDueDays, nil
}

func (l *todoLoads) givenBy() (map[uint64]bool, error) {
	if l.given == nil {
		g, err := l.s.GivenBy(l.user)
		if err != nil {
			return nil, err
		}
		l.given = g
	}
	return l.given, nil
}

// teamTodos are the to-dos of the viewer's seats on reviews that started
// at most 120 days ago or start later.
func teamTodos(s *store.Store, user uint64, td string, l *todoLoads) ([]sdk.Todo, error) {
	if user == 0 {
		return nil, nil
	}
	me, err := s.ReviewerByPerson(user)
	if err != nil || me == nil {
		return nil, err
	}
	seats, err := s.SeatsOfReviewer(me.ID)
	if err != nil {
		return nil, err
	}
	var ids []uint64
	lead := map[uint64]bool{}
	for _, x := range seats {
		if !x.Withdrawn {
			ids = append(ids, x.ReviewID)
			lead[x.ReviewID] = x.Seat == store.LeadSeat
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	reviews, err := s.ReviewsByID(ids)
	if err != nil {
		return nil, err
	}
	from := extend.AddDays(td, -120)
	var recent, schools []uint64
	for _, id := range ids {
		if rv, ok := reviews[id]; ok && !rv.Cancelled && rv.StartsOn >= from {
			recent = append(recent, id)
			schools = append(schools, rv.SchoolID)
		}
	}
	if len(recent) == 0 {
		return nil, nil
	}
	reports, err := s.ReportStates(recent)
	if err != nil {
		return nil, err
	}
	names, err := s.SchoolNamesEver(uniq(schools))
	if err != nil {
		return nil, err
	}
	dueDays, err := l.dueDays()
	if err != nil {
		return nil, err
	}
	given, err := l.givenBy()
	if err != nil {
		return nil, err
	}
	var xs []extend.TeamSeat
	for _, id := range recent {
		rv := reviews[id]
		var rep *store.Report
		if r, ok := reports[id]; ok {
			rep = &r
		}
		xs = append(xs, extend.TeamSeat{Review: reviewFacts(rv, rep, "", dueDays), SchoolID: rv.SchoolID, School: names[rv.SchoolID],
			Lead: lead[id], Given: given[id]})
	}
	return extend.TeamTodos(td, xs), nil
}

// leaderTodos are the to-dos of the schools the viewer leads (this year's
// review) and the hubs whose plan they keep (meetings).
func leaderTodos(ctx context.Context, s *store.Store, y *store.Year, td string, l *todoLoads) ([]sdk.Todo, error) {
	host := sdk.HostFrom(ctx)
	schools, err := host.Schools(ctx)
	if err != nil {
		return nil, err
	}
	hubs, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB)
	if err != nil {
		return nil, err
	}
	if len(schools)+len(hubs) == 0 {
		return nil, nil
	}
	checks := make([]sdk.Check, 0, 2*len(schools)+len(hubs))
	for _, sc := range schools {
		checks = append(checks, sdk.Check{Permission: PermReviewHost, UnitID: sc.GetId()}, sdk.Check{Permission: PermReportAgree, UnitID: sc.GetId()})
	}
	for _, h := range hubs {
		checks = append(checks, sdk.Check{Permission: PermHubPlan, UnitID: h.GetId()})
	}
	ok, err := host.Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	var out []sdk.Todo
	type lead struct{ host, agree bool }
	led := map[uint64]lead{}
	var ledIDs []uint64
	for i, sc := range schools {
		if l := (lead{ok[2*i], ok[2*i+1]}); l.host || l.agree {
			led[sc.GetId()] = l
			ledIDs = append(ledIDs, sc.GetId())
		}
	}
	if y != nil && len(ledIDs) > 0 {
		reviews, err := s.ReviewsWhere(y.ID, 0, ledIDs...)
		if err != nil {
			return nil, err
		}
		ids := make([]uint64, len(reviews))
		for i, rv := range reviews {
			ids[i] = rv.ID
		}
		reports, err := s.ReportStates(ids)
		if err != nil {
			return nil, err
		}
		names := map[uint64]string{}
		for _, sc := range schools {
			names[sc.GetId()] = sc.GetName()
		}
		var given map[uint64]bool
		if len(reviews) > 0 {
			if given, err = l.givenBy(); err != nil {
				return nil, err
			}
		}
		var hs []extend.HostReview
		for _, rv := range reviews {
			if rv.Cancelled {
				continue
			}
			var rep *store.Report
			if r, ok := reports[rv.ID]; ok {
				rep = &r
			}
			l := led[rv.SchoolID]
			// A leader's to-dos say when the review starts and where its
			// report stands, never when it is due: no settings to read.
			f := reviewFacts(rv, rep, y.Label, 0)
			f.DueOn = ""
			hs = append(hs, extend.HostReview{Review: f, SchoolID: rv.SchoolID, School: names[rv.SchoolID],
				Host: l.host, Agree: l.agree, Given: given[rv.ID]})
		}
		out = append(out, extend.HostTodos(td, hs)...)
	}
	kept := map[uint64]string{}
	var hubIDs []uint64
	for i, h := range hubs {
		if ok[2*len(schools)+i] {
			kept[h.GetId()] = h.GetName()
			hubIDs = append(hubIDs, h.GetId())
		}
	}
	if len(hubIDs) > 0 {
		ms, err := s.DaysOf(store.KindMeeting, nil, hubIDs, extend.AddDays(td, -extend.MeetingSoon), "")
		if err != nil {
			return nil, err
		}
		ids := make([]uint64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		booked, err := s.BookedCounts(ids)
		if err != nil {
			return nil, err
		}
		var xs []extend.Meeting
		for _, m := range ms {
			xs = append(xs, extend.Meeting{ID: m.ID, HubID: m.HubID, Hub: kept[m.HubID], Date: m.Date, Title: m.Title,
				Booked: booked[m.ID], Capacity: m.Capacity, Notes: m.Notes != ""})
		}
		out = append(out, extend.HubTodos(td, kept, xs)...)
	}
	return out, nil
}

// dayLabels name the kinds of day as a sentence reads them.
var dayLabels = map[string]string{store.KindLDD: "Leadership Development Day", store.KindMeeting: "hub meeting", store.KindEvent: "event"}

// rateTodos ask the viewer to rate the days they were booked on in the
// last fortnight (one query: the days, and whether they rated each).
func rateTodos(s *store.Store, user uint64, td string) ([]sdk.Todo, error) {
	if user == 0 {
		return nil, nil
	}
	days, err := s.DaysToRate(user, extend.AddDays(td, -extend.RateWithin), td)
	if err != nil {
		return nil, err
	}
	xs := make([]extend.Attended, len(days))
	for i, d := range days {
		xs[i] = extend.Attended{DayID: d.ID, Label: dayLabels[d.Kind], Title: d.Title, Date: d.Date, Rated: d.Rated}
	}
	return extend.RateTodos(td, xs), nil
}

// centralTodos are the central team's for the current year: the reports
// agreed and those overdue, counted by the storage (the overdue ones by
// the dueDate of each group of drafts that started long enough ago to be
// late), and the Areas of Excellence to decide.
func centralTodos(s *store.Store, y *store.Year, td string, dueDays int) ([]sdk.Todo, error) {
	// A review's report is due dueDays after its last day, so one due
	// before today started before today less dueDays (it lasts a day or more).
	agreed, drafts, err := s.ReportCounts(y.ID, extend.AddDays(td, -dueDays))
	if err != nil {
		return nil, err
	}
	c := extend.Central{YearID: y.ID, Year: y.Label, Agreed: agreed}
	for _, g := range drafts {
		if dueDate(store.Review{StartsOn: g.StartsOn, Days: g.Days}, dueDays) < td {
			c.Overdue += g.N
		}
	}
	if c.PutForth, err = s.AoEsToDecide(); err != nil {
		return nil, err
	}
	return extend.CentralTodos(c), nil
}

// Figures answers the programme's headline figures: the dashboard's for
// the current year (internal/figures), up to today.
func Figures(ctx context.Context) ([]sdk.Figure, error) {
	s := extStore(ctx)
	today := sdk.Today(ctx)
	td := today.Format(time.DateOnly)
	y, err := s.CurrentYear(today)
	if err != nil || y == nil || y.StartsOn > td {
		return nil, err
	}
	in, err := figureInputs(s, y, td)
	if err != nil {
		return nil, err
	}
	return extend.Figures(figures.Compute(in)), nil
}
