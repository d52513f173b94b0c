package booking

import "time"

func timeDate(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
