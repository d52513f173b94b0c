package jobs

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/roster"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// Sync refreshes the plugin's copy of the member schools' facts and the
// hubs' names from the core, for the current year and those after it. The
// core's events are hints (a unit written by another process sends none),
// so this runs nightly too.
func Sync(ctx context.Context, _ []byte) error {
	s := st(ctx)
	years, err := s.Years()
	if err != nil {
		return err
	}
	current, err := s.CurrentYear(sdk.Today(ctx))
	if err != nil || current == nil {
		return err
	}
	n, err := roster.Read(ctx)
	if err != nil {
		return err
	}
	return s.Tx(func(tx *store.Store) error {
		total := 0
		for _, y := range years {
			if y.StartsOn < current.StartsOn {
				continue
			}
			c, err := roster.Refresh(ctx, tx, y.ID, n, sdk.Now(ctx))
			if err != nil {
				return err
			}
			total += c
		}
		return sdk.AuditTx(ctx, tx.DB(), "networkexcellence.members.sync", "year", fmt.Sprint(current.ID), nil,
			map[string]int{"schools_refreshed": total, "hubs": len(n.Hubs)})
	})
}

// OnEvent refreshes the facts on a change the core reports: a school or
// unit edited, the plugin enabled.
func OnEvent(ctx context.Context, ev sdk.Event) error {
	switch ev.Type {
	case "school.changed", "orgunit.changed", "tenant.enabled":
		return Sync(ctx, nil)
	}
	return nil
}
