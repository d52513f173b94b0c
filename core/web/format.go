package web

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// How the pages show times and counts: dates the British way in
// Europe/London ("Sun 28 Sep 2025", with "14:05" for a moment), and counts
// that agree in number ("1 unit", "2 units").

// timeOf returns the time a template passed (time.Time or *time.Time) and
// whether there is one.
func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

// showDate is a date: "Sun 28 Sep 2025".
func showDate(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return ui.FormatDate(t)
}

// showDateTime is a moment: "Sun 28 Sep 2025 14:05", London time.
func showDateTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return ui.FormatDate(t) + " " + t.In(londonZone).Format("15:04")
}

var londonZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // unreachable: plugins/sdk/ui embeds time/tzdata
	}
	return loc
}()

// plural is "1 unit", "2 units"; plural form given when it is not noun+"s".
func plural(n any, noun string, pluralForm ...string) string {
	var k int64
	switch v := n.(type) {
	case int:
		k = int64(v)
	case int64:
		k = v
	case uint:
		k = int64(v)
	}
	if k == 1 {
		return "1 " + noun
	}
	p := noun + "s"
	if len(pluralForm) > 0 {
		p = pluralForm[0]
	}
	return fmt.Sprintf("%d %s", k, p)
}
