package web

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

func escape(s string) string { return template.HTMLEscapeString(s) }

// termBox is one checkbox of a taxonomy term in a form.
type termBox struct {
	ID, Value, Label string
	Checked          bool
}

// termBoxes are the taxonomy's terms as checkboxes, those in chosen ticked.
func termBoxes(prefix string, terms []store.Term, chosen []string) []termBox {
	on := map[string]bool{}
	for _, c := range chosen {
		on[c] = true
	}
	out := make([]termBox, len(terms))
	for i, t := range terms {
		v := fmt.Sprint(t.ID)
		out[i] = termBox{ID: fmt.Sprintf("%s-%d", prefix, t.ID), Value: v, Label: t.Label, Checked: on[v]}
	}
	return out
}

type hostView struct {
	common
	Header    ui.Header
	Days      ui.Table
	Fields    []ui.Field
	Terms     []termBox
	TermError string
	Errors    ui.Errors
	Action    string
}

func loadHost(r *http.Request) (*hostView, error) {
	school, err := id(r, "school")
	if err != nil {
		return nil, err
	}
	s := st(r)
	if err := s.SeedTerms(now(r)); err != nil {
		return nil, err
	}
	names, err := sdk.HostFrom(r.Context()).SchoolNames(r.Context(), school)
	if err != nil {
		return nil, err
	}
	ds, err := s.Days(store.DayQuery{Kind: store.KindLDD, SchoolID: school})
	if err != nil {
		return nil, err
	}
	terms, err := s.Terms()
	if err != nil {
		return nil, err
	}
	v := &hostView{common: commonOf(r), Action: sdk.URL(r, path("hosts", school, "days")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Days on offer", Href: sdk.URL(r, "/days")}), Title: "Days hosted by " + names[school],
			Lead: "Offer a Leadership Development Day: 3 to 6 pairs of leaders from other schools see your expertise at work."}}
	v.Days = daysTable(r, "Days you host", ds, "No day offered yet.")
	v.Fields = []ui.Field{
		{Kind: ui.Date, Name: "date", Label: "Date", Required: true, Width: "short"},
		{Kind: ui.Text, Name: "title", Label: "Topic", Required: true},
		{Kind: ui.Textarea, Name: "description", Label: "What visitors will see", Required: true, Rows: 4},
		{Kind: ui.Number, Name: "capacity", Label: "Pairs of leaders", Hint: "From 3 to 6 pairs.", Value: "4", Min: "3", Max: "6", Required: true, Width: "short"},
		{Kind: ui.Text, Name: "price", Label: "Price per pair (£)", Value: "300", Width: "short"},
		{Kind: ui.Text, Name: "member_price", Label: "Members' price per pair (£)", Hint: "The price less the members' discount.", Value: "250", Width: "short"},
		{Kind: ui.Date, Name: "closes_on", Label: "Booking closes on", Hint: "Leave empty to close the day before.", Width: "short"},
	}
	v.Terms = termBoxes("term", terms, nil)
	return v, nil
}

func hostPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadHost(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "host", v)
}

func offerDay(w http.ResponseWriter, r *http.Request) error {
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	in := store.DayInput{Date: r.PostFormValue("date"), ClosesOn: r.PostFormValue("closes_on"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Capacity: r.PostFormValue("capacity"), Price: r.PostFormValue("price"),
		MemberPrice: r.PostFormValue("member_price"), Terms: r.PostForm["terms"]}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		d, err := tx.OfferDay(store.KindLDD, school, 0, in, userID(r), today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"day.offer", "day", d.ID, nil, d, path("days", d.ID), "Day offered: schools can book it from the Directory"}, nil
	})
	errs, ok := ui.ErrorsOf(err)
	if err == nil || !ok {
		return answer(err)
	}
	v, lerr := loadHost(r)
	if lerr != nil {
		return lerr
	}
	v.Errors, v.Fields = errs, ui.Bind(v.Fields, r.PostForm, errs)
	v.TermError = errs.For("terms")
	v.Terms = termBoxes("term", termsOf(r), r.PostForm["terms"])
	return renderStatus(w, r, http.StatusUnprocessableEntity, v.Header.Title, "host", v)
}

func termsOf(r *http.Request) []store.Term {
	ts, _ := st(r).Terms()
	return ts
}
