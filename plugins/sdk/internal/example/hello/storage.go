package main

import (
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// greeting is one greeting; tenant_id makes sdk.Tenant scope it.
type greeting struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null;index" json:"-"`
	SchoolID  uint64    `gorm:"not null" json:"school_id"`
	Message   string    `gorm:"size:280;not null" json:"message"`
	CreatedBy uint64    `gorm:"not null;index" json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func (greeting) TableName() string { return "greetings" }

// migrations declare their own snapshot of each table, so later changes to
// greeting never rewrite history.
var migrations = []sdk.Migration{
	{Version: 1, Name: "create greetings", Up: func(tx *gorm.DB) error {
		type greetings struct {
			ID        uint64    `gorm:"primaryKey"`
			TenantID  uint64    `gorm:"not null;index"`
			SchoolID  uint64    `gorm:"not null"`
			Message   string    `gorm:"size:280;not null"`
			CreatedBy uint64    `gorm:"not null;index"`
			CreatedAt time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&greetings{})
	}},
}
