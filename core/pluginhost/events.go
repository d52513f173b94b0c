package pluginhost

import (
	"context"
	"fmt"
	"slices"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Core event types the runtime sends itself.
const (
	EventTenantEnabled  = "tenant.enabled"
	EventTenantDisabled = "tenant.disabled"
)

// notify calls the plugin's OnEvent with a tenant system actor when its
// manifest subscribes to eventType. The actor's token is valid only for the
// call, and only while the tenant enables the plugin.
func (rt *Runtime) notify(ctx context.Context, id string, tenantID uint, eventType string, unitID uint) error {
	p, err := rt.reg.Get(ctx, id)
	if err != nil {
		return err
	}
	m, err := rt.manifest(p)
	if err != nil {
		return err
	}
	if !slices.Contains(m.GetEvents(), eventType) {
		return nil
	}
	t, err := rt.deps.Tenancy.TenantByID(ctx, tenantID)
	if err != nil {
		return fmt.Errorf("event %s for plugin %s: %w", eventType, id, err)
	}
	conn, in, err := rt.acquire(ctx, p)
	if err != nil {
		return fmt.Errorf("event %s for plugin %s: %w", eventType, id, err)
	}
	act := actor{PluginID: id, TenantID: t.ID}
	tok, revoke := rt.tokens.mint(act, rt.opts.TokenTTL)
	defer revoke()
	callCtx, cancel := context.WithTimeout(ctx, rt.opts.CallTimeout)
	defer cancel()
	begin := time.Now()
	_, err = conn.OnEvent(callCtx, &pluginv1.OnEventRequest{
		Actor: &pluginv1.Actor{Token: tok, TenantId: uint64(t.ID), TenantSlug: t.Slug, TenantName: t.Name, AuditSeal: rt.auditSeal(act)},
		Type:  eventType, UnitId: uint64(unitID),
	})
	in.observe(time.Since(begin))
	rt.noteChange(ctx, id, t.ID, 0)
	if err != nil {
		return fmt.Errorf("plugin %s OnEvent %s: %w", id, eventType, err)
	}
	return nil
}

// Event types the core sends when an org unit changes through the web.
const (
	EventSchoolChanged  = "school.changed"
	EventOrgUnitChanged = "orgunit.changed"
	// EventUnitArchived: a unit (e.g. a school that left) was archived; it
	// is kept with its history but takes no new work.
	EventUnitArchived = "unit.archived"
	// EventUnitUnarchived: an archived unit was brought back.
	EventUnitUnarchived = "unit.unarchived"
)

// UnitChanged tells every plugin the tenant enables and that subscribes to
// school.changed (for a school) or orgunit.changed (for any other unit) that
// unit changed. Delivery runs in the background so the user's request never
// waits on a plugin; a failure is logged.
func (rt *Runtime) UnitChanged(ctx context.Context, tenantID, unitID uint, school bool) {
	eventType := EventOrgUnitChanged
	if school {
		eventType = EventSchoolChanged
	}
	rt.broadcast(ctx, tenantID, unitID, eventType)
}

// UnitArchived tells every plugin the tenant enables and that subscribes to
// unit.archived (archived=true) or unit.unarchived that the unit was
// archived or brought back, in the background as UnitChanged does.
func (rt *Runtime) UnitArchived(ctx context.Context, tenantID, unitID uint, archived bool) {
	eventType := EventUnitUnarchived
	if archived {
		eventType = EventUnitArchived
	}
	rt.broadcast(ctx, tenantID, unitID, eventType)
}

// broadcast sends eventType about unitID, in the background, to every
// plugin the tenant enables that subscribes to it.
func (rt *Runtime) broadcast(ctx context.Context, tenantID, unitID uint, eventType string) {
	ctx = context.WithoutCancel(ctx)
	plugins, err := rt.reg.cachedEnabledPlugins(ctx, tenantID)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin events not delivered", "event", eventType, "error", err.Error())
		return
	}
	for _, p := range plugins {
		m, err := rt.manifest(p)
		if err != nil || !slices.Contains(m.GetEvents(), eventType) || p.State == StateFailed {
			continue
		}
		go func(id string) {
			if err := rt.notify(ctx, id, tenantID, eventType, unitID); err != nil {
				rt.log.WarnContext(ctx, "plugin event not delivered", "plugin", id, "event", eventType, "error", err.Error())
			}
		}(p.ID)
	}
}
