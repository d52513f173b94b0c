package pseudonym

import "testing"

func TestLabelsAreStable(t *testing.T) {
	schools := []uint64{12, 10, 11} // in the order they joined the cluster
	members := []Key{{10, 5}, {12, 7}, {10, 3}, {11, 9}, {10, 5}, {12, 8}, {99, 1}}
	l := Assign(schools, members)
	for _, tc := range []struct {
		school, pupil uint64
		want          string
	}{
		{12, 7, "A1"}, {12, 8, "A2"}, {10, 5, "B1"}, {10, 3, "B2"}, {11, 9, "C1"}, {99, 1, ""}, {10, 4, ""},
	} {
		if got := l.Of(tc.school, tc.pupil); got != tc.want {
			t.Errorf("school %d pupil %d: %q, want %q", tc.school, tc.pupil, got, tc.want)
		}
	}
	// A view of fewer schools, or a pupil taken out, renumbers nobody: the
	// labels come from the whole cluster's order, not the view's.
	if again := Assign(schools, members[:4]); again.Of(10, 3) != "B2" || again.Of(11, 9) != "C1" {
		t.Errorf("labels moved: %v", again)
	}
	if l.SchoolLetter(11) != "C" || l.SchoolLetter(99) != "" {
		t.Errorf("letters: %q %q", l.SchoolLetter(11), l.SchoolLetter(99))
	}
}

func TestLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA"} {
		if got := Letter(i); got != want {
			t.Errorf("Letter(%d) = %q, want %q", i, got, want)
		}
	}
}
