package main

import (
	"context"
	"encoding/json"
	"fmt"

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
	since := sdk.Now(ctx).AddDate(0, 0, -7)
	if err := sdk.Tenant(ctx).Model(&greeting{}).Where("created_at >= ?", since).Count(&n).Error; err != nil {
		return fmt.Errorf("digest: count greetings: %w", err)
	}
	host := sdk.HostFrom(ctx)
	settings, err := host.Settings(ctx)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Hello: %d greetings this week", n)
	body := fmt.Sprintf("%d greetings were posted in %s since %s.\n", n, sdk.ActorFrom(ctx).GetTenantName(), since.In(sdk.London()).Format("Mon 2 Jan 2006"))
	if to := settings["digest_email"]; to != "" {
		_, err := host.SendMail(ctx, 0, to, subject, body)
		return err
	}
	roots, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT)
	if err != nil || len(roots) == 0 {
		return fmt.Errorf("digest: find the tenant's root unit: %w", err)
	}
	// The tenant admins: people holding tenant_admin at the root unit.
	admins, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{roots[0].GetId()}, Roles: []string{"tenant_admin"}})
	if err != nil {
		return err
	}
	mails := make([]sdk.Mail, len(admins))
	for i, p := range admins {
		mails[i] = sdk.Mail{PersonID: p.GetId(), Subject: subject, Body: body}
	}
	_, err = host.SendMails(ctx, mails...) // one call, all or none
	return err
}
