package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// settings reads the tenant's settings of the plugin (one Host call).
func settings(r *http.Request) (map[string]string, error) {
	s, err := sdk.HostFrom(r.Context()).Settings(r.Context())
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	return s, nil
}

// badSetting is the answer to a setting a tenant admin must correct.
func badSetting(err error) error {
	return &sdk.HTTPError{Status: http.StatusConflict, Message: "A setting of the EAL trial is wrong (" + err.Error() + "): an administrator corrects it on the tenant's settings page."}
}

// criteria are the eligibility rules of the settings.
func criteria(r *http.Request) (rules.Criteria, error) {
	s, err := settings(r)
	if err != nil {
		return rules.Criteria{}, err
	}
	c, err := rules.ParseCriteria(s[SettingPhases], s[SettingMinEAL], s[SettingExcludeOthers])
	if err != nil {
		return c, badSetting(err)
	}
	return c, nil
}

// stratification is the settings' stratifying factors.
func stratification(r *http.Request) (rules.Stratification, error) {
	s, err := settings(r)
	if err != nil {
		return rules.Stratification{}, err
	}
	st, err := rules.ParseStratification(s[SettingStratifyBy], s[SettingEALCut], s[SettingFSMCut])
	if err != nil {
		return st, badSetting(err)
	}
	return st, nil
}

// pupilYears are the year groups whose EAL pupils join the trial.
func pupilYears(r *http.Request) (map[int32]bool, error) {
	s, err := settings(r)
	if err != nil {
		return nil, err
	}
	out := map[int32]bool{}
	for _, f := range strings.Split(s[SettingPupilYears], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 14 {
			return nil, badSetting(fmt.Errorf("setting %s: year groups 1 to 14 separated by commas", SettingPupilYears))
		}
		out[int32(n)] = true
	}
	return out, nil
}

func londonLoc() *time.Location { return sdk.London() }
