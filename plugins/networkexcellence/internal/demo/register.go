package demo

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

var givenNames = []string{"Aisha", "Ben", "Carys", "Dev", "Efua", "Finn", "Grace", "Harun", "Imogen", "Jamal", "Kate", "Liam",
	"Maryam", "Noah", "Olu", "Priya", "Quentin", "Rosa", "Sanjay", "Tess", "Usman", "Vera", "Will", "Xin", "Yara", "Zak"}

var familyNames = []string{"Adams", "Bello", "Clarke", "Dhillon", "Evans", "Fraser", "Gill", "Hughes", "Ibrahim", "Jensen", "Khan",
	"Lowe", "Mahmood", "Nolan", "Osei", "Pearce", "Qureshi", "Reid", "Shah", "Turner", "Upton", "Vaughan", "Wright", "Young"}

func (b *builder) name() string {
	return givenNames[b.rng.IntN(len(givenNames))] + " " + familyNames[b.rng.IntN(len(familyNames))]
}

// register builds the reviewer register: 40 Lead Reviewers (Ofsted-
// experienced, most from no member school, the demo Lead Reviewer one of
// them), two reviewers from each member school (its head, linked to the
// head's account where the demo has one, and a senior leader), the demo
// reviewer; some Advanced; 33 training sessions in the first half of
// trainYear that all but a few attended.
func (b *builder) register(trainYear int) error {
	var rs []store.Reviewer
	add := func(r store.Reviewer) {
		r.Active, r.CreatedAt, r.UpdatedAt = true, b.now, b.now
		if r.MaxReviews == 0 {
			r.MaxReviews = 2
		}
		rs = append(rs, r)
	}
	add(store.Reviewer{PersonID: b.people.lead, Name: "Grace Whitfield", Lead: true, OfstedExperienced: true, Advanced: true, MaxReviews: 12,
		AccreditedOn: fmt.Sprintf("%d-07-15", trainYear-2)})
	for i := 1; i < 40; i++ {
		school := uint64(0)
		if i%8 == 0 { // a few lead from a member school
			school = b.members[b.rng.IntN(len(b.members))].SchoolID
		}
		add(store.Reviewer{Name: b.name(), SchoolID: school, Lead: true, OfstedExperienced: true, Advanced: i%5 == 0, MaxReviews: 12,
			AccreditedOn: fmt.Sprintf("%d-07-%02d", trainYear-1-i%3, 1+i%28)})
	}
	if b.people.reviewer != 0 {
		add(store.Reviewer{PersonID: b.people.reviewer, Name: "Sam Patel", AccreditedOn: fmt.Sprintf("%d-07-10", trainYear-1)})
	}
	for _, m := range b.members {
		head := store.Reviewer{PersonID: b.people.heads[m.SchoolID], Name: b.name(), SchoolID: m.SchoolID, Advanced: b.rng.IntN(8) == 0}
		if b.rng.IntN(3) > 0 {
			head.AccreditedOn = fmt.Sprintf("%d-07-%02d", trainYear-b.rng.IntN(3), 1+b.rng.IntN(28))
		}
		if head.PersonID != 0 && m.SchoolID == b.people.hostHead {
			head.Name = "Ruth Adeyemi"
		}
		add(head)
		add(store.Reviewer{Name: b.name(), SchoolID: m.SchoolID, Advanced: b.rng.IntN(10) == 0})
	}
	if err := b.s.InsertReviewers(rs); err != nil {
		return err
	}
	b.reviewers = map[uint64]store.Reviewer{}
	for _, r := range rs {
		b.reviewers[r.ID] = r
	}
	b.leadID = rs[0].ID
	b.summary["reviewers"], b.summary["lead reviewers"] = len(rs), 40
	// 33 sessions: 25 for reviewers, 4 for Lead Reviewers, 4 coaching for Advanced Reviewers.
	var ts []store.Training
	for i := 0; i < 33; i++ {
		kind := store.TrainReviewer
		switch {
		case i >= 29:
			kind = store.TrainAdvanced
		case i >= 25:
			kind = store.TrainLead
		}
		held := time.Date(trainYear, time.January, 12, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*5)
		ts = append(ts, store.Training{HeldOn: held.Format(time.DateOnly), Kind: kind, Venue: venues[i%len(venues)], Capacity: 40, CreatedAt: b.now})
	}
	var as []store.Attendance
	booked := make([]int, len(ts))
	book := func(session int, r store.Reviewer, attended bool) {
		as = append(as, store.Attendance{TrainingID: uint64(session), ReviewerID: r.ID, Attended: attended})
		booked[session]++
	}
	n := 0
	for _, r := range rs {
		untrained := r.PersonID == 0 && !r.Lead && b.rng.IntN(40) == 0 // a few still to train
		switch {
		case r.Lead:
			book(25+n%4, r, true)
		default:
			book(n%25, r, !untrained)
		}
		if r.Advanced {
			book(29+n%4, r, true)
		}
		n++
	}
	return b.s.InsertTrainings(ts, as)
}

var venues = []string{"Challenge Partners, London", "Leeds", "Birmingham", "Bristol", "Nottingham", "Portsmouth", "Exeter", "Manchester"}
