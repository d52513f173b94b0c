package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/geo"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/web"
)

// Names of the Directory part's jobs.
const (
	ConnectName     = web.JobConnect
	PlacesName      = web.JobPlaces
	DayRemindName   = "day_reminders"
	DayFeedbackName = "day_feedback"
)

// Mail kinds of the Directory part's jobs (store.Sent).
const (
	sentConnect  = "connect"
	sentDayRem   = "day.reminder"
	sentDayRate  = "day.rate"
	dayRemindIn  = 7 // days before a day its people are reminded
	rateAfterMax = 14
)

// directoryJobs are the Directory part's jobs.
func directoryJobs() []Job {
	decl := func(name, desc string) *pluginv1.JobDecl {
		return &pluginv1.JobDecl{Name: name, Description: desc, MaxRetry: 3, TimeoutSeconds: 300}
	}
	return []Job{
		{decl(ConnectName, "Mail each Directory connect message to the school's contact (or its headteacher)"), "*/5 * * * *", Connect},
		{decl(PlacesName, "Put schools on the map: look their postcodes up in the postcode table (setting postcode_file)"), "15 3 * * *", Places},
		{decl(DayRemindName, "Remind the people booked on a Leadership Development Day or event a week before it, and its host"), "5 7 * * *", DayReminders},
		{decl(DayFeedbackName, "Ask the people who attended a day to rate it, the day after"), "0 17 * * *", DayFeedback},
	}
}

// Connect mails every connect message not yet sent, once, to the school's
// contact or, with none, its headteachers. It runs as the tenant's system
// actor (scheduled), which may mail anyone holding a role in the tenant;
// the sender's address goes in the mail so the school replies to them.
func Connect(ctx context.Context, _ []byte) error {
	s := st(ctx)
	cs, err := s.UnsentConnects(sentConnect)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return nil
	}
	var schools, senders []uint64
	for _, c := range cs {
		schools, senders = append(schools, c.ToSchoolID), append(senders, c.FromPerson)
	}
	heads, err := headsOf(ctx, schools)
	if err != nil {
		return err
	}
	host := sdk.HostFrom(ctx)
	people, err := host.People(ctx, senders, nil)
	if err != nil {
		return err
	}
	from := map[uint64]*pluginv1.Person{}
	for _, p := range people {
		from[p.GetId()] = p
	}
	names, err := host.SchoolNames(ctx, schools...)
	if err != nil {
		return err
	}
	var out []outgoing
	for _, c := range cs {
		to := heads[c.ToSchoolID]
		if c.ToPerson != 0 {
			to = []uint64{c.ToPerson}
		}
		sender := from[c.FromPerson]
		who := "a member of the partnership"
		if sender != nil {
			who = sender.GetName() + " <" + sender.GetEmail() + ">"
		}
		for _, p := range to {
			out = append(out, outgoing{sdk.Mail{PersonID: p, Subject: "Directory: " + c.Subject,
				Body: fmt.Sprintf("%s wrote to %s through the School Support Directory:\n\n%s\n\nReply to them by email: %s.", who, names[c.ToSchoolID], c.Message, who)},
				sentConnect, c.ID})
		}
	}
	_, err = send(ctx, s, out)
	return err
}

// Places looks the schools' postcodes up in the postcode table the
// setting postcode_file names, and records the places found. Without the
// setting it does nothing; an unreadable table is an error naming it.
func Places(ctx context.Context, _ []byte) error {
	vals, err := sdk.HostFrom(ctx).Settings(ctx)
	if err != nil {
		return err
	}
	file := vals[web.SettingPostcodeFile]
	if file == "" {
		return nil
	}
	s := st(ctx)
	ps, err := s.Profiles()
	if err != nil {
		return err
	}
	want, byPC := map[string]bool{}, map[string][]uint64{}
	for _, p := range ps {
		if p.Postcode != "" && p.Latitude == nil {
			k := geo.Normalise(p.Postcode)
			want[k] = true
			byPC[k] = append(byPC[k], p.SchoolID)
		}
	}
	if len(want) == 0 {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return sdk.Permanent(fmt.Errorf("open the postcode table (setting %s): %w", web.SettingPostcodeFile, err))
	}
	defer f.Close()
	found, err := geo.Scan(f, want)
	if err != nil {
		return sdk.Permanent(fmt.Errorf("read the postcode table: %w", err))
	}
	places := map[uint64]geo.Point{}
	for pc, pt := range found {
		for _, school := range byPC[pc] {
			places[school] = pt
		}
	}
	slog.InfoContext(ctx, "places from postcodes", "wanted", len(want), "found", len(found))
	return s.Tx(func(tx *store.Store) error { return tx.SetPlaces(places, sdk.Now(ctx)) })
}

// DayReminders mails the people booked on a day starting within a week,
// and the host's headteachers, once.
func DayReminders(ctx context.Context, _ []byte) error {
	s := st(ctx)
	today := sdk.Today(ctx)
	from, to := today.Format(time.DateOnly), today.AddDate(0, 0, dayRemindIn).Format(time.DateOnly)
	ds, err := s.Days(store.DayQuery{From: from, To: to + "~"})
	if err != nil {
		return err
	}
	var out []outgoing
	var hosts []uint64
	for _, d := range ds {
		if d.SchoolID != 0 {
			hosts = append(hosts, d.SchoolID)
		}
	}
	heads, err := headsOf(ctx, hosts)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Cancelled || d.Date <= from {
			continue
		}
		bs, err := s.Bookings(d.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, b := range bs {
			if b.State != booking.Booked {
				continue
			}
			n++
			for _, p := range b.People() {
				out = append(out, outgoing{sdk.Mail{PersonID: p, Subject: "Reminder: " + d.Title + " on " + longDay(d.Date),
					Body: fmt.Sprintf("You are booked on %s, %s, on %s.\n\n%s", store.DayLabel(d.Kind), d.Title, longDay(d.Date), d.Description)}, sentDayRem, d.ID})
			}
		}
		for _, h := range heads[d.SchoolID] {
			out = append(out, outgoing{sdk.Mail{PersonID: h, Subject: "Your school hosts " + d.Title + " on " + longDay(d.Date),
				Body: fmt.Sprintf("%d %s booked on the day you host. The page of the day lists them, and takes attendance on the day.", n, map[bool]string{true: "booking is", false: "bookings are"}[n == 1])}, sentDayRem, d.ID})
		}
	}
	_, err = send(ctx, s, out)
	return err
}

// DayFeedback asks each person booked on a day held in the last fortnight
// to rate it, once, unless they have.
func DayFeedback(ctx context.Context, _ []byte) error {
	s := st(ctx)
	today := sdk.Today(ctx)
	from := today.AddDate(0, 0, -rateAfterMax).Format(time.DateOnly)
	ds, err := s.Days(store.DayQuery{From: from, To: today.Format(time.DateOnly) + "~"})
	if err != nil {
		return err
	}
	var out []outgoing
	for _, d := range ds {
		if d.Cancelled {
			continue
		}
		bs, err := s.Bookings(d.ID)
		if err != nil {
			return err
		}
		rs, err := s.Ratings(d.ID)
		if err != nil {
			return err
		}
		rated := map[uint64]bool{}
		for _, r := range rs {
			rated[r.PersonID] = true
		}
		for _, b := range bs {
			if b.State != booking.Booked {
				continue
			}
			for _, p := range b.People() {
				if !rated[p] {
					out = append(out, outgoing{sdk.Mail{PersonID: p, Subject: "How was " + d.Title + "?",
						Body: fmt.Sprintf("Thank you for coming to %s on %s. Rate the day from 1 to 10 on its page in the Network of Excellence: your rating helps schools choose their days.", d.Title, longDay(d.Date))}, sentDayRate, d.ID})
				}
			}
		}
	}
	_, err = send(ctx, s, out)
	return err
}

func longDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Mon 2 Jan 2006")
}
