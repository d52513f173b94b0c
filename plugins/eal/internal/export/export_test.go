package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

func input(dsa []string) Input {
	grade := 6
	return Input{
		Trial:   store.Trial{ID: 3, Name: "T", RegistrationID: "R", Secret: bytes.Repeat([]byte{7}, 32)},
		Version: 1, At: time.Date(2018, 9, 3, 9, 0, 0, 0, time.UTC), DSA: dsa,
		Centres: []store.Centre{{ID: 1, Code: "C01", Name: "North Delivery Centre"}},
		Schools: []store.TrialSchool{{ID: 1, SchoolID: 40, CentreID: 1, Code: "S001", Phase: "Secondary", WithdrawnNote: "the head left"}},
		Pupils: []store.TrialPupil{{ID: 1, TrialSchoolID: 1, PupilID: 500, YearGroup: 9, Gender: "F", GCSEEnglish: &grade},
			{ID: 2, TrialSchoolID: 1, PupilID: 501, YearGroup: 9, Gender: "M", ObjectedOn: "2018-01-01"}},
	}
}

// TestTheExportHoldsOnlyWhatTheAgreementLists: the key columns always,
// an optional column only when listed; a pupil who objected never; the
// same input gives the same bytes.
func TestTheExportHoldsOnlyWhatTheAgreementLists(t *testing.T) {
	zipped, err := Build(input(nil))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files(zipped)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Pseudonymiser(input(nil).Trial)
	header := func(name string) string { return strings.SplitN(string(files[name]), "\n", 2)[0] }
	if header("schools.csv") != "school,centre" || header("pupils.csv") != "pupil,school" {
		t.Fatalf("with no optional column listed: %q, %q", header("schools.csv"), header("pupils.csv"))
	}
	if got := string(files["pupils.csv"]); got != "pupil,school\n"+p.Pseudonym("pupil", "500")+",S001\n" {
		t.Fatalf("pupils.csv (the objecting pupil left out, the other pseudonymised):\n%s", got)
	}
	zipped2, _ := Build(input([]string{"pupils.gcse_english", "schools.phase"}))
	files2, _ := Files(zipped2)
	if h := strings.SplitN(string(files2["pupils.csv"]), "\n", 2)[0]; h != "pupil,school,gcse_english" || !strings.Contains(string(files2["pupils.csv"]), ",S001,6") {
		t.Fatalf("pupils.csv with GCSE English listed:\n%s", files2["pupils.csv"])
	}
	if !strings.Contains(string(files2["schools.dictionary.md"]), "phase") || strings.Contains(string(files2["schools.dictionary.md"]), "eal_percent") {
		t.Fatalf("the dictionary lists other columns:\n%s", files2["schools.dictionary.md"])
	}
	for name, b := range files2 {
		if strings.Contains(string(b), "the head left") || strings.Contains(string(b), "North Delivery Centre") {
			t.Fatalf("%s holds a note or a centre's name", name)
		}
	}
	again, _ := Build(input([]string{"pupils.gcse_english", "schools.phase"}))
	if !bytes.Equal(again, zipped2) {
		t.Fatal("the same input gave other bytes")
	}
	if len(Known()) < 20 || Known()[0] != "schools.stratum" {
		t.Fatalf("known columns: %v", Known())
	}
}
