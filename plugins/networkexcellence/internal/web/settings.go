package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Settings of the plugin (the manifest declares them; a tenant admin sets
// them on the core's settings page).
const (
	SettingBands          = "team_bands"
	SettingReviewedWithin = "reviewed_within_years"
	SettingWeights        = "cost_weights"
	SettingReminderDays   = "reminder_days"
	SettingReportDueDays  = "report_due_days"
)

// Defaults of the settings.
const (
	DefaultReviewedWithin = 3
	DefaultReminderDays   = 7
	DefaultReportDueDays  = 14
)

// Config is the tenant's settings, read and checked.
type Config struct {
	Bands          []rules.Band
	ReviewedWithin int
	Weights        rules.Weights
	ReminderDays   int
	ReportDueDays  int
}

// settingLabels name the settings in messages.
var settingLabels = map[string]string{
	SettingBands: "Team sizes by pupils on roll", SettingReviewedWithin: "Years before a reviewer may review a school again",
	SettingWeights: "Allocation cost weights", SettingReminderDays: "Days before a review to remind the team and host",
	SettingReportDueDays: "Days after a review the report is due",
}

// LoadConfig reads the tenant's settings in one Host call. A malformed
// value is an error naming the setting and what is wrong.
func LoadConfig(ctx context.Context) (Config, error) {
	vals, err := sdk.HostFrom(ctx).Settings(ctx)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(vals)
}

// ParseConfig checks the settings' values (empty: the default).
func ParseConfig(vals map[string]string) (Config, error) {
	c := Config{}
	var err error
	bad := func(key string, e error) error {
		return &sdk.HTTPError{Status: http.StatusConflict, Message: fmt.Sprintf("The setting %q is not right: %s. A tenant admin corrects it on the settings page.",
			settingLabels[key], e.Error())}
	}
	or := func(key, def string) string {
		if v := strings.TrimSpace(vals[key]); v != "" {
			return v
		}
		return def
	}
	if c.Bands, err = rules.ParseBands(or(SettingBands, rules.DefaultBands)); err != nil {
		return c, bad(SettingBands, err)
	}
	if c.Weights, err = rules.ParseWeights(or(SettingWeights, rules.DefaultWeights)); err != nil {
		return c, bad(SettingWeights, err)
	}
	for _, x := range []struct {
		key      string
		def, max int
		dst      *int
	}{
		{SettingReviewedWithin, DefaultReviewedWithin, 10, &c.ReviewedWithin},
		{SettingReminderDays, DefaultReminderDays, 60, &c.ReminderDays},
		{SettingReportDueDays, DefaultReportDueDays, 120, &c.ReportDueDays},
	} {
		n, err := strconv.Atoi(or(x.key, strconv.Itoa(x.def)))
		if err != nil || n < 0 || n > x.max {
			return c, bad(x.key, fmt.Errorf("write a whole number from 0 to %d", x.max))
		}
		*x.dst = n
	}
	return c, nil
}
