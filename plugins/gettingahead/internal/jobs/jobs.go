// Package jobs holds the plugin's background work: telling programme
// managers about pairs that have gone six weeks without a session, and the
// nightly update of the trusts of the programme's schools. Both run on a
// schedule as the tenant's system actor and are safe to run twice.
package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/roles"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/trusts"
)

// Job names.
const (
	QuietName = "quiet_pairs"
	SyncName  = "sync_trusts"
)

func newStore(ctx context.Context) *store.Store {
	audit := func(tx *gorm.DB, action, entityType, entityID string, before, after any) error {
		return sdk.AuditTx(ctx, tx, action, entityType, entityID, before, after)
	}
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx), audit, sdk.Now(ctx))
}

// Quiet finds the pairs under way that have had no session for six weeks
// (rules.Quiet) and were not flagged since, mails each cohort's programme
// managers (those holding a manager role at its unit) one list, and marks
// the pairs flagged; the next session clears the flag. A cohort without a
// manager to tell is left for the next run.
func Quiet(ctx context.Context, _ []byte) error {
	s := newStore(ctx)
	today := rules.Date(sdk.Today(ctx))
	pairs, err := s.AllActivePairs()
	if err != nil {
		return err
	}
	var ids []uint64
	for _, p := range pairs {
		ids = append(ids, p.ID)
	}
	tallies, err := s.Tallies(ids)
	if err != nil {
		return err
	}
	var cohortIDs, partIDs, coachIDs []uint64
	for _, p := range pairs {
		cohortIDs, partIDs, coachIDs = append(cohortIDs, p.CohortID), append(partIDs, p.ParticipantID), append(coachIDs, p.CoachID)
	}
	cohorts, err := s.CohortsByID(cohortIDs)
	if err != nil {
		return err
	}
	parts, err := s.ParticipantsByID(partIDs)
	if err != nil {
		return err
	}
	coaches, err := s.CoachesByID(coachIDs)
	if err != nil {
		return err
	}
	quiet := map[uint64][]store.Pair{}
	for _, p := range pairs {
		last := p.StartedOn
		if t := tallies[p.ID].Last; t > last {
			last = t
		}
		if p.FlaggedOn == "" && rules.Quiet(store.ParseDate(last), cohorts[p.CohortID].StartYear, today) {
			quiet[p.CohortID] = append(quiet[p.CohortID], p)
		}
	}
	if len(quiet) == 0 {
		return nil
	}
	var units []uint64
	for cid := range quiet {
		units = append(units, cohorts[cid].UnitID)
	}
	host := sdk.HostFrom(ctx)
	managers, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: units, Roles: roles.Managers})
	if err != nil {
		return err
	}
	var mails []sdk.Mail
	var flagged []uint64
	cids := make([]uint64, 0, len(quiet))
	for cid := range quiet {
		cids = append(cids, cid)
	}
	slices.Sort(cids)
	for _, cid := range cids {
		c := cohorts[cid]
		var to []uint64
		for _, m := range managers {
			for _, g := range m.GetGrants() {
				if g.GetUnitId() == c.UnitID && slices.Contains(roles.Managers, g.GetRole()) && !slices.Contains(to, m.GetId()) {
					to = append(to, m.GetId())
				}
			}
		}
		if len(to) == 0 {
			sdk.Log(ctx).WarnContext(ctx, "quiet pairs: the cohort has no programme manager to tell", "cohort", cid)
			continue
		}
		var lines []string
		for _, p := range quiet[cid] {
			last := tallies[p.ID].Last
			when := "no session since the pair started on " + rules.FormatDate(store.ParseDate(p.StartedOn))
			if last != "" {
				when = "last session on " + rules.FormatDate(store.ParseDate(last))
			}
			lines = append(lines, fmt.Sprintf("- %s with %s: %s", parts[p.ParticipantID].Name, coaches[p.CoachID].Name, when))
			flagged = append(flagged, p.ID)
		}
		body := fmt.Sprintf("These pairs of %s have had no coaching session in six weeks:\n\n%s\n\nThe cohort's pairs page in Upwards shows their hours.\n",
			c.Name, strings.Join(lines, "\n"))
		subject := fmt.Sprintf("Getting Ahead London: %d %s with no session in six weeks", len(lines), plural(len(lines), "pair", "pairs"))
		for _, id := range to {
			mails = append(mails, sdk.Mail{PersonID: id, Subject: subject, Body: body})
		}
	}
	if len(mails) > 0 {
		if _, err := host.SendMails(ctx, mails...); err != nil {
			return err
		}
	}
	return s.MarkFlagged(flagged, today)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Sync reads the trusts of every school the programme's coaches and
// participants are at (as the tenant's system actor, who reads them all).
func Sync(ctx context.Context, _ []byte) error {
	s := newStore(ctx)
	cohorts, err := s.Cohorts()
	if err != nil {
		return err
	}
	var schools []uint64
	for _, c := range cohorts {
		cs, err := s.Coaches(c.ID)
		if err != nil {
			return err
		}
		ps, err := s.Participants(c.ID)
		if err != nil {
			return err
		}
		for _, co := range cs {
			schools = append(schools, co.SchoolID)
		}
		for _, p := range ps {
			schools = append(schools, p.SchoolID)
		}
	}
	return trusts.Refresh(ctx, sdk.HostFrom(ctx), s, schools)
}
