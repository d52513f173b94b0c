package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// maxBatch is the most ids the core answers in one call; longer lists are split.
const maxBatch = 5000

// Host is the core as a plugin sees it, bound to the actor of one request,
// job or event: every call answers within that actor's tenant and reach.
// Reads are batched: ask once for every id a page needs, not once per row.
// Errors carry the gRPC status of the core's answer (status.Code): for
// example PermissionDenied, InvalidArgument or, for GetPupils on a core from
// before pupil records, Unimplemented.
type Host struct {
	c     pluginv1.HostServiceClient
	token string
}

// NewHost binds a Host client to an actor token. The SDK does this for every
// call; plugins need it only in tests.
func NewHost(c pluginv1.HostServiceClient, actorToken string) *Host {
	return &Host{c: c, token: actorToken}
}

// Check is one permission check: Permission at UnitID (0: anywhere in the tenant).
type Check struct {
	Permission string
	UnitID     uint64
}

// batches calls fn with ids in slices of at most maxBatch; an empty list
// is one call with no ids ("everything the actor reaches").
func batches(ids []uint64, fn func(part []uint64) error) error {
	if len(ids) == 0 {
		return fn(nil)
	}
	for len(ids) > 0 {
		n := min(len(ids), maxBatch)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Schools returns the schools with these ids that the actor may see, or
// every school the actor reaches when no id is given.
func (h *Host) Schools(ctx context.Context, ids ...uint64) ([]*pluginv1.School, error) {
	var out []*pluginv1.School
	err := batches(ids, func(part []uint64) error {
		resp, err := h.c.GetSchools(ctx, &pluginv1.GetSchoolsRequest{ActorToken: h.token, Ids: part})
		if err != nil {
			return fmt.Errorf("host: get schools: %w", err)
		}
		out = append(out, resp.GetSchools()...)
		return nil
	})
	return out, err
}

// OrgUnits returns the org units with these ids, or every unit the actor
// reaches when ids is empty, limited to kinds when given.
func (h *Host) OrgUnits(ctx context.Context, ids []uint64, kinds ...pluginv1.OrgUnitKind) ([]*pluginv1.OrgUnit, error) {
	var out []*pluginv1.OrgUnit
	err := batches(ids, func(part []uint64) error {
		resp, err := h.c.GetOrgUnits(ctx, &pluginv1.GetOrgUnitsRequest{ActorToken: h.token, Ids: part, Kinds: kinds})
		if err != nil {
			return fmt.Errorf("host: get org units: %w", err)
		}
		out = append(out, resp.GetUnits()...)
		return nil
	})
	return out, err
}

// People returns the people with these ids, or those holding roles at
// unitIDs, that the actor may see.
func (h *Host) People(ctx context.Context, ids, unitIDs []uint64) ([]*pluginv1.Person, error) {
	if len(ids) > maxBatch || len(unitIDs) > maxBatch {
		return nil, fmt.Errorf("host: get people: at most %d ids and %d unit ids per call", maxBatch, maxBatch)
	}
	resp, err := h.c.GetPeople(ctx, &pluginv1.GetPeopleRequest{ActorToken: h.token, Ids: ids, UnitIds: unitIDs})
	if err != nil {
		return nil, fmt.Errorf("host: get people: %w", err)
	}
	return resp.GetPeople(), nil
}

// Pupils returns the pupils with these ids and/or on roll at these schools
// (with neither, every pupil on roll in the actor's reach), only at schools
// where the actor holds core.pupil.read; a job's system actor gets none. The
// core records every answer in its audit log. More than 20,000 matching
// pupils is InvalidArgument: ask for fewer schools at a time.
func (h *Host) Pupils(ctx context.Context, ids, schoolIDs []uint64) ([]*pluginv1.Pupil, error) {
	if len(ids) > maxBatch || len(schoolIDs) > maxBatch {
		return nil, fmt.Errorf("host: get pupils: at most %d ids and %d school ids per call", maxBatch, maxBatch)
	}
	resp, err := h.c.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: h.token, Ids: ids, SchoolIds: schoolIDs})
	if err != nil {
		return nil, fmt.Errorf("host: get pupils: %w", err)
	}
	return resp.GetPupils(), nil
}

// Authorize answers several checks at once, one bool per check in order.
func (h *Host) Authorize(ctx context.Context, checks ...Check) ([]bool, error) {
	req := &pluginv1.AuthorizeRequest{ActorToken: h.token, Checks: make([]*pluginv1.Check, len(checks))}
	for i, c := range checks {
		req.Checks[i] = &pluginv1.Check{Permission: c.Permission, UnitId: c.UnitID}
	}
	resp, err := h.c.Authorize(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("host: authorize: %w", err)
	}
	if len(resp.GetAllowed()) != len(checks) {
		return nil, fmt.Errorf("host: authorize: %d answers to %d checks", len(resp.GetAllowed()), len(checks))
	}
	return resp.GetAllowed(), nil
}

// Can reports whether the actor holds perm at unitID (0: anywhere in the tenant).
func (h *Host) Can(ctx context.Context, perm string, unitID uint64) (bool, error) {
	ok, err := h.Authorize(ctx, Check{Permission: perm, UnitID: unitID})
	if err != nil {
		return false, err
	}
	return ok[0], nil
}

// Enqueue queues one of the plugin's jobs for the actor's tenant (and user)
// and returns its task id. payload is sent as JSON; a []byte or
// json.RawMessage is sent as it is, and nil as no payload.
func (h *Host) Enqueue(ctx context.Context, job string, payload any) (string, error) {
	return h.EnqueueIn(ctx, 0, job, payload)
}

// EnqueueIn is Enqueue with the job run after delay (whole seconds).
func (h *Host) EnqueueIn(ctx context.Context, delay time.Duration, job string, payload any) (string, error) {
	body, err := payloadBytes(payload)
	if err != nil {
		return "", fmt.Errorf("host: enqueue %s: %w", job, err)
	}
	resp, err := h.c.Enqueue(ctx, &pluginv1.EnqueueRequest{ActorToken: h.token, Job: job, Payload: body,
		DelaySeconds: int32(delay / time.Second)})
	if err != nil {
		return "", fmt.Errorf("host: enqueue %s: %w", job, err)
	}
	return resp.GetTaskId(), nil
}

func payloadBytes(payload any) ([]byte, error) {
	switch p := payload.(type) {
	case nil:
		return nil, nil
	case []byte:
		return p, nil
	case json.RawMessage:
		return p, nil
	default:
		return json.Marshal(p)
	}
}

// Audit appends an entry to the tenant's audit log, made by the actor.
// action must start with the plugin id ("hello.greeting.create"); before and
// after are the entity's state as JSON (nil for none). Put no more personal
// data in them than the audit needs.
func (h *Host) Audit(ctx context.Context, action, entityType, entityID string, before, after any) error {
	b, err := jsonDoc(before)
	if err != nil {
		return fmt.Errorf("host: audit %s: before: %w", action, err)
	}
	a, err := jsonDoc(after)
	if err != nil {
		return fmt.Errorf("host: audit %s: after: %w", action, err)
	}
	_, err = h.c.Audit(ctx, &pluginv1.AuditRequest{ActorToken: h.token, Action: action, EntityType: entityType,
		EntityId: entityID, BeforeJson: b, AfterJson: a})
	if err != nil {
		return fmt.Errorf("host: audit %s: %w", action, err)
	}
	return nil
}

func jsonDoc(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := payloadBytes(v)
	return string(b), err
}

// Settings returns the plugin's settings for the actor's tenant: every key
// of the manifest, with the tenant's value or the default.
func (h *Host) Settings(ctx context.Context) (map[string]string, error) {
	resp, err := h.c.GetSettings(ctx, &pluginv1.GetSettingsRequest{ActorToken: h.token})
	if err != nil {
		return nil, fmt.Errorf("host: get settings: %w", err)
	}
	if resp.GetSettings() == nil {
		return map[string]string{}, nil
	}
	return resp.GetSettings(), nil
}

// SendMail queues a plain-text mail through the core's outbox, to a person
// of the tenant (personID) or to an address (to): give exactly one.
func (h *Host) SendMail(ctx context.Context, personID uint64, to, subject, body string) (uint64, error) {
	resp, err := h.c.SendMail(ctx, &pluginv1.SendMailRequest{ActorToken: h.token, PersonId: personID, To: to,
		Subject: subject, Body: body})
	if err != nil {
		return 0, fmt.Errorf("host: send mail: %w", err)
	}
	return resp.GetMailId(), nil
}
