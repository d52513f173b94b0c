package web

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// TestBuildBoard counts a small year by hand: three reviews in two weeks
// (one cancelled), one seat empty, one report overdue, feedback 5, 4 and 5
// overall (4.7/5) with the host heads' 9 and 10 (9.5/10), and reciprocity
// met by one of the two schools that hosted: school 10 received 2
// reviewer days and gave 2; school 11 received 4 and gave 2.
func TestBuildBoard(t *testing.T) {
	d := boardData{
		Year:  store.Year{Label: "2025-26"},
		Weeks: []store.SchoolWeek{{Week: 1, StartsOn: "2025-09-01", Term: 1}, {Week: 2, StartsOn: "2025-09-08", Term: 1}},
		Reviews: []store.Review{
			{ID: 1, SchoolID: 10, Week: 1, StartsOn: "2025-09-02", Days: 2, TeamSize: 2, NeedsLead: true},
			{ID: 2, SchoolID: 11, Week: 2, StartsOn: "2025-09-09", Days: 2, TeamSize: 2, NeedsLead: true},
			{ID: 3, SchoolID: 12, Week: 2, StartsOn: "2025-09-09", Days: 2, TeamSize: 1, Cancelled: true},
		},
		Seats: []store.Seat{
			{ReviewID: 1, ReviewerID: 100, Seat: store.LeadSeat}, {ReviewID: 1, ReviewerID: 101, Seat: store.TeamSeat},
			{ReviewID: 2, ReviewerID: 100, Seat: store.LeadSeat}, {ReviewID: 2, ReviewerID: 102, Seat: store.TeamSeat},
			{ReviewID: 2, ReviewerID: 103, Seat: store.TeamSeat},
		},
		Reviewers: map[uint64]store.Reviewer{100: {Name: "Lena Lead"}, 101: {SchoolID: 11}, 102: {SchoolID: 10}, 103: {SchoolID: 13}},
		Reports:   map[uint64]store.Report{1: {State: rules.Published}},
		Feedback: []store.Feedback{{Role: store.FromHost, Overall: 5, CPD: 9}, {Role: store.FromTeam, Overall: 4, CPD: 6},
			{Role: store.FromHost, Overall: 5, CPD: 10}},
		Names: map[uint64]string{11: "Birch"}, Hubs: map[uint64]string{}, Members: 3,
		Today: "2025-10-01", DueDays: 14,
	}
	b := buildBoard(d)
	if len(b.Weeks) != 2 || b.Weeks[0].Reviews != 1 || b.Weeks[0].Pub != 1 || b.Weeks[0].Unfilled != 1 || b.Weeks[1].Reviews != 1 ||
		b.Weeks[1].Unfilled != 0 || b.Weeks[1].NotStarted != 1 {
		t.Fatalf("weeks %+v", b.Weeks)
	}
	// Review 2 ended Wed 10 Sep: due Wed 24 Sep, 7 days overdue on 1 Oct.
	if len(b.Overdue) != 1 || b.Overdue[0].School != "Birch" || b.Overdue[0].Due != "2025-09-24" || b.Overdue[0].Overdue != 7 || b.Overdue[0].Lead != "Lena Lead" {
		t.Fatalf("overdue %+v", b.Overdue)
	}
	got := map[string]string{}
	for _, s := range b.Stats {
		got[s.Label] = s.Value
	}
	for label, want := range map[string]string{"Seats filled": "5 of 6", "Seats unfilled": "1", "Reports overdue": "1",
		"Overall experience (host heads and reviewers)": "4.7/5", "Value as professional development, from host heads": "9.5/10",
		"Schools that gave as many reviewer days as they received": "50%", "Reviews scheduled": "2"} {
		if got[label] != want {
			t.Errorf("%s = %q, want %q", label, got[label], want)
		}
	}
}

func TestGroupByThemePutsSchoolsSideBySide(t *testing.T) {
	schools := []store.Member{{SchoolID: 1, Name: "Alder"}, {SchoolID: 2, Name: "Birch"}, {SchoolID: 3, Name: "Cedar"}}
	reports := map[uint64]store.Report{1: {ID: 10, ReviewID: 100}, 2: {ID: 20, ReviewID: 200}}
	items := map[uint64][]store.ReportItem{
		10: {{Kind: rules.WWW, Theme: "literacy", Text: "Phonics"}, {Kind: rules.EBI, Theme: "assessment", Text: "Maths checks"}},
		20: {{Kind: rules.EBI, Theme: "assessment", Text: "Feedback"}, {Kind: rules.AoE, Theme: "literacy", Text: "Reading"}},
	}
	gs := groupByTheme(schools, reports, items, func(id uint64) string { return "/reviews/" + string(rune('0'+id/100)) })
	if len(gs) != 2 || gs[0].Theme != "Assessment and feedback" || gs[1].Theme != "Reading and literacy" {
		t.Fatalf("themes %+v", gs)
	}
	if gs[0].EBIs != 2 || gs[0].SchoolsWithEBI != 2 || len(gs[0].Rows) != 2 || gs[1].Strengths != 2 ||
		strings.Join(gs[1].Rows[1].WWW, "") != "Reading" {
		t.Fatalf("groups %+v", gs)
	}
}
