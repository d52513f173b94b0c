package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// Digest mails the news published in the seven days before today to the
// headteacher of every member school of the current year, once a week.
func Digest(ctx context.Context, _ []byte) error {
	s := st(ctx)
	today := sdk.Today(ctx)
	y, err := s.CurrentYear(today)
	if err != nil || y == nil {
		return err
	}
	news, err := s.NewsBetween(today.AddDate(0, 0, -7).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly))
	if err != nil || len(news) == 0 {
		return err
	}
	members, err := s.Members(y.ID)
	if err != nil {
		return err
	}
	schools := make([]uint64, len(members))
	for i, m := range members {
		schools[i] = m.SchoolID
	}
	heads := map[uint64][]uint64{}
	for start := 0; start < len(schools); start += 5000 {
		part, err := headsOf(ctx, schools[start:min(len(schools), start+5000)])
		if err != nil {
			return err
		}
		for k, v := range part {
			heads[k] = v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The Network of Excellence this week (%s):\n", today.Format("Mon 2 Jan 2006"))
	for _, n := range news {
		fmt.Fprintf(&b, "\n%s (%s)\n%s\n", n.Title, day(n.PublishedOn), n.Body)
	}
	subject := fmt.Sprintf("Network of Excellence: %d %s this week", len(news), plural(len(news), "item of news", "items of news"))
	ref := uint64(today.Unix() / (24 * 3600)) // the day: one digest a day at most
	seen := map[uint64]bool{}
	var out []outgoing
	for _, m := range members {
		for _, p := range heads[m.SchoolID] {
			if !seen[p] {
				seen[p] = true
				out = append(out, outgoing{kind: "digest", ref: ref, mail: sdk.Mail{PersonID: p, Subject: subject, Body: b.String()}})
			}
		}
	}
	_, err = send(ctx, s, out)
	return err
}
