package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/suppress"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// NewsletterName is the job that mails the termly digest.
const NewsletterName = "newsletter"

// Newsletter mails, once a term, every team member of the participating
// schools of each cluster of the programme year running a digest: the
// resources shared at the cluster's workshops since its last digest, the
// workshops dated for the rest of the term, and the cluster's headline
// figures (counts below suppress.DefaultThreshold left out). Each school's
// team gets each term's digest once: a second run or a retry mails nobody
// twice. It names no pupil. {"today":"YYYY-MM-DD"} runs it as on another day.
func Newsletter(ctx context.Context, payload []byte) error {
	today, err := dayOf(payload, NewsletterName)
	if err != nil {
		return err
	}
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	y, err := s.YearOn(today)
	if err != nil || y == nil {
		return err
	}
	term, termEnd := rules.TermOf(today)
	clusters, err := s.Clusters(y.ID)
	if err != nil {
		return err
	}
	host := sdk.HostFrom(ctx)
	mails, schools := 0, 0
	for _, c := range clusters {
		accepted, err := s.AcceptedSchools(c.ID)
		if err != nil {
			return err
		}
		var pending []uint64
		for _, sid := range accepted {
			sent, err := s.NewsletterSent(y.ID, string(term), sid)
			if err != nil {
				return err
			}
			if !sent {
				pending = append(pending, sid)
			}
		}
		if len(pending) == 0 {
			continue
		}
		body, err := digest(s, y, &c, accepted, today, termEnd)
		if err != nil {
			return err
		}
		names, err := s.Schools(pending...)
		if err != nil {
			return err
		}
		members, err := s.MembersOf(y.ID, pending...)
		if err != nil {
			return err
		}
		subject := fmt.Sprintf("Challenge the Gap: the %s term digest of %s", term.Label(), c.Name)
		for _, sid := range pending {
			school := names[sid].Name
			if school == "" {
				school = "your school"
			}
			footer := fmt.Sprintf("\nYou receive this as a member of %s's Challenge the Gap team.\n", school)
			for _, m := range members {
				if m.SchoolID != sid {
					continue
				}
				if _, err := host.SendMail(ctx, m.PersonID, "", subject, body+footer); err != nil {
					return err
				}
				mails++
			}
			if err := s.MarkNewsletter(y.ID, string(term), sid, time.Now()); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
			schools++
		}
	}
	sdk.Log(ctx).Info("newsletters sent", "term", string(term), "schools", schools, "mails", mails)
	return nil
}

// dayOf reads the payload's day to act as, or today.
func dayOf(payload []byte, job string) (time.Time, error) {
	today := time.Now().UTC()
	if len(payload) == 0 {
		return today, nil
	}
	var p remindPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return today, sdk.Permanent(fmt.Errorf("%s: the payload is not JSON", job))
	}
	if p.Today == "" {
		return today, nil
	}
	d, err := rules.ParseDate(p.Today)
	if err != nil {
		return today, sdk.Permanent(fmt.Errorf("%s: %w", job, err))
	}
	return d, nil
}

// digest writes the cluster's digest: new resources, upcoming workshops and
// the headline figures, suppressed.
func digest(s *store.Store, y *store.Year, c *store.Cluster, schools []uint64, today, termEnd time.Time) (string, error) {
	var b strings.Builder
	term, _ := rules.TermOf(today)
	fmt.Fprintf(&b, "Challenge the Gap %s, %s: the %s term digest\n\n", y.Label, c.Name, term.Label())
	ws, err := s.Workshops(c.ID)
	if err != nil {
		return "", err
	}
	since, err := s.LastNewsletter(schools...)
	if err != nil {
		return "", err
	}
	ids := make([]uint64, len(ws))
	number := map[uint64]int{}
	for i, w := range ws {
		ids[i] = w.ID
		number[w.ID] = w.Number
	}
	rs, err := s.ResourcesSince(ids, since)
	if err != nil {
		return "", err
	}
	b.WriteString("New resources\n")
	if len(rs) == 0 {
		b.WriteString("- No new resource since the last digest.\n")
	}
	for _, r := range rs {
		fmt.Fprintf(&b, "- %s (workshop %d: %s)", r.Title, number[r.WorkshopID], rules.WorkshopTitle(number[r.WorkshopID]))
		if r.URL != "" {
			fmt.Fprintf(&b, " %s", r.URL)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nUpcoming workshops\n")
	from, to := today.Format(time.DateOnly), termEnd.Format(time.DateOnly)
	upcoming := 0
	for _, w := range ws {
		if w.HeldOn >= from && w.HeldOn <= to {
			fmt.Fprintf(&b, "- %s: workshop %d, %s", w.HeldOn, w.Number, rules.WorkshopTitle(w.Number))
			if w.Venue != "" {
				fmt.Fprintf(&b, ", at %s", w.Venue)
			}
			b.WriteString("\n")
			upcoming++
		}
	}
	if upcoming == 0 {
		b.WriteString("- No workshop dated for the rest of the term.\n")
	}
	impacts := make([]evidence.Impact, 0, len(schools))
	for _, sid := range schools {
		im, _, _, err := s.Impact(y.ID, sid)
		if err != nil {
			return "", err
		}
		impacts = append(impacts, im)
	}
	b.WriteString("\nThe cluster's figures (each school's baseline to its latest snapshot)\n")
	b.WriteString(headline(evidence.Combine(impacts...)))
	fmt.Fprintf(&b, "Counts below %d, and figures resting on them, are not shown.\n", suppress.DefaultThreshold)
	return b.String(), nil
}

// headline words the cluster's figures with small counts suppressed.
func headline(im evidence.Impact) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- Target pupils: %s\n", suppress.Format(im.Pupils))
	if im.GapPupils >= suppress.DefaultThreshold {
		fmt.Fprintf(&b, "- Months of gap closed on average: %s (%d pupils)\n", format.Fixed(im.MeanGapClosed), im.GapPupils)
	} else {
		b.WriteString("- Months of gap closed on average: not shown (too few pupils)\n")
	}
	fmt.Fprintf(&b, "- Below age-related expectations at the baseline: %s; now: %s\n",
		percent(im.BelowFrom, im.AssessedFrom), percent(im.BelowTo, im.AssessedTo))
	return b.String()
}

// percent is part of total as a whole percent, unless a count below the
// threshold could be worked out from it.
func percent(part, total int) string {
	if total == 0 {
		return "no pupil assessed"
	}
	t, cells, err := suppress.Default.Row(part, total-part)
	if err != nil || t.Suppressed() || cells[0].Suppressed() || cells[1].Suppressed() {
		return "not shown (too few pupils)"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(total))
}
