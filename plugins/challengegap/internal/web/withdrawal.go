package web

import (
	"net/http"
	"strings"
)

// withdrawForm offers the cluster's leads to mark a school that left after
// its baseline as withdrawn.
func withdrawForm(base, school, year string) editForm {
	return editForm{ID: "withdraw", Heading: "The school has left: mark it as withdrawn",
		Note: school + " stays in the history of " + year + " (its team, cohort, snapshots and trials), shown as withdrawn; " +
			"from the date it left it counts in none of the cluster's figures, and its own figures stop at its last snapshot before that date.",
		Action: base + "/withdraw", Submit: "Mark " + school + " as withdrawn",
		Fields: []editField{{Name: "withdrawn_on", Label: "Date the school left", Type: "date", Required: true},
			{Name: "reason", Label: "Reason", Type: "textarea", Max: 1000, Required: true}}}
}

// withdrawSchool marks a school that left after its baseline as withdrawn
// (the cluster's leads); audited with the reason.
func withdrawSchool(w http.ResponseWriter, r *http.Request) error {
	pc, err := loadPlace(r)
	if err != nil {
		return err
	}
	p, err := pc.s.WithdrawSchool(pc.cluster.ID, pc.place.SchoolID, strings.TrimSpace(r.PostFormValue("withdrawn_on")), r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	if err := audit(r, "participant.withdraw", "participant", p.ID, pc.place, p); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(pc.cluster.ID))
}
