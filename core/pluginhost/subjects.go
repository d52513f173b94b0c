package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/identity"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// SubjectCallTimeout bounds one ExportSubject or EraseSubject call: a plugin
// may have much to gather or delete, more than a page's CallTimeout.
const SubjectCallTimeout = 2 * time.Minute

// SubjectPlugins lists, by id, the installed plugins that may hold data
// about tenantID's data subjects, and which of them the tenant enables now.
// A plugin the tenant disabled keeps the tenant's rows in its storage
// (Disable says so), so a plugin the tenant enabled at any time — read from
// the audit log's plugin.enable entries, which cannot be deleted — is listed
// too: an erasure must reach it, and an export must include what it holds.
func (rt *Runtime) SubjectPlugins(ctx context.Context, tenantID uint) (ids []string, enabled map[string]bool, err error) {
	installed, err := rt.reg.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	now, err := rt.reg.Enabled(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	var before []string
	err = rt.deps.DB.WithContext(ctx).Table("audit_events").
		Where("tenant_id = ? AND action = ? AND entity_type = ?", tenantID, "plugin.enable", "plugin").
		Distinct("entity_id").Pluck("entity_id", &before).Error
	if err != nil {
		return nil, nil, fmt.Errorf("plugins tenant %d enabled before: %w", tenantID, err)
	}
	enabled = map[string]bool{}
	for _, id := range now {
		enabled[id] = true
	}
	held := map[string]bool{}
	for _, id := range append(now, before...) {
		held[id] = true
	}
	for _, p := range installed {
		if held[p.ID] {
			ids = append(ids, p.ID)
		}
	}
	sort.Strings(ids)
	return ids, enabled, nil
}

// ExportSubject asks plugin id for everything it holds about subject in
// tenantID, acting for userID (0: the tenant's system actor). The plugin is
// launched if it is not running, even when the tenant no longer enables it;
// its Host calls then fail (the Host refuses a tenant that does not enable
// the plugin), so a plugin should answer from its own storage.
func (rt *Runtime) ExportSubject(ctx context.Context, id string, tenantID, userID uint, subject *pluginv1.Subject) ([]*pluginv1.ExportFile, error) {
	var files []*pluginv1.ExportFile
	err := rt.subjectCall(ctx, id, tenantID, userID, "ExportSubject", func(ctx context.Context, a *pluginv1.Actor, conn pluginv1.PluginServiceClient) error {
		resp, err := conn.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: a, Subject: subject})
		files = resp.GetFiles()
		return err
	})
	return files, err
}

// EraseSubject asks plugin id to remove or anonymise everything it holds
// about subject in tenantID, acting for userID (0: the tenant's system
// actor), and returns what it reports. Like ExportSubject it reaches a
// plugin the tenant no longer enables.
func (rt *Runtime) EraseSubject(ctx context.Context, id string, tenantID, userID uint, subject *pluginv1.Subject) (erased, anonymised int64, err error) {
	err = rt.subjectCall(ctx, id, tenantID, userID, "EraseSubject", func(ctx context.Context, a *pluginv1.Actor, conn pluginv1.PluginServiceClient) error {
		resp, err := conn.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: a, Subject: subject})
		erased, anonymised = resp.GetErased(), resp.GetAnonymised()
		return err
	})
	return erased, anonymised, err
}

// subjectCall runs one subject-rights call on plugin id with a fresh actor
// token for the tenant and user, revoked when the call returns.
func (rt *Runtime) subjectCall(ctx context.Context, id string, tenantID, userID uint, rpc string,
	call func(context.Context, *pluginv1.Actor, pluginv1.PluginServiceClient) error) error {
	p, err := rt.reg.Get(ctx, id)
	if err != nil {
		return err
	}
	t, err := rt.deps.Tenancy.TenantByID(ctx, tenantID)
	if err != nil {
		return fmt.Errorf("plugin %s %s: %w", id, rpc, err)
	}
	act := actor{PluginID: id, TenantID: t.ID, UserID: userID}
	pa := &pluginv1.Actor{TenantId: uint64(t.ID), TenantSlug: t.Slug, TenantName: t.Name}
	if userID != 0 {
		u, err := rt.deps.Identity.GetUser(ctx, t.ID, userID)
		if errors.Is(err, identity.ErrNotFound) {
			return fmt.Errorf("plugin %s %s: user %d of tenant %d: %w", id, rpc, userID, t.ID, err)
		}
		if err != nil {
			return err
		}
		act.UserEmail = u.Email
		pa.UserId, pa.UserEmail, pa.UserName = uint64(u.ID), u.Email, u.Name
		if pa.Grants, err = rt.grants(ctx, t.ID, u.ID); err != nil {
			return err
		}
	}
	tok, revoke := rt.tokens.mint(act, SubjectCallTimeout+time.Minute)
	defer revoke()
	pa.Token, pa.AuditSeal = tok, rt.auditSeal(act)
	// The instance is pinned for the whole call, launch included, so the
	// supervisor's Sync does not stop a plugin no tenant enables any more
	// while it answers. A process that went away under the call anyway (it
	// crashed) is started again once: both calls are safe to repeat.
	pinned := rt.instance(p.ID)
	pinned.pin()
	defer pinned.unpin()
	for attempt := 1; ; attempt++ {
		conn, in, err := rt.acquire(ctx, p)
		var ue *UnavailableError
		if attempt > 1 && errors.As(err, &ue) && !ue.NeedsOperator() && ue.RetryAfter > 0 && ue.RetryAfter <= 5*time.Second {
			// A crash is restarted after a short back-off: wait for it.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(ue.RetryAfter):
			}
			conn, in, err = rt.acquire(ctx, p)
		}
		if err != nil {
			return err
		}
		callCtx, cancel := context.WithTimeout(ctx, SubjectCallTimeout)
		begin := time.Now()
		err = call(callCtx, pa, conn)
		in.observe(time.Since(begin))
		cancel()
		if err == nil {
			return nil
		}
		if attempt == 1 && status.Code(err) == codes.Unavailable && ctx.Err() == nil {
			rt.log.WarnContext(ctx, "plugin went away during a subject call; trying once more", "plugin", id, "call", rpc)
			continue
		}
		return fmt.Errorf("plugin %s %s: %w", id, rpc, err)
	}
}
