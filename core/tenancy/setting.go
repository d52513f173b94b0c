package tenancy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// maxSettingValue is the longest setting value, in characters.
const maxSettingValue = 10000

func checkSettingKey(key string) string {
	if key == "" || len(key) > 100 {
		return "a setting key is 1 to 100 characters"
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return "a setting key uses only a-z, 0-9, '_' and '.'"
		}
	}
	return ""
}

func checkSettingValue(v string) string {
	switch {
	case !utf8.ValidString(v):
		return "the value is not valid text"
	case strings.ContainsRune(v, 0):
		return "the value cannot contain a NUL character"
	case utf8.RuneCountInString(v) > maxSettingValue:
		return fmt.Sprintf("a setting value is at most %d characters", maxSettingValue)
	}
	return ""
}

// Settings returns all of a tenant's settings; ErrNotFound if there is no such tenant.
func (s *Service) Settings(ctx context.Context, tenantID uint) (map[string]string, error) {
	db := s.read(ctx, tenantID)
	if err := tenantExists(db, tenantID); err != nil {
		return nil, err
	}
	var rows []tenantSetting
	if err := db.Where("tenant_id = ?", tenantID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load settings of tenant %d: %w", tenantID, err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}

// Setting returns one setting and whether it is set.
func (s *Service) Setting(ctx context.Context, tenantID uint, key string) (string, bool, error) {
	var r tenantSetting
	err := s.read(ctx, tenantID).Where("tenant_id = ? AND key = ?", tenantID, key).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("load setting %s of tenant %d: %w", key, tenantID, err)
	}
	return r.Value, true, nil
}

// SetSetting sets a tenant's setting key ([a-z0-9_.], 1-100 characters) to
// value (at most 10,000 characters; SettingTimezone must be an IANA time
// zone name, or empty). Setting the value it already has changes nothing and
// records nothing.
func (s *Service) SetSetting(ctx context.Context, tenantID uint, key, value string) error {
	var errs FieldErrors
	if msg := checkSettingKey(key); msg != "" {
		errs.Add("key", "%s", msg)
	}
	if msg := checkSettingValue(value); msg != "" {
		errs.Add("value", "%s", msg)
	} else if key == SettingTimezone {
		if _, err := ParseTimezone(value); err != nil {
			errs.Add("value", "%v", err)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		var old tenantSetting
		err := tx.Where("tenant_id = ? AND key = ?", tenantID, key).Take(&old).Error
		exists := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("load setting: %w", err)
		}
		if exists && old.Value == value {
			return nil
		}
		row := tenantSetting{TenantID: tenantID, Key: key, Value: value}
		var before any
		if exists {
			before = old
			if err := tx.Model(&tenantSetting{}).Where("tenant_id = ? AND key = ?", tenantID, key).
				Updates(map[string]any{"value": value}).Error; err != nil {
				return fmt.Errorf("update setting: %w", err)
			}
			if err := tx.Where("tenant_id = ? AND key = ?", tenantID, key).Take(&row).Error; err != nil {
				return fmt.Errorf("reload setting: %w", err)
			}
		} else if err := tx.Create(&row).Error; err != nil {
			return dbErr(err, "create setting")
		}
		return record(ctx, tx, tenantID, "setting.update", entitySetting, key, before, row)
	})
	if err != nil {
		return fmt.Errorf("set setting %s of tenant %d: %w", key, tenantID, err)
	}
	return nil
}
