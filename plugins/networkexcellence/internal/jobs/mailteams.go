package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// MailTeams mails each reviewer (with an account) the seats a published
// run gave them, one mail each, once per seat. The payload names the run:
// {"RunID": 12}. It runs as the person who published the run.
func MailTeams(ctx context.Context, payload []byte) error {
	var p struct{ RunID uint64 }
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &p); err != nil {
			return sdk.Permanent(fmt.Errorf("mail teams: the payload is not {\"RunID\": n}: %w", err))
		}
	}
	if p.RunID == 0 {
		return nil
	}
	s := st(ctx)
	run, err := s.Run(p.RunID)
	if err != nil {
		return sdk.Permanent(err)
	}
	if run.State != store.RunPublished {
		return sdk.Permanent(fmt.Errorf("mail teams: run %d is not published", run.ID))
	}
	y, err := s.Year(run.YearID)
	if err != nil {
		return err
	}
	seats, err := s.SeatsOfYear(y.ID)
	if err != nil {
		return err
	}
	var mine []store.Seat
	var rids, pids []uint64
	for _, x := range seats {
		if x.RunID == run.ID {
			mine = append(mine, x)
			rids, pids = append(rids, x.ReviewID), append(pids, x.ReviewerID)
		}
	}
	reviews, err := s.ReviewsByID(rids)
	if err != nil {
		return err
	}
	who, err := s.ReviewersByID(pids)
	if err != nil {
		return err
	}
	var schools []uint64
	for _, rv := range reviews {
		schools = append(schools, rv.SchoolID)
	}
	names, err := s.SchoolsEver(schools)
	if err != nil {
		return err
	}
	sent, err := s.SentSet("seat")
	if err != nil {
		return err
	}
	byPerson := map[uint64][]store.Seat{}
	for _, x := range mine {
		if person := who[x.ReviewerID].PersonID; person != 0 && !sent[[2]uint64{x.ID, person}] {
			byPerson[person] = append(byPerson[person], x)
		}
	}
	var out []sdk.Mail
	var marks [][2]uint64
	for person, xs := range byPerson {
		var lines []string
		for _, x := range xs {
			rv := reviews[x.ReviewID]
			seat := "on the team"
			if x.Seat == store.LeadSeat {
				seat = "as Lead Reviewer"
			}
			lines = append(lines, fmt.Sprintf("- %s, %s (%d %s), %s", names[rv.SchoolID].Name, day(rv.StartsOn), rv.Days, plural(rv.Days, "day", "days"), seat))
			marks = append(marks, [2]uint64{x.ID, person})
		}
		out = append(out, sdk.Mail{PersonID: person, Subject: fmt.Sprintf("Your QA Reviews %s", y.Label),
			Body: "The central team has allocated you to these QA Reviews:\n\n" + strings.Join(lines, "\n") +
				"\n\nYour reviews, with each host school's details: Network of Excellence, Your reviews. If you cannot take one, withdraw there, saying why.\n"})
	}
	host := sdk.HostFrom(ctx)
	for start := 0; start < len(out); start += sdk.MaxMails {
		if _, err := host.SendMails(ctx, out[start:min(len(out), start+sdk.MaxMails)]...); err != nil {
			return fmt.Errorf("mail teams of run %d: %w", run.ID, err)
		}
	}
	return s.MarkSent("seat", marks, sdk.Now(ctx))
}
