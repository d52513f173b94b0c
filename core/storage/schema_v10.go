package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema version 10: upgrades that say what they change (core/pluginhost).
// A new build of a plugin whose manifest adds permissions, roles or default
// grants, or widens a route, waits in plugin_upgrades until an operator
// confirms or discards it; at most one waits per plugin. plugins gains
// upgrade_diff, what the installed build changed compared with the one it
// replaced (JSON; empty after a first install).
type (
	v10PluginUpgrade struct {
		ID       uint     `gorm:"primaryKey"`
		PluginID string   `gorm:"size:32;not null;uniqueIndex"`
		Plugin   v3Plugin `gorm:"constraint:OnDelete:CASCADE"`
		// FromSHA256 is the build the upgrade would replace: a confirmation
		// is refused once another build replaced it meanwhile.
		FromSHA256   string `gorm:"column:from_sha256;size:64;not null"`
		Name         string `gorm:"size:200;not null"`
		Version      string `gorm:"size:64;not null"`
		Protocol     int    `gorm:"not null"`
		BinaryPath   string `gorm:"type:text;not null"`
		SHA256       string `gorm:"column:sha256;size:64;not null"`
		ManifestJSON string `gorm:"type:text;not null"`
		DiffJSON     string `gorm:"type:text;not null"`
		// Action is the audit action it takes when confirmed:
		// plugin.upgrade, plugin.reinstall or plugin.downgrade.
		Action        string `gorm:"size:32;not null"`
		ProposedBy    *uint
		ProposedLabel string    `gorm:"size:254;not null;default:''"`
		CreatedAt     time.Time `gorm:"not null"`
	}
	v10Plugin struct {
		UpgradeDiff string `gorm:"type:text;not null;default:''"`
	}
)

func (v10PluginUpgrade) TableName() string { return "plugin_upgrades" }
func (v10Plugin) TableName() string        { return "plugins" }

func v10Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v10PluginUpgrade{}); err != nil {
		return fmt.Errorf("create plugin_upgrades: %w", err)
	}
	if err := tx.Migrator().AddColumn(&v10Plugin{}, "UpgradeDiff"); err != nil {
		return fmt.Errorf("add plugins.upgrade_diff: %w", err)
	}
	return nil
}

func v10Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropColumn(&v10Plugin{}, "UpgradeDiff"); err != nil {
		return fmt.Errorf("drop plugins.upgrade_diff: %w", err)
	}
	if err := tx.Migrator().DropTable(&v10PluginUpgrade{}); err != nil {
		return fmt.Errorf("drop plugin_upgrades: %w", err)
	}
	return nil
}
