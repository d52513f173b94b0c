package store

import (
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestCaseStudies(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if c, err := s.CaseStudyOf(y.ID, 10); err != nil || c != nil || !c.Empty() {
			t.Fatalf("no case study yet: %+v, %v", c, err)
		}
		if _, err := s.SaveCaseStudy(y.ID, 10, strings.Repeat("x", 8001), "", "", 5); !isValidation(err, "challenge") {
			t.Fatalf("a challenge too long: %v", err)
		}
		if _, err := s.SaveCaseStudy(y.ID, 10, " Low attendance in Y4 ", "", "", 5); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveCaseStudy(y.ID, 10, "Low attendance in Y4", "Mentoring", "Gap closed by 6 months", 6); err != nil {
			t.Fatal(err)
		}
		c, err := s.CaseStudyOf(y.ID, 10)
		if err != nil || c.Challenge != "Low attendance in Y4" || c.Outcome != "Gap closed by 6 months" || c.UpdatedBy != 6 || c.Empty() {
			t.Fatalf("CaseStudyOf = %+v, %v", c, err)
		}
		var n int64
		db.Model(&CaseStudy{}).Count(&n)
		if n != 1 {
			t.Fatalf("two saves left %d rows", n)
		}
		if other, _ := New(db, 2).CaseStudyOf(y.ID, 10); other != nil {
			t.Fatalf("tenant 2 reads %+v", other)
		}
	})
}
