package sdk

import (
	"testing"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestNowIsTheCallsClockOrTheRealOne(t *testing.T) {
	s, _ := testServer(t, &Plugin{})
	call := func(clock int64) (now, today time.Time) {
		t.Helper()
		st, err := s.state(&pluginv1.Actor{TenantId: 1, UserId: 100, ClockUnixMicro: clock})
		if err != nil {
			t.Fatal(err)
		}
		ctx := withState(t.Context(), st)
		return Now(ctx), Today(ctx)
	}

	// Unset: the real clock, in UTC, outside a call too.
	before := time.Now()
	now, today := call(0)
	after := time.Now()
	if now.Before(before.Truncate(time.Microsecond)) || now.After(after) || now.Location() != time.UTC {
		t.Errorf("unset clock: %v, not between %v and %v in UTC", now, before, after)
	}
	if y, m, d := after.In(London()).Date(); !today.Equal(time.Date(y, m, d, 0, 0, 0, 0, London())) {
		t.Errorf("Today = %v on the real clock", today)
	}
	if got := Now(t.Context()); got.Before(before) || got.Location() != time.UTC {
		t.Errorf("outside a call: %v", got)
	}

	// Set: that instant. 23:30 UTC on 31 Mar 2025 is already 1 Apr in
	// London (BST), and 23:30 UTC on 1 Jan is still 1 Jan (GMT).
	cases := []struct {
		clock time.Time
		today string
	}{
		{time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC), "Tue 1 Apr 2025"},
		{time.Date(2025, 3, 31, 22, 59, 59, 0, time.UTC), "Mon 31 Mar 2025"},
		{time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC), "Thu 1 Jan 2026"},
	}
	for _, c := range cases {
		now, today := call(c.clock.UnixMicro())
		if !now.Equal(c.clock) || now.Location() != time.UTC {
			t.Errorf("clock %v: Now = %v", c.clock, now)
		}
		if got := today.Format("Mon 2 Jan 2006"); got != c.today || today.Location() != London() || today.Hour() != 0 {
			t.Errorf("clock %v: Today = %v (%s), want %s at midnight in London", c.clock, today, got, c.today)
		}
	}
	// It moves between calls.
	a, _ := call(cases[0].clock.UnixMicro())
	b, _ := call(cases[0].clock.Add(36 * time.Hour).UnixMicro())
	if b.Sub(a) != 36*time.Hour {
		t.Errorf("moved clock: %v then %v", a, b)
	}
}
