package main

import (
	"context"
	"encoding/json"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// exportSubject returns the greetings a person wrote.
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	if s.PersonID == 0 {
		return nil, nil
	}
	var gs []greeting
	if err := sdk.Tenant(ctx).Where("created_by = ?", s.PersonID).Order("id").Find(&gs).Error; err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(gs, "", "  ")
	if err != nil {
		return nil, err
	}
	return []sdk.File{{Name: "hello-greetings.json", ContentType: "application/json", Content: b}}, nil
}

// eraseSubject anonymises the greetings a person wrote: the school's
// greeting stays, its author goes.
func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	if s.PersonID == 0 {
		return 0, 0, nil
	}
	res := sdk.Tenant(ctx).Model(&greeting{}).Where("created_by = ?", s.PersonID).Update("created_by", 0)
	return 0, res.RowsAffected, res.Error
}
