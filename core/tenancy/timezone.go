package tenancy

import (
	"context"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even where the system has no zoneinfo
)

// SettingTimezone is the tenant setting naming the tenant's time zone: an
// IANA name such as "Europe/London". Empty means DefaultTimezone. Plugin
// schedules fire in it (a manifest's "0 7 * * *" is 07:00 there, BST or GMT).
const SettingTimezone = "timezone"

// DefaultTimezone is the time zone of a tenant that sets none, and of the
// core's own schedules: the schools' own.
const DefaultTimezone = "Europe/London"

// ParseTimezone checks a value of the timezone setting and returns its
// location; "" is DefaultTimezone. "Local" is refused: it would mean the
// server's zone, not the schools'.
func ParseTimezone(v string) (*time.Location, error) {
	if v == "" {
		v = DefaultTimezone
	}
	if v == "Local" || strings.ContainsAny(v, " \t") {
		return nil, fmt.Errorf("%q is not an IANA time zone name such as Europe/London", v)
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone name such as Europe/London", v)
	}
	return loc, nil
}

// Timezones returns the time zone name of each of tenantIDs (DefaultTimezone
// for those that set none; one query). A stored value that no longer loads
// counts as DefaultTimezone.
func (s *Service) Timezones(ctx context.Context, tenantIDs []uint) (map[uint]string, error) {
	out := make(map[uint]string, len(tenantIDs))
	if len(tenantIDs) == 0 {
		return out, nil
	}
	for _, id := range tenantIDs {
		out[id] = DefaultTimezone
	}
	var rows []tenantSetting
	if err := s.core(ctx).Where("tenant_id IN ? AND key = ?", tenantIDs, SettingTimezone).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load time zones: %w", err)
	}
	for _, r := range rows {
		if loc, err := ParseTimezone(r.Value); err == nil {
			out[r.TenantID] = loc.String()
		}
	}
	return out, nil
}
