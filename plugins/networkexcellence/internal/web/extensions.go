package web

import (
	"context"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
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
func extStore(ctx context.Context) *store.Store { return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)) }

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
// review permissions at every school, then a query each for this year's
// members, the schools' reviews, their reports and seats, their Areas of
// Excellence and the days they host.
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
		ms, err := s.MembersWhere(y.ID, 0, 0, units...)
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 {
			hubs, err := s.Hubs()
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if sc := schools[m.SchoolID]; sc != nil && hubs[m.HubID] != "" {
					sc.Hub, sc.Year = hubs[m.HubID], y.Label
				}
			}
		}
	}
	if len(readable) > 0 {
		if err := panelReviews(ctx, s, y, readable, schools); err != nil {
			return nil, err
		}
	}
	aoes, err := s.AccreditedAoEs(units...)
	if err != nil {
		return nil, err
	}
	for _, a := range aoes {
		x := extend.AoE{Title: a.Title, Accredited: a.AccreditedOn}
		for _, t := range a.Terms {
			x.Terms = append(x.Terms, t.Label)
		}
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
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	years, err := s.Years()
	if err != nil {
		return err
	}
	label := map[uint64]string{}
	for _, yr := range years {
		label[yr.ID] = yr.Label
	}
	reports, err := s.ReportsOf(ids)
	if err != nil {
		return err
	}
	var current []uint64
	for _, rv := range reviews { // by date: the last one kept is the latest
		if rv.Cancelled {
			continue
		}
		sc := schools[rv.SchoolID]
		var rep *store.Report
		if r, ok := reports[rv.ID]; ok {
			rep = &r
		}
		f := reviewFacts(rv, rep, label[rv.YearID], cfg.ReportDueDays)
		switch {
		case y != nil && rv.YearID == y.ID:
			sc.Upcoming = &f
			current = append(current, rv.ID)
		case (y == nil || rv.StartsOn < y.StartsOn) && rv.StartsOn <= sc.Today:
			sc.Last = &f
		}
	}
	seats, err := s.SeatsOf(current)
	if err != nil {
		return err
	}
	filled := map[uint64]int{}
	for _, x := range seats {
		if !x.Withdrawn {
			filled[x.ReviewID]++
		}
	}
	for _, sc := range schools {
		if sc.Upcoming != nil {
			sc.Upcoming.Filled = filled[sc.Upcoming.ID]
		}
	}
	return nil
}

// Todos answers the viewer's to-dos: as a reviewer (their seats), as a
// school's leader (this year's review of the schools where they host or
// agree), as an attendee (the days they were booked on), as a hub manager
// (the hubs whose plan they keep), and as the central team. Host calls:
// one Authorize at the root and the tenant's settings; for those who are
// not the central team, their schools and hubs and one Authorize for them.
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
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return nil, err
	}
	y, err := s.CurrentYear(today)
	if err != nil {
		return nil, err
	}
	given, err := s.GivenBy(user)
	if err != nil {
		return nil, err
	}
	var out []sdk.Todo
	team, err := teamTodos(s, user, td, cfg.ReportDueDays, given)
	if err != nil {
		return nil, err
	}
	out = append(out, team...)
	if !central && user != 0 {
		mine, err := leaderTodos(ctx, s, y, td, cfg.ReportDueDays, given)
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
		c, err := centralTodos(s, y, td, cfg.ReportDueDays)
		if err != nil {
			return nil, err
		}
		out = append(out, c...)
	}
	return extend.Sorted(out, contract.MaxTodos), nil
}

// teamTodos are the to-dos of the viewer's seats on reviews that started
// at most 120 days ago or start later.
func teamTodos(s *store.Store, user uint64, td string, dueDays int, given map[uint64]bool) ([]sdk.Todo, error) {
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
	reports, err := s.ReportsOf(recent)
	if err != nil {
		return nil, err
	}
	names, err := s.SchoolsEver(uniq(schools))
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
		xs = append(xs, extend.TeamSeat{Review: reviewFacts(rv, rep, "", dueDays), SchoolID: rv.SchoolID, School: names[rv.SchoolID].Name,
			Lead: lead[id], Given: given[id]})
	}
	return extend.TeamTodos(td, xs), nil
}

// leaderTodos are the to-dos of the schools the viewer leads (this year's
// review) and the hubs whose plan they keep (meetings).
func leaderTodos(ctx context.Context, s *store.Store, y *store.Year, td string, dueDays int, given map[uint64]bool) ([]sdk.Todo, error) {
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
		reports, err := s.ReportsOf(ids)
		if err != nil {
			return nil, err
		}
		names := map[uint64]string{}
		for _, sc := range schools {
			names[sc.GetId()] = sc.GetName()
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
			hs = append(hs, extend.HostReview{Review: reviewFacts(rv, rep, y.Label, dueDays), SchoolID: rv.SchoolID, School: names[rv.SchoolID],
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

// rateTodos ask the viewer to rate the days they were booked on.
func rateTodos(s *store.Store, user uint64, td string) ([]sdk.Todo, error) {
	if user == 0 {
		return nil, nil
	}
	bs, err := s.BookingsOf(user)
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for _, b := range bs {
		if b.State == booking.Booked {
			ids = append(ids, b.DayID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	days, err := s.DaysByID(uniq(ids))
	if err != nil {
		return nil, err
	}
	var recent []uint64
	for id, d := range days {
		if !d.Cancelled && d.Date <= td && d.Date >= extend.AddDays(td, -extend.RateWithin) {
			recent = append(recent, id)
		}
	}
	rated, err := s.RatedBy(user, recent)
	if err != nil {
		return nil, err
	}
	var xs []extend.Attended
	for _, id := range recent {
		d := days[id]
		xs = append(xs, extend.Attended{DayID: id, Label: dayLabels[d.Kind], Title: d.Title, Date: d.Date, Rated: rated[id]})
	}
	return extend.RateTodos(td, xs), nil
}

// centralTodos are the central team's for the current year.
func centralTodos(s *store.Store, y *store.Year, td string, dueDays int) ([]sdk.Todo, error) {
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return nil, err
	}
	states, err := s.ReportStatesOfYear(y.ID)
	if err != nil {
		return nil, err
	}
	c := extend.Central{YearID: y.ID, Year: y.Label}
	for _, rv := range reviews {
		if rv.Cancelled {
			continue
		}
		switch st := states[rv.ID].State; {
		case st == rules.Agreed:
			c.Agreed++
		case (st == "" || st == rules.Draft) && dueDate(rv, dueDays) < td:
			c.Overdue++
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
	in, err := figureInputs(ctx, s, y, td)
	if err != nil {
		return nil, err
	}
	return extend.Figures(figures.Compute(in)), nil
}
