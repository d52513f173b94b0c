package sdk

import (
	"context"
	"sync"
	"time"
	_ "time/tzdata" // Europe/London without depending on the host's zoneinfo
)

// Now returns the time of the request, job or event ctx belongs to, in UTC.
// It is the real clock, unless a test host set the call's clock
// (Actor.clock_unix_micro; plugintest's Harness.SetClock), in which case it
// is that instant for the whole call. Outside a call it is the real clock.
//
// Read the time through Now, never time.Now, in handlers, jobs and event
// handlers, so that a test can move the plugin to "the date has passed".
func Now(ctx context.Context) time.Time {
	if us := ActorFrom(ctx).GetClockUnixMicro(); us != 0 {
		return time.UnixMicro(us).UTC()
	}
	return time.Now().UTC()
}

// london is Europe/London, loaded once from the embedded time zone database.
var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("sdk: load Europe/London from the embedded time zone database: " + err.Error())
	}
	return loc
})

// London returns the Europe/London time zone: schools' dates and the times
// shown to people are London's (t.In(sdk.London())).
func London() *time.Location { return london() }

// Today returns the date a person in England sees on the call's clock (Now
// in Europe/London), as midnight at the start of that day in London. Compare
// it with a due date held as a London date: a day is past when
// due.Before(Today(ctx)).
func Today(ctx context.Context) time.Time {
	y, m, d := Now(ctx).In(London()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, London())
}
