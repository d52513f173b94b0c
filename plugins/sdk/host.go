package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
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
// unitIDs, that the actor may see: PeopleWhere with IDs and UnitIDs.
func (h *Host) People(ctx context.Context, ids, unitIDs []uint64) ([]*pluginv1.Person, error) {
	return h.PeopleWhere(ctx, PeopleQuery{IDs: ids, UnitIDs: unitIDs})
}

// PeopleQuery says which people PeopleWhere returns; every field is
// optional, and the fields given must all match.
type PeopleQuery struct {
	// IDs are people by id.
	IDs []uint64
	// UnitIDs are units: people holding a role granted there match.
	UnitIDs []uint64
	// IncludeDescendants makes UnitIDs match grants at every unit beneath
	// them too: the people of a hub's schools, not only of the hub.
	IncludeDescendants bool
	// Roles (core roles such as "reviewer", or plugin roles) keep only the
	// grants of these roles: a person holding none of them is left out,
	// and each person shows only these grants.
	Roles []string
}

// PeopleWhere returns the people matching q that the actor may see (the
// core's core.user.read reach; a job's system actor sees the tenant), each
// with the role grants the actor may see. With no field set it returns
// everyone the actor may see. For example the reviewers of a hub's schools:
//
//	host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{hubID}, IncludeDescendants: true, Roles: []string{"reviewer"}})
func (h *Host) PeopleWhere(ctx context.Context, q PeopleQuery) ([]*pluginv1.Person, error) {
	if len(q.IDs) > maxBatch || len(q.UnitIDs) > maxBatch {
		return nil, fmt.Errorf("host: get people: at most %d ids and %d unit ids per call", maxBatch, maxBatch)
	}
	resp, err := h.c.GetPeople(ctx, &pluginv1.GetPeopleRequest{ActorToken: h.token, Ids: q.IDs, UnitIds: q.UnitIDs,
		Roles: q.Roles, IncludeDescendants: q.IncludeDescendants})
	if err != nil {
		return nil, fmt.Errorf("host: get people: %w", err)
	}
	return resp.GetPeople(), nil
}

// SchoolNames returns the names of the schools with these ids, by id,
// whether or not the actor may see them otherwise: for naming a school a
// record refers to (the host school of a day another school booked). It
// tells nothing else about a school; ids that are not schools of the
// tenant are left out. No id, no call.
func (h *Host) SchoolNames(ctx context.Context, ids ...uint64) (map[uint64]string, error) {
	out := map[uint64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	err := batches(ids, func(part []uint64) error {
		resp, err := h.c.GetSchoolNames(ctx, &pluginv1.GetSchoolNamesRequest{ActorToken: h.token, Ids: part})
		if err != nil {
			return fmt.Errorf("host: get school names: %w", err)
		}
		for _, s := range resp.GetSchools() {
			out[s.GetId()] = s.GetName()
		}
		return nil
	})
	return out, err
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
//
// Audit is not transactional: called after the change commits, a failure
// leaves the change unaudited. Record changes with AuditTx, in the change's
// own transaction; Audit stays for plugins built before it.
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
// (personID) or to an address (to): give exactly one. The core sends mail
// only within the actor's reach: to a person holding a role where the actor
// may read people (for a job's system actor, anyone holding a role in the
// tenant), or to an address the plugin declares (the tenant's value of one
// of its SETTING_TYPE_EMAIL settings) or of such a person. Anyone else is
// PermissionDenied.
func (h *Host) SendMail(ctx context.Context, personID uint64, to, subject, body string) (uint64, error) {
	resp, err := h.c.SendMail(ctx, &pluginv1.SendMailRequest{ActorToken: h.token, PersonId: personID, To: to,
		Subject: subject, Body: body})
	if err != nil {
		return 0, fmt.Errorf("host: send mail: %w", err)
	}
	return resp.GetMailId(), nil
}

// MaxMails is the most mails one SendMails call takes.
const MaxMails = contract.MaxMails

// Mail is one mail of SendMails: to PersonID or To (exactly one), with a
// one-line Subject and a plain-text Body.
type Mail struct {
	PersonID uint64
	To       string
	Subject  string
	Body     string
}

// SendMails queues several mails in one call and returns their ids, in
// order. It is all or nothing: the core checks every mail (the recipients
// as for SendMail) before it queues any, and refuses the call naming the
// first bad mail by position ("mail 3: …"). At most MaxMails per call.
func (h *Host) SendMails(ctx context.Context, mails ...Mail) ([]uint64, error) {
	if len(mails) == 0 {
		return nil, nil
	}
	if len(mails) > MaxMails {
		return nil, fmt.Errorf("host: send mails: %d mails; at most %d per call", len(mails), MaxMails)
	}
	req := &pluginv1.SendMailsRequest{ActorToken: h.token, Mails: make([]*pluginv1.Mail, len(mails))}
	for i, m := range mails {
		req.Mails[i] = &pluginv1.Mail{PersonId: m.PersonID, To: m.To, Subject: m.Subject, Body: m.Body}
	}
	resp, err := h.c.SendMails(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("host: send mails: %w", err)
	}
	if len(resp.GetMailIds()) != len(mails) {
		return nil, fmt.Errorf("host: send mails: %d ids for %d mails", len(resp.GetMailIds()), len(mails))
	}
	return resp.GetMailIds(), nil
}
