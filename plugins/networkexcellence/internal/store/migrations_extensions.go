package store

import (
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// extensionMigrations are the steps for the extension points' queries
// (school panels, to-dos, figures; issue 18). They are numbered after the
// highest released step (53), whichever part's range that falls in: the
// SDK applies only the steps above the storage's highest version, so a
// step numbered in the QA Review part's range would never run on storage
// already at 53.
var extensionMigrations = []sdk.Migration{
	{Version: 54, Name: "indexes for the home page's panels, to-dos and figures", Up: migrate54},
}

// extensionIndexes are the indexes the extension points' queries look
// rows up by; without them each query read the whole table of the tenant.
var extensionIndexes = []struct{ name, table, cols string }{
	// the seats of reviews with what reciprocity counts, read from the index alone
	{"ix_seats_review_cover", "seats", "tenant_id, review_id, withdrawn, seat, reviewer_id"},
	// who attended which training, from the index alone (reviewers trained)
	{"ix_attendance_training_cover", "attendance", "tenant_id, training_id, attended, reviewer_id"},
	// the scores of reviews' feedback, from the index alone
	{"ix_feedback_review_scores", "feedback", "tenant_id, review_id, overall, cpd"},
	// a school's reviews of every year, by date (the panel's last review)
	{"ix_reviews_school_date", "reviews", "tenant_id, school_id, starts_on"},
	// a school's memberships of every year (naming the school of a past review)
	{"ix_members_school_year", "members", "tenant_id, school_id, year_id"},
	// the reviews a person gave feedback on (to-dos: feedback owed)
	{"ix_feedback_person", "feedback", "tenant_id, person_id"},
	// the days a person is booked on (to-dos: days to rate); either of the pair
	{"ix_bookings_person1", "bookings", "tenant_id, person1"},
	{"ix_bookings_person2", "bookings", "tenant_id, person2"},
	// Areas of Excellence by state (put forward to decide, accredited in a year)
	{"ix_aoes_state", "aoes", "tenant_id, state, accredited_on"},
	// report items put forward as Areas of Excellence (to decide)
	{"ix_report_items_put_forward", "report_items", "tenant_id, kind, put_forward, report_id"},
}

func migrate54(tx *gorm.DB) error {
	for _, ix := range extensionIndexes {
		if err := tx.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.cols + ")").Error; err != nil {
			return fmt.Errorf("create index %s on %s: %w", ix.name, ix.table, err)
		}
	}
	return nil
}
