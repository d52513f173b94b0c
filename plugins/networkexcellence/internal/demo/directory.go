package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// The School Support Directory's demo, as in 2017-18: Areas of Excellence
// for about 300 schools (304 then), tagged; 26 host schools offering
// Leadership Development Days through last year and this, with bookings
// and ratings; each school's profile (region, Ofsted grade, its place);
// each hub's priorities as taxonomy terms.
const (
	demoAoEs  = 304
	demoHosts = 26
	// demoPeopleKind marks the demo's visiting leaders without an account (DemoPerson).
	demoPeopleKind = 3
)

// aoeTitles are the demo's Areas of Excellence by taxonomy term.
var aoeTitles = map[string][]string{
	"oracy":             {"Talk for learning in every classroom", "Oracy across the curriculum", "Structured talk and debate"},
	"maths":             {"Maths mastery in mixed-attainment classes", "Reasoning and problem solving in maths"},
	"assessment":        {"Assessment without levels", "Responsive teaching and feedback"},
	"curriculum_design": {"A knowledge-rich curriculum", "Curriculum sequencing in the foundation subjects"},
	"literacy":          {"Reading for pleasure", "Disciplinary literacy across subjects"},
	"reading":           {"Systematic synthetic phonics", "Early reading catch-up"},
	"send":              {"Inclusion of pupils with SEND in mainstream classes", "Adaptive teaching for SEND"},
	"middle_leadership": {"Developing middle leaders", "Subject leadership in primary"},
	"disadvantaged":     {"Closing the disadvantage gap", "Pupil premium strategy that works"},
	"behaviour":         {"A calm and purposeful culture", "Restorative behaviour practice"},
	"eal":               {"Supporting pupils new to English"},
	"wellbeing":         {"Staff wellbeing and workload"},
	"early_years":       {"Early years communication and language"},
	"science":           {"Practical science and enquiry"},
}

var aoeKeys = []string{"oracy", "maths", "assessment", "curriculum_design", "literacy", "reading", "send", "middle_leadership",
	"disadvantaged", "behaviour", "eal", "wellbeing", "early_years", "science"}

// regionOf is a plausible region of England for a point.
func regionOf(lat, lon float64) string {
	switch {
	case lat > 51.28 && lat < 51.7 && lon > -0.52 && lon < 0.34:
		return "London"
	case lat < 51.2 && lon < -2.0, lat < 51.6 && lon < -2.4:
		return "South West"
	case lat < 51.9 && lon > 0.3, lat >= 51.9 && lat < 53.0 && lon > 0.0:
		return "East of England"
	case lat < 51.9:
		return "South East"
	case lat < 52.9 && lon < -1.6:
		return "West Midlands"
	case lat < 53.5 && lon >= -1.6:
		return "East Midlands"
	case lon < -2.0:
		return "North West"
	case lat < 54.4:
		return "Yorkshire and the Humber"
	}
	return "North East"
}

var ofstedOf = map[pluginv1.OfstedGrade]string{
	pluginv1.OfstedGrade_OFSTED_GRADE_OUTSTANDING: "outstanding", pluginv1.OfstedGrade_OFSTED_GRADE_GOOD: "good",
	pluginv1.OfstedGrade_OFSTED_GRADE_REQUIRES_IMPROVEMENT: "requires_improvement", pluginv1.OfstedGrade_OFSTED_GRADE_INADEQUATE: "inadequate",
}

var visitorGiven = []string{"Amira", "Ben", "Cara", "Dev", "Ella", "Femi", "Grace", "Harun", "Isla", "Jonah", "Kemi", "Luca", "Maya", "Nia", "Owen", "Priya"}
var visitorFamily = []string{"Ashworth", "Bello", "Clarke", "Dhillon", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Kaur", "Lowe", "Mensah", "Nolan"}

// directory builds the Directory's demo data for last year and this.
func (b *builder) directory(prevY, curY *store.Year, coords map[uint64][2]float64) error {
	s := b.s
	if err := s.SeedTerms(b.now); err != nil {
		return err
	}
	terms, err := s.Terms()
	if err != nil {
		return err
	}
	termID := map[string]uint64{}
	for _, t := range terms {
		termID[t.Key] = t.ID
	}
	// Profiles: region, Ofsted grade, the place.
	ofsted := map[uint64]string{}
	for _, sc := range b.net.Schools {
		ofsted[sc.GetId()] = ofstedOf[sc.GetOfstedGrade()]
	}
	var profiles []store.Profile
	for _, m := range b.members {
		c := coords[m.SchoolID]
		lat, lon := c[0], c[1]
		profiles = append(profiles, store.Profile{SchoolID: m.SchoolID, Region: regionOf(lat, lon), Ofsted: ofsted[m.SchoolID],
			Town: strings.TrimSuffix(b.net.Hubs[m.HubID], " Hub"), Latitude: &lat, Longitude: &lon, UpdatedAt: b.now})
	}
	if err := s.InsertProfiles(profiles); err != nil {
		return err
	}
	// AoEs for 304 schools (all, if fewer), accredited over the last three years.
	order := b.rng.Perm(len(b.members))
	n := min(demoAoEs, len(b.members))
	withAoE := make([]store.Member, 0, n)
	for i := 0; i < n; i++ {
		m := b.members[order[i]]
		withAoE = append(withAoE, m)
		key := aoeKeys[b.rng.IntN(len(aoeKeys))]
		if i%5 == 0 {
			key = "oracy" // oracy is a strength the journey looks for
		}
		ts := []uint64{termID[key]}
		if b.rng.IntN(2) == 0 {
			other := aoeKeys[b.rng.IntN(len(aoeKeys))]
			if other != key {
				ts = append(ts, termID[other])
			}
		}
		on := b.today.AddDate(0, -b.rng.IntN(34)-1, -b.rng.IntN(28))
		title := b.pick(aoeTitles[key])
		a := &store.AoE{SchoolID: m.SchoolID, Title: title, Description: fmt.Sprintf("%s at %s, seen by its QA Review team and accredited by the central team.", title, m.Name),
			Evidence: "The QA Review's report and a follow-up visit by the central team.", State: store.AoEAccredited,
			AccreditedOn: on.Format(time.DateOnly), ReviewDue: on.AddDate(3, 0, 0).Format(time.DateOnly), CreatedAt: b.now, UpdatedAt: b.now}
		if err := s.InsertAoE(a, ts); err != nil {
			return err
		}
	}
	b.summary["aoes"] = n
	// Hub priorities: two or three terms each.
	var needs []store.HubNeed
	for hub := range b.net.Hubs {
		for _, k := range []string{aoeKeys[b.rng.IntN(len(aoeKeys))], aoeKeys[b.rng.IntN(len(aoeKeys))], "oracy"}[b.rng.IntN(2):] {
			needs = append(needs, store.HubNeed{HubID: hub, TermID: termID[k]})
		}
	}
	if err := s.InsertHubNeeds(needs); err != nil {
		return err
	}
	if err := b.ldds(prevY, curY, withAoE, termID); err != nil {
		return err
	}
	return b.meetings(curY)
}

// meetings gives every hub a meeting three weeks ago, with its notes, and
// its next one in about ten days: the hub manager's home page shows it as
// a to-do. No random draw, so the rest of the demo stays as it was.
func (b *builder) meetings(curY *store.Year) error {
	hubs := make([]uint64, 0, len(b.net.Hubs))
	for id := range b.net.Hubs {
		hubs = append(hubs, id)
	}
	slices.Sort(hubs)
	weekday := func(d time.Time) string {
		switch d.Weekday() {
		case time.Saturday:
			d = d.AddDate(0, 0, 2)
		case time.Sunday:
			d = d.AddDate(0, 0, 1)
		}
		return d.Format(time.DateOnly)
	}
	past, next := weekday(b.today.AddDate(0, 0, -21)), weekday(b.today.AddDate(0, 0, 10))
	for _, hub := range hubs {
		for _, m := range []store.Day{
			{Date: past, Title: "Review weeks and reciprocity", Notes: "Agreed the review weeks; two schools offered to host Leadership Development Days."},
			{Date: next, Title: "The Hub Action Plan's priorities"},
		} {
			if m.Date < curY.StartsOn || m.Date > curY.EndsOn {
				continue
			}
			day := &store.Day{Kind: store.KindMeeting, HubID: hub, Date: m.Date, Title: m.Title, Notes: m.Notes, Capacity: 30,
				Description: "The hub's heads and leaders: the term's reviews, the plan's priorities and who can help whom.", CreatedAt: b.now, UpdatedAt: b.now}
			if err := b.s.InsertDay(day, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// ldds: 26 host schools (with an AoE; never the demo headteacher's, who
// books) each host a day last year and two this year, one before today and
// one after; past days are booked and rated, future ones partly booked.
func (b *builder) ldds(prevY, curY *store.Year, withAoE []store.Member, termID map[string]uint64) error {
	s := b.s
	aoes, err := s.AccreditedAoEs()
	if err != nil {
		return err
	}
	firstTerm := map[uint64]store.Term{}
	for _, a := range aoes {
		if _, ok := firstTerm[a.SchoolID]; !ok && len(a.Terms) > 0 {
			firstTerm[a.SchoolID] = a.Terms[0]
		}
	}
	var hosts []store.Member
	for _, m := range withAoE {
		if len(hosts) == demoHosts {
			break
		}
		if m.SchoolID != b.people.hostHead {
			hosts = append(hosts, m)
		}
	}
	// The demo headteacher's hub: the journey books a day outside it.
	hostHub := uint64(0)
	for _, m := range b.members {
		if m.SchoolID == b.people.hostHead {
			hostHub = m.HubID
		}
	}
	visitor := uint64(0)
	nextVisitor := func() (uint64, string) {
		visitor++
		return DemoPerson(demoPeopleKind, visitor), b.pick(visitorGiven) + " " + b.pick(visitorFamily)
	}
	today := b.today.Format(time.DateOnly)
	// The demo head's day is within the fortnight an attendee rates a day in.
	rateFrom := b.today.AddDate(0, 0, -14).Format(time.DateOnly)
	pairs, days, headBooked := 0, 0, false
	for i, h := range hosts {
		t := firstTerm[h.SchoolID]
		dates := []time.Time{
			b.today.AddDate(-1, 0, 14+7*i),     // last year
			b.today.AddDate(0, 0, -7*(i%8)-10), // this year, before today
			b.today.AddDate(0, 0, 10+7*(i%20)), // this year, after today
		}
		for j, d := range dates {
			ds := d.Format(time.DateOnly)
			if ds < prevY.StartsOn || ds > curY.EndsOn {
				continue
			}
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				d = d.AddDate(0, 0, 2)
				ds = d.Format(time.DateOnly)
			}
			capacity := 3 + (i+j)%4
			day := &store.Day{Kind: store.KindLDD, SchoolID: h.SchoolID, Date: ds, Title: dayTitle(t.Label, i),
				Description: "Visits to lessons, conversations with pupils and the leaders who built it, and time to plan what your school will do next.",
				Capacity:    capacity, PricePence: 30000, MemberPence: 25000, CreatedBy: 0, CreatedAt: b.now, UpdatedAt: b.now}
			if err := s.InsertDay(day, []uint64{t.ID}); err != nil {
				return err
			}
			days++
			// Bookings from schools of other hubs: full in the past, half in the future
			// (an oracy day outside the demo head's hub keeps places for the journey).
			booked := capacity
			if ds > today {
				booked = capacity / 2
				if h.HubID == hostHub {
					booked = capacity
				}
			}
			var bs []store.Booking
			var rs []store.Rating
			var visitors []store.Member // schools of other hubs (none in a one-hub network)
			for _, m := range b.members {
				if m.HubID != h.HubID && m.SchoolID != b.people.hostHead {
					visitors = append(visitors, m)
				}
			}
			if len(visitors) == 0 {
				booked = 0
			}
			for k := 0; k < booked; k++ {
				school := visitors[b.rng.IntN(len(visitors))]
				p1, n1 := nextVisitor()
				p2, n2 := nextVisitor()
				past := ds <= today
				bs = append(bs, store.Booking{DayID: day.ID, SchoolID: school.SchoolID, Person1: p1, Person2: p2, Name1: n1, Name2: n2,
					State: booking.Booked, Position: k + 1, Attended1: past, Attended2: past, PricePence: 25000, CreatedAt: b.now})
				if past {
					pairs++
					for _, p := range []uint64{p1, p2} {
						if b.rng.IntN(10) < 8 { // most attendees rate the day
							rs = append(rs, store.Rating{DayID: day.ID, PersonID: p, Score: demoScore(b.rng.IntN(20)), CreatedAt: b.now})
						}
					}
				}
			}
			// The demo headteacher and a colleague went to one day this year, outside
			// her hub, in the last fortnight, and have not rated it yet: the journey
			// rates it (her home page asks her to).
			if head := b.people.heads[b.people.hostHead]; !headBooked && head != 0 && h.HubID != hostHub &&
				ds >= curY.StartsOn && ds >= rateFrom && ds < today && len(bs) > 0 {
				headBooked = true
				old := bs[len(bs)-1]
				colleagueID, colleague := nextVisitor()
				bs[len(bs)-1] = store.Booking{DayID: day.ID, SchoolID: b.people.hostHead, Person1: head, Person2: colleagueID, Name1: b.people.names[head],
					Name2: colleague, State: booking.Booked, Position: len(bs), Attended1: true, Attended2: true, PricePence: 25000, CreatedAt: b.now}
				keep := rs[:0]
				for _, r := range rs {
					if r.PersonID != old.Person1 && r.PersonID != old.Person2 {
						keep = append(keep, r)
					}
				}
				rs = keep
			}
			if err := s.InsertBookings(bs); err != nil {
				return err
			}
			if err := s.InsertRatings(rs); err != nil {
				return err
			}
		}
	}
	b.summary["ldds"], b.summary["pairs held"] = days, pairs
	return nil
}

// demoScore gives ratings averaging about 9.1 out of 10.
func demoScore(r int) int {
	switch {
	case r < 7:
		return 10
	case r < 17:
		return 9
	case r < 19:
		return 8
	}
	return 7
}

func dayTitle(term string, i int) string {
	forms := []string{"%s in practice", "Seeing %s at work", "%s: from plan to classroom"}
	return fmt.Sprintf(forms[i%len(forms)], term)
}
