package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema snapshot of version 9: the keys of plugin audit entries the core
// has recorded (core/pluginhost, Host.DeliverAudit). A plugin keeps each
// change's audit entry in an outbox in its own storage and delivers it at
// least once; the key, written in the same transaction as the audit event,
// makes a second delivery an acknowledgement rather than a second event.
// It holds no personal data: the event it points to does.
type v9PluginAuditKey struct {
	PluginID string   `gorm:"primaryKey;size:32"`
	EntryKey string   `gorm:"primaryKey;size:64"`
	TenantID uint     `gorm:"not null;index"`
	Tenant   v1Tenant `gorm:"constraint:OnDelete:CASCADE"`
	// EventID is the audit_events row recorded for the entry.
	EventID   uint      `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (v9PluginAuditKey) TableName() string { return "plugin_audit_keys" }

func v9Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v9PluginAuditKey{}); err != nil {
		return fmt.Errorf("create plugin_audit_keys: %w", err)
	}
	return nil
}

func v9Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropTable(&v9PluginAuditKey{}); err != nil {
		return fmt.Errorf("drop plugin_audit_keys: %w", err)
	}
	return nil
}
