package format

import (
	"math"
	"testing"
)

func TestRoundsForDisplay(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Number(93.39999999999999), "93.4"},
		{Number(30), "30"},
		{Number(-1.25), "-1.3"},
		{Number(-0.04), "0"},
		{Number(math.NaN()), "—"},
		{Signed(0.5999999999999943), "+0.6"},
		{Signed(-0.5999999999999943), "-0.6"},
		{Signed(0.04), "0"},
		{Signed(3), "+3"},
		{Entered(93.39999999999999), "93.4"},
		{Entered(93.45), "93.45"},
		{Entered(100), "100"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestFixedForReports(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Fixed(3), "3.0"}, {Fixed(93.39999999999999), "93.4"}, {Fixed(-0.01), "0.0"},
		{SignedFixed(4), "+4.0"}, {SignedFixed(-1.45), "-1.5"}, {SignedFixed(0.04), "0.0"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
