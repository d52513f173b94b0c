package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// digest mails the count of the week's greetings to the digest_email
// setting or, when it is empty, to every tenant admin.
func digest(ctx context.Context, payload []byte) error {
	if len(payload) > 0 && !json.Valid(payload) {
		return sdk.Permanent(fmt.Errorf("digest: payload is not JSON"))
	}
	var n int64
	since := time.Now().UTC().AddDate(0, 0, -7)
	if err := sdk.Tenant(ctx).Model(&greeting{}).Where("created_at >= ?", since).Count(&n).Error; err != nil {
		return fmt.Errorf("digest: count greetings: %w", err)
	}
	host := sdk.HostFrom(ctx)
	settings, err := host.Settings(ctx)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Hello: %d greetings this week", n)
	body := fmt.Sprintf("%d greetings were posted in %s since %s.\n", n, sdk.ActorFrom(ctx).GetTenantName(), since.Format("2 January"))
	if to := settings["digest_email"]; to != "" {
		_, err := host.SendMail(ctx, 0, to, subject, body)
		return err
	}
	roots, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT)
	if err != nil || len(roots) == 0 {
		return fmt.Errorf("digest: find the tenant's root unit: %w", err)
	}
	people, err := host.People(ctx, nil, []uint64{roots[0].GetId()})
	if err != nil {
		return err
	}
	for _, p := range people {
		admin := slices.ContainsFunc(p.GetGrants(), func(g *pluginv1.RoleGrant) bool { return g.GetRole() == sdk.RoleTenantAdmin })
		if !admin {
			continue
		}
		if _, err := host.SendMail(ctx, p.GetId(), "", subject, body); err != nil {
			return err
		}
	}
	return nil
}
