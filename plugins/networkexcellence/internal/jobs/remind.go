package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/web"
)

// teamOf is a review's published team: names lead first, and the people
// with an account by reviewer id.
type teamOf struct {
	names  []string
	people map[uint64]uint64 // reviewer id → person id (with an account)
	lead   uint64            // the lead's person id, 0 for none
}

func teamsOf(s *store.Store, reviewIDs []uint64) (map[uint64]*teamOf, error) {
	ts, err := s.Teams(reviewIDs)
	if err != nil {
		return nil, err
	}
	out := map[uint64]*teamOf{}
	for id, team := range ts {
		t := &teamOf{people: map[uint64]uint64{}}
		for _, m := range team {
			p := m.Reviewer
			if m.Seat.Seat == store.LeadSeat {
				t.names = append(t.names, p.Name+" (Lead Reviewer)")
				t.lead = p.PersonID
			} else {
				t.names = append(t.names, p.Name)
			}
			if p.PersonID != 0 {
				t.people[p.ID] = p.PersonID
			}
		}
		out[id] = t
	}
	return out, nil
}

// Remind mails each review's team and the host's headteacher when the
// review starts within the reminder days (setting reminder_days), once.
func Remind(ctx context.Context, _ []byte) error {
	s := st(ctx)
	cfg, err := web.LoadConfig(ctx)
	if err != nil {
		return sdk.Permanent(err)
	}
	y, err := s.CurrentYear(sdk.Today(ctx))
	if err != nil || y == nil {
		return err
	}
	today := sdk.Today(ctx)
	from, to := today.Format(time.DateOnly), today.AddDate(0, 0, cfg.ReminderDays).Format(time.DateOnly)
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return err
	}
	var soon []store.Review
	var ids, schools []uint64
	for _, rv := range reviews {
		if !rv.Cancelled && rv.StartsOn > from && rv.StartsOn <= to {
			soon = append(soon, rv)
			ids, schools = append(ids, rv.ID), append(schools, rv.SchoolID)
		}
	}
	if len(soon) == 0 {
		return nil
	}
	names, err := s.SchoolsEver(schools)
	if err != nil {
		return err
	}
	teams, err := teamsOf(s, ids)
	if err != nil {
		return err
	}
	heads, err := headsOf(ctx, schools)
	if err != nil {
		return err
	}
	var out []outgoing
	for _, rv := range soon {
		school, t := names[rv.SchoolID].Name, teams[rv.ID]
		if t == nil {
			t = &teamOf{}
		}
		when := fmt.Sprintf("%s for %d %s", day(rv.StartsOn), rv.Days, plural(rv.Days, "day", "days"))
		for _, person := range t.people {
			out = append(out, outgoing{kind: "reminder.team", ref: rv.ID, mail: sdk.Mail{PersonID: person,
				Subject: "QA Review of " + school + " on " + day(rv.StartsOn),
				Body: fmt.Sprintf("Your QA Review of %s starts on %s.\n\nThe team: %s.\n\nRead the school's self-evaluation and last year's Even Better Ifs before the review: Network of Excellence, Your reviews.\n",
					school, when, join(t.names))}})
		}
		for _, person := range heads[rv.SchoolID] {
			out = append(out, outgoing{kind: "reminder.host", ref: rv.ID, mail: sdk.Mail{PersonID: person,
				Subject: "Your school's QA Review on " + day(rv.StartsOn),
				Body: fmt.Sprintf("The QA Review of %s starts on %s.\n\nThe team: %s.\n\nPlease write the school's self-evaluation before then: Network of Excellence, your school's reviews.\n",
					school, when, join(t.names))}})
		}
	}
	_, err = send(ctx, s, out)
	return err
}

// Chase mails the Lead Reviewer of every report past its due date (setting
// report_due_days after the review) and not yet submitted, and the host
// headteacher of every report submitted more than a week ago and not yet
// agreed: at most once a week for each.
func Chase(ctx context.Context, _ []byte) error {
	s := st(ctx)
	cfg, err := web.LoadConfig(ctx)
	if err != nil {
		return sdk.Permanent(err)
	}
	y, err := s.CurrentYear(sdk.Today(ctx))
	if err != nil || y == nil {
		return err
	}
	today := sdk.Today(ctx)
	td := today.Format(time.DateOnly)
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return err
	}
	ids := make([]uint64, len(reviews))
	var schools []uint64
	for i, rv := range reviews {
		ids[i] = rv.ID
		schools = append(schools, rv.SchoolID)
	}
	reports, err := s.ReportsOf(ids)
	if err != nil {
		return err
	}
	names, err := s.SchoolsEver(schools)
	if err != nil {
		return err
	}
	teams, err := teamsOf(s, ids)
	if err != nil {
		return err
	}
	var toAgree []uint64
	for _, rv := range reviews {
		if rep, ok := reports[rv.ID]; ok && rep.State == rules.Submitted {
			toAgree = append(toAgree, rv.SchoolID)
		}
	}
	heads, err := headsOf(ctx, toAgree)
	if err != nil {
		return err
	}
	week := fmt.Sprint(today.Unix() / (7 * 24 * 3600)) // one chase a week
	var out []outgoing
	for _, rv := range reviews {
		if rv.Cancelled {
			continue
		}
		rep, has := reports[rv.ID]
		school := names[rv.SchoolID].Name
		end, _ := time.Parse(time.DateOnly, rv.Ends())
		due := end.AddDate(0, 0, cfg.ReportDueDays).Format(time.DateOnly)
		switch {
		case (!has || rep.State == rules.Draft) && due < td:
			if t := teams[rv.ID]; t != nil && t.lead != 0 {
				out = append(out, outgoing{kind: "chase.report." + week, ref: rv.ID, mail: sdk.Mail{PersonID: t.lead,
					Subject: "The report on " + school + " is overdue",
					Body: fmt.Sprintf("The report of the QA Review of %s was due on %s. Please finish it with your team and submit it to the host: Network of Excellence, Your reviews.\n",
						school, day(due))}})
			}
		case has && rep.State == rules.Submitted && rep.SubmittedAt != nil && rep.SubmittedAt.Before(sdk.Now(ctx).AddDate(0, 0, -7)):
			for _, person := range heads[rv.SchoolID] {
				out = append(out, outgoing{kind: "chase.agree." + week, ref: rv.ID, mail: sdk.Mail{PersonID: person,
					Subject: "Your school's QA Review report is waiting for you",
					Body: fmt.Sprintf("The Lead Reviewer submitted the report of the QA Review of %s on %s. Please agree it, or return it to the team saying what should change.\n",
						school, rep.SubmittedAt.In(sdk.London()).Format("Mon 2 Jan 2006"))}})
			}
		}
	}
	_, err = send(ctx, s, out)
	return err
}

func day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("Mon 2 Jan 2006")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
