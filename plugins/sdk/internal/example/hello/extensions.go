package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// schoolPanels says, for each school the core asks about, how many
// greetings it has sent. The core asks only for schools where the viewer
// holds permRead, and shows nothing for a school left out.
func schoolPanels(ctx context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
	type count struct {
		SchoolID uint64
		N        int64
	}
	var counts []count
	err := sdk.Tenant(ctx).Model(&greeting{}).Select("school_id, count(*) AS n").
		Where("school_id IN ?", units).Group("school_id").Order("school_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count greetings by school: %w", err)
	}
	out := make([]sdk.SchoolPanel, 0, len(counts))
	for _, c := range counts {
		out = append(out, sdk.SchoolPanel{UnitID: c.SchoolID, Lines: []sdk.PanelLine{
			{Text: plural(c.N, "greeting", "greetings") + " sent from this school", Link: "/"},
		}})
	}
	return out, nil
}

// todos asks a person who may post greetings to send theirs while the
// due_by date has not passed.
func todos(ctx context.Context) ([]sdk.Todo, error) {
	host := sdk.HostFrom(ctx)
	can, err := host.Can(ctx, permWrite, 0)
	if err != nil || !can {
		return nil, err
	}
	settings, err := host.Settings(ctx)
	if err != nil {
		return nil, err
	}
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(settings[settingDueBy]), sdk.London())
	if err != nil || d.Before(sdk.Today(ctx)) {
		return nil, nil // no due date, or it has passed
	}
	return []sdk.Todo{{Title: "Send this term's greetings", Link: "/", Due: d}}, nil
}

// figures gives the tenant's headline figure.
func figures(ctx context.Context) ([]sdk.Figure, error) {
	var n int64
	if err := sdk.Tenant(ctx).Model(&greeting{}).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("count greetings: %w", err)
	}
	return []sdk.Figure{{Label: "Greetings sent", Value: fmt.Sprint(n), Detail: "since the plugin was enabled", Link: "/"}}, nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
