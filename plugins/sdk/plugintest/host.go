package plugintest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Limits the core applies to Host calls, mirrored here.
const (
	maxIDs        = 5000
	maxChecks     = 1000
	maxRoles      = 100
	maxJobPayload = 1 << 20
	maxDelay      = 30 * 24 * 3600
)

// Call is one Host call the plugin made.
type Call struct {
	// Method is the RPC, e.g. "GetSchools".
	Method string
	// UserID is the actor's user (0 for the tenant's system actor).
	UserID uint64
	// Request is the request message (a copy).
	Request proto.Message
}

// AuditEntry is one audit entry the test Host recorded: from an Audit call,
// or delivered from the plugin's audit outbox (sdk.AuditTx), once per Key.
type AuditEntry struct {
	UserID                       uint64
	Action, EntityType, EntityID string
	BeforeJSON, AfterJSON        string
	// TenantID is the actor's tenant.
	TenantID uint64
	// Key is the outbox entry's key; empty for an Audit call.
	Key string
	// RequestID is the actor's request id, for a delivered entry.
	RequestID string
	// At is when the change was made (delivered entries) or the call came.
	At time.Time
}

// Mail is one SendMail call.
type Mail struct {
	ID                uint64
	UserID            uint64
	To, Subject, Body string
}

// Job is one Enqueue call.
type Job struct {
	TaskID       string
	UserID       uint64
	Name         string
	Payload      []byte
	DelaySeconds int32
}

// actorInfo is what a token stands for.
type actorInfo struct {
	userID   uint64
	tenantID uint64
	all      bool // holds every permission everywhere
}

// TestHost is the core's Host service over a Fixture. It answers like the
// core: within the actor's tenant and reach, refusing unknown or revoked
// tokens, actions without the plugin's prefix, undeclared jobs and mail to
// anyone outside the actor's reach. It records every call, and every audit
// entry once. RefuseAudits and LoseAuditAcks make it a Host whose audit
// log is out of order, to test that a plugin tells the truth meanwhile.
type TestHost struct {
	pluginv1.UnimplementedHostServiceServer

	fx       *Fixture
	manifest *pluginv1.Manifest
	noPupils bool
	auditKey []byte

	mu           sync.Mutex
	tokens       map[string]actorInfo
	calls        []Call
	audits       []AuditEntry
	auditKeys    map[string]bool
	refuseAudits bool
	loseAuditAck bool
	mails        []Mail
	enqueued     []Job
	seq          uint64
}

// NewTestHost returns a Host answering from fx for the plugin declaring m.
func NewTestHost(fx *Fixture, m *pluginv1.Manifest) *TestHost {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &TestHost{fx: fx, manifest: m, auditKey: key, tokens: map[string]actorInfo{}, auditKeys: map[string]bool{}}
}

// Mint returns a fresh actor token for user (0: the tenant's system actor)
// of the fixture's tenant; all makes it hold every permission everywhere.
func (h *TestHost) Mint(userID uint64, all bool) string {
	return h.mint(userID, h.fx.Tenant.ID, all)
}

func (h *TestHost) mint(userID, tenantID uint64, all bool) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	h.mu.Lock()
	h.tokens[tok] = actorInfo{userID: userID, tenantID: tenantID, all: all}
	h.mu.Unlock()
	return tok
}

// AuditSeal returns the audit seal of actor a (its tenant, user, email and
// request id) for this plugin, as the core puts one in every call's actor.
// The harness sets it on every call; a test building its own Actor for a
// server under test sets Actor.AuditSeal to it.
func (h *TestHost) AuditSeal(a *pluginv1.Actor) string {
	return contract.SealAudit(h.auditKey, contract.AuditClaims{PluginID: h.manifest.GetId(), TenantID: a.GetTenantId(),
		UserID: a.GetUserId(), UserEmail: a.GetUserEmail(), RequestID: a.GetRequestId()}, time.Now())
}

// RefuseAudits makes the Host refuse every audit entry (Audit calls and
// outbox deliveries answer UNAVAILABLE, recording nothing) while on, as a
// core whose audit log cannot be written.
func (h *TestHost) RefuseAudits(on bool) {
	h.mu.Lock()
	h.refuseAudits = on
	h.mu.Unlock()
}

// LoseAuditAcks makes the Host record audit entries but answer UNAVAILABLE
// while on, as if the acknowledgement were lost on the way back: the plugin
// delivers again, and the Host must still hold each entry once.
func (h *TestHost) LoseAuditAcks(on bool) {
	h.mu.Lock()
	h.loseAuditAck = on
	h.mu.Unlock()
}

// Revoke ends a token, as the core does when the request or job returns.
func (h *TestHost) Revoke(token string) {
	h.mu.Lock()
	delete(h.tokens, token)
	h.mu.Unlock()
}

// Calls returns the Host calls made so far, oldest first.
func (h *TestHost) Calls() []Call {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls)
}

// CallCount returns how many calls of method ("GetSchools", …) were made.
func (h *TestHost) CallCount(method string) int {
	n := 0
	for _, c := range h.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// Audits returns the audit entries written so far.
func (h *TestHost) Audits() []AuditEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.audits)
}

// Mails returns the mails queued so far.
func (h *TestHost) Mails() []Mail {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.mails)
}

// Enqueued returns the jobs queued so far (they are not run).
func (h *TestHost) Enqueued() []Job {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.enqueued)
}

// Reset forgets the recorded calls, audits, mails and jobs (and the keys
// of delivered audit entries).
func (h *TestHost) Reset() {
	h.mu.Lock()
	h.calls, h.audits, h.mails, h.enqueued = nil, nil, nil, nil
	h.auditKeys = map[string]bool{}
	h.mu.Unlock()
}

// resolve checks the token and records the call.
func (h *TestHost) resolve(method, token string, req proto.Message) (actorInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.tokens[token]
	if token == "" || !ok {
		return actorInfo{}, status.Error(codes.Unauthenticated, "unknown, revoked or expired actor token: use the token of the current request or job (sdk.HostFrom(ctx)); tokens end when the call returns")
	}
	h.calls = append(h.calls, Call{Method: method, UserID: a.userID, Request: proto.Clone(req)})
	return a, nil
}

// roleHas reports whether role holds perm: from the core's policy or the
// manifest's default roles.
func (h *TestHost) roleHas(role, perm string) bool {
	if slices.Contains(corePolicy[role], perm) {
		return true
	}
	for _, p := range h.manifest.GetPermissions() {
		if p.GetName() == perm && slices.Contains(p.GetDefaultRoles(), role) {
			return true
		}
	}
	return false
}

// can reports whether a holds perm at unit (0: anywhere in the tenant).
func (h *TestHost) can(a actorInfo, perm string, unit uint64) bool {
	switch {
	case perm == "public":
		return false
	case perm == "authenticated":
		return a.userID != 0
	case a.all:
		return true
	case a.userID == 0:
		return false
	}
	p := h.fx.person(a.userID)
	for _, g := range p.GetGrants() {
		if h.roleHas(g.GetRole(), perm) && (unit == 0 || h.fx.within(unit, g.GetUnitId())) {
			return true
		}
	}
	return false
}

// reads reports whether a may read unit under perm; the system actor reads all.
func (h *TestHost) reads(a actorInfo, perm string, unit uint64) bool {
	return a.userID == 0 || a.all || h.can(a, perm, unit)
}

func checkIDs(lists ...[]uint64) error {
	for _, l := range lists {
		if len(l) > maxIDs {
			return status.Errorf(codes.InvalidArgument, "at most %d ids per call", maxIDs)
		}
	}
	return nil
}

func wanted(ids []uint64, id uint64) bool { return len(ids) == 0 || slices.Contains(ids, id) }

// GetSchools answers within core.school.read.
func (h *TestHost) GetSchools(_ context.Context, req *pluginv1.GetSchoolsRequest) (*pluginv1.GetSchoolsResponse, error) {
	a, err := h.resolve("GetSchools", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(req.GetIds()); err != nil {
		return nil, err
	}
	out := &pluginv1.GetSchoolsResponse{}
	for _, s := range h.fx.Schools {
		if wanted(req.GetIds(), s.GetId()) && h.reads(a, "core.school.read", s.GetId()) {
			out.Schools = append(out.Schools, proto.Clone(s).(*pluginv1.School))
		}
	}
	return out, nil
}

// GetOrgUnits answers within core.orgunit.read; schools are units too.
func (h *TestHost) GetOrgUnits(_ context.Context, req *pluginv1.GetOrgUnitsRequest) (*pluginv1.GetOrgUnitsResponse, error) {
	a, err := h.resolve("GetOrgUnits", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(req.GetIds()); err != nil {
		return nil, err
	}
	for _, k := range req.GetKinds() {
		if _, ok := pluginv1.OrgUnitKind_name[int32(k)]; !ok || k == pluginv1.OrgUnitKind_ORG_UNIT_KIND_UNSPECIFIED {
			return nil, status.Errorf(codes.InvalidArgument, "unknown org unit kind %v", k)
		}
	}
	units := slices.Clone(h.fx.Units)
	for _, s := range h.fx.Schools {
		units = append(units, &pluginv1.OrgUnit{Id: s.GetId(), Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_SCHOOL, Name: s.GetName(), ParentIds: s.GetParentIds()})
	}
	out := &pluginv1.GetOrgUnitsResponse{}
	for _, u := range units {
		kindOK := len(req.GetKinds()) == 0 || slices.Contains(req.GetKinds(), u.GetKind())
		if kindOK && wanted(req.GetIds(), u.GetId()) && h.reads(a, "core.orgunit.read", u.GetId()) {
			out.Units = append(out.Units, proto.Clone(u).(*pluginv1.OrgUnit))
		}
	}
	return out, nil
}

// GetPeople answers within core.user.read: a person shows when one of
// their grants within reach matches the units (with include_descendants,
// or beneath them) and roles asked, with their grants within reach (of the
// asked roles only, if any).
func (h *TestHost) GetPeople(_ context.Context, req *pluginv1.GetPeopleRequest) (*pluginv1.GetPeopleResponse, error) {
	a, err := h.resolve("GetPeople", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(req.GetIds(), req.GetUnitIds()); err != nil {
		return nil, err
	}
	roles := req.GetRoles()
	if len(roles) > maxRoles {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d roles per call", maxRoles)
	}
	for i, r := range roles {
		if r == "" || len(r) > 64 {
			return nil, status.Errorf(codes.InvalidArgument, "role %d: a role name is 1 to 64 characters", i+1)
		}
	}
	atUnit := func(unit uint64) bool {
		for _, u := range req.GetUnitIds() {
			if unit == u || req.GetIncludeDescendants() && h.fx.within(unit, u) {
				return true
			}
		}
		return len(req.GetUnitIds()) == 0
	}
	// Reaching the whole tenant, the actor sees people without a role too
	// (unless it filters by unit or role), as from the core.
	tenantWide := a.all || a.userID == 0 || h.can(a, "core.user.read", h.fx.RootUnitID)
	out := &pluginv1.GetPeopleResponse{}
	for _, p := range h.fx.People {
		if !wanted(req.GetIds(), p.GetId()) {
			continue
		}
		var grants []*pluginv1.RoleGrant
		matched := false
		for _, g := range p.GetGrants() {
			if !h.reads(a, "core.user.read", g.GetUnitId()) || len(roles) > 0 && !slices.Contains(roles, g.GetRole()) {
				continue
			}
			grants = append(grants, proto.Clone(g).(*pluginv1.RoleGrant))
			matched = matched || atUnit(g.GetUnitId())
		}
		everyone := tenantWide && len(req.GetUnitIds()) == 0 && len(roles) == 0
		if !matched && !everyone {
			continue
		}
		out.People = append(out.People, &pluginv1.Person{Id: p.GetId(), Name: p.GetName(), Email: p.GetEmail(), Grants: grants})
	}
	return out, nil
}

// GetSchoolNames names any school of the fixture among ids, within the
// actor's reach or not, and tells nothing else about it.
func (h *TestHost) GetSchoolNames(_ context.Context, req *pluginv1.GetSchoolNamesRequest) (*pluginv1.GetSchoolNamesResponse, error) {
	if _, err := h.resolve("GetSchoolNames", req.GetActorToken(), req); err != nil {
		return nil, err
	}
	if err := checkIDs(req.GetIds()); err != nil {
		return nil, err
	}
	out := &pluginv1.GetSchoolNamesResponse{}
	for _, s := range h.fx.Schools {
		if slices.Contains(req.GetIds(), s.GetId()) {
			out.Schools = append(out.Schools, &pluginv1.SchoolName{Id: s.GetId(), Name: s.GetName()})
		}
	}
	return out, nil
}

// GetPupils answers like the core: the pupils with these ids and/or at
// these schools (with neither, every pupil in reach) at schools where the
// actor holds core.pupil.read. The tenant's system actor (a job) gets none,
// as from the core. Under WithoutPupils it answers UNIMPLEMENTED, as cores
// before pupil records did.
func (h *TestHost) GetPupils(_ context.Context, req *pluginv1.GetPupilsRequest) (*pluginv1.GetPupilsResponse, error) {
	a, err := h.resolve("GetPupils", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if h.noPupils {
		return nil, status.Error(codes.Unimplemented, "this core keeps no pupil data: GetPupils answers once pupil records exist (contract v1 reserves it)")
	}
	if err := checkIDs(req.GetIds(), req.GetSchoolIds()); err != nil {
		return nil, err
	}
	out := &pluginv1.GetPupilsResponse{}
	if a.userID == 0 {
		return out, nil
	}
	for _, p := range h.fx.Pupils {
		if wanted(req.GetIds(), p.GetId()) && wanted(req.GetSchoolIds(), p.GetSchoolId()) && h.can(a, "core.pupil.read", p.GetSchoolId()) {
			out.Pupils = append(out.Pupils, proto.Clone(p).(*pluginv1.Pupil))
		}
	}
	return out, nil
}

// Authorize answers each check; the system actor holds nothing.
func (h *TestHost) Authorize(_ context.Context, req *pluginv1.AuthorizeRequest) (*pluginv1.AuthorizeResponse, error) {
	a, err := h.resolve("Authorize", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if len(req.GetChecks()) > maxChecks {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d checks per call", maxChecks)
	}
	out := &pluginv1.AuthorizeResponse{Allowed: make([]bool, len(req.GetChecks()))}
	for i, c := range req.GetChecks() {
		out.Allowed[i] = h.can(a, c.GetPermission(), c.GetUnitId())
	}
	return out, nil
}

// Enqueue records a job the manifest declares.
func (h *TestHost) Enqueue(_ context.Context, req *pluginv1.EnqueueRequest) (*pluginv1.EnqueueResponse, error) {
	a, err := h.resolve("Enqueue", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	declared := false
	for _, j := range h.manifest.GetJobs() {
		declared = declared || j.GetName() == req.GetJob()
	}
	switch {
	case !declared:
		return nil, status.Errorf(codes.InvalidArgument, "job %q is not declared in the manifest of %s", req.GetJob(), h.manifest.GetId())
	case len(req.GetPayload()) > maxJobPayload:
		return nil, status.Errorf(codes.InvalidArgument, "a job payload is at most %d bytes", maxJobPayload)
	case req.GetDelaySeconds() < 0 || req.GetDelaySeconds() > maxDelay:
		return nil, status.Errorf(codes.InvalidArgument, "delay_seconds must be 0 to %d", maxDelay)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	id := fmt.Sprintf("test-task-%d", h.seq)
	h.enqueued = append(h.enqueued, Job{TaskID: id, UserID: a.userID, Name: req.GetJob(), Payload: slices.Clone(req.GetPayload()), DelaySeconds: req.GetDelaySeconds()})
	return &pluginv1.EnqueueResponse{TaskId: id}, nil
}

// Audit records an entry whose action carries the plugin's prefix, unless
// RefuseAudits is on (LoseAuditAcks: recorded, then UNAVAILABLE).
func (h *TestHost) Audit(_ context.Context, req *pluginv1.AuditRequest) (*pluginv1.AuditResponse, error) {
	a, err := h.resolve("Audit", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if reason := h.checkAudit(req.GetAction(), req.GetEntityType(), req.GetEntityId(), req.GetBeforeJson(), req.GetAfterJson(), false); reason != "" {
		return nil, status.Error(codes.InvalidArgument, reason)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.refuseAudits {
		return nil, errRefused
	}
	h.audits = append(h.audits, AuditEntry{UserID: a.userID, TenantID: a.tenantID, Action: req.GetAction(), EntityType: req.GetEntityType(),
		EntityID: req.GetEntityId(), BeforeJSON: req.GetBeforeJson(), AfterJSON: req.GetAfterJson(), At: time.Now()})
	if h.loseAuditAck {
		return nil, errLostAck
	}
	return &pluginv1.AuditResponse{}, nil
}

var (
	errRefused = status.Error(codes.Unavailable, "the test Host refuses audit entries (RefuseAudits)")
	errLostAck = status.Error(codes.Unavailable, "the test Host recorded the audit entries but lost the acknowledgement (LoseAuditAcks)")
)

// checkAudit says why the core would refuse an entry's fields ("" if not);
// outbox says the documents are bounded (MaxAuditDocument).
func (h *TestHost) checkAudit(action, entityType, entityID, before, after string, outbox bool) string {
	if err := contract.CheckAuditFields(h.manifest.GetId(), action, entityType, entityID); err != nil {
		return err.Error()
	}
	if outbox && (len(before) > contract.MaxAuditDocument || len(after) > contract.MaxAuditDocument) {
		return fmt.Sprintf("before_json and after_json are at most %d KiB each", contract.MaxAuditDocument>>10)
	}
	for name, doc := range map[string]string{"before_json": before, "after_json": after} {
		if _, err := contract.AuditDocument(doc); err != nil {
			return name + ": " + err.Error()
		}
	}
	return ""
}

// DeliverAudit records the plugin's outbox entries like the core: in order,
// each key once, refusing for good (by position) an entry whose seal this
// Host did not make for the actor it names. RefuseAudits refuses the call;
// LoseAuditAcks records and then answers UNAVAILABLE.
func (h *TestHost) DeliverAudit(_ context.Context, req *pluginv1.DeliverAuditRequest) (*pluginv1.DeliverAuditResponse, error) {
	h.mu.Lock()
	h.calls = append(h.calls, Call{Method: "DeliverAudit", Request: proto.Clone(req)})
	h.mu.Unlock()
	if len(req.GetEntries()) > contract.MaxAuditEntries {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d audit entries per call", contract.MaxAuditEntries)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.refuseAudits {
		return nil, errRefused
	}
	out := &pluginv1.DeliverAuditResponse{}
	for i, e := range req.GetEntries() {
		if reason := h.checkEntry(e); reason != "" {
			out.Refused = fmt.Sprintf("entry %d (key %s): %s", i+1, e.GetKey(), reason)
			break
		}
		if !h.auditKeys[e.GetKey()] {
			h.auditKeys[e.GetKey()] = true
			h.audits = append(h.audits, AuditEntry{UserID: e.GetUserId(), TenantID: e.GetTenantId(), Key: e.GetKey(), RequestID: e.GetRequestId(),
				Action: e.GetAction(), EntityType: e.GetEntityType(), EntityID: e.GetEntityId(), BeforeJSON: e.GetBeforeJson(),
				AfterJSON: e.GetAfterJson(), At: time.UnixMicro(e.GetAtUnixMicro()).UTC()})
		}
		out.Recorded++
	}
	if h.loseAuditAck {
		return nil, errLostAck
	}
	return out, nil
}

// checkEntry says why the core would refuse a delivered entry ("" if not).
func (h *TestHost) checkEntry(e *pluginv1.AuditEntry) string {
	claims := contract.AuditClaims{PluginID: h.manifest.GetId(), TenantID: e.GetTenantId(), UserID: e.GetUserId(),
		UserEmail: e.GetUserEmail(), RequestID: e.GetRequestId()}
	if len(e.GetKey()) < 16 || len(e.GetKey()) > 64 {
		return "the key must be 16 to 64 letters, digits, '-' or '_'"
	}
	if _, err := contract.VerifyAuditSeal(h.auditKey, e.GetSeal(), claims); err != nil {
		return fmt.Sprintf("its seal does not verify for plugin %s and the actor it names", h.manifest.GetId())
	}
	return h.checkAudit(e.GetAction(), e.GetEntityType(), e.GetEntityId(), e.GetBeforeJson(), e.GetAfterJson(), true)
}

// GetSettings returns the manifest's defaults overlaid with the fixture's values.
func (h *TestHost) GetSettings(_ context.Context, req *pluginv1.GetSettingsRequest) (*pluginv1.GetSettingsResponse, error) {
	if _, err := h.resolve("GetSettings", req.GetActorToken(), req); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range h.manifest.GetSettings() {
		out[s.GetKey()] = s.GetDefaultValue()
	}
	for k, v := range h.fx.Settings {
		out[k] = v
	}
	return &pluginv1.GetSettingsResponse{Settings: out}, nil
}

// SendMail records a mail to a person within the actor's reach or to a
// declared address, like the core.
func (h *TestHost) SendMail(_ context.Context, req *pluginv1.SendMailRequest) (*pluginv1.SendMailResponse, error) {
	a, err := h.resolve("SendMail", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	ids, err := h.queueMails(a, []*pluginv1.Mail{{PersonId: req.GetPersonId(), To: req.GetTo(), Subject: req.GetSubject(), Body: req.GetBody()}}, false)
	if err != nil {
		return nil, err
	}
	return &pluginv1.SendMailResponse{MailId: ids[0]}, nil
}

// SendMails records every mail or none, naming the first refused by position.
func (h *TestHost) SendMails(_ context.Context, req *pluginv1.SendMailsRequest) (*pluginv1.SendMailsResponse, error) {
	a, err := h.resolve("SendMails", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if len(req.GetMails()) > contract.MaxMails {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d mails per call", contract.MaxMails)
	}
	ids, err := h.queueMails(a, req.GetMails(), true)
	if err != nil {
		return nil, err
	}
	return &pluginv1.SendMailsResponse{MailIds: ids}, nil
}

// queueMails checks every mail, then records them all.
func (h *TestHost) queueMails(a actorInfo, mails []*pluginv1.Mail, numbered bool) ([]uint64, error) {
	out := make([]Mail, len(mails))
	for i, m := range mails {
		to, err := h.recipient(a, m)
		if err == nil {
			err = checkMail(to, m.GetSubject(), m.GetBody())
		}
		if err != nil {
			if numbered {
				st := status.Convert(err)
				return nil, status.Errorf(st.Code(), "mail %d: %s", i+1, st.Message())
			}
			return nil, err
		}
		out[i] = Mail{UserID: a.userID, To: to, Subject: m.GetSubject(), Body: m.GetBody()}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]uint64, len(out))
	for i, m := range out {
		h.seq++
		m.ID, ids[i] = h.seq, h.seq
		h.mails = append(h.mails, m)
	}
	return ids, nil
}

// mailable reports whether a may mail person p: p holds a role where a may
// read people (the system actor: any role in the tenant).
func (h *TestHost) mailable(a actorInfo, p *pluginv1.Person) bool {
	for _, g := range p.GetGrants() {
		if h.reads(a, "core.user.read", g.GetUnitId()) {
			return true
		}
	}
	return false
}

// recipient returns the address of m, or why a may not send it.
func (h *TestHost) recipient(a actorInfo, m *pluginv1.Mail) (string, error) {
	switch {
	case m.GetPersonId() != 0 && m.GetTo() != "":
		return "", status.Error(codes.InvalidArgument, "give either person_id or to, not both")
	case m.GetPersonId() != 0:
		p := h.fx.person(m.GetPersonId())
		if p == nil || !h.mailable(a, p) {
			return "", status.Errorf(codes.PermissionDenied, "person %d is not within the actor's reach (a person mailed must hold a role where the actor may read people)", m.GetPersonId())
		}
		return p.GetEmail(), nil
	case m.GetTo() == "":
		return "", status.Error(codes.InvalidArgument, "give person_id or to")
	}
	addr, err := netmail.ParseAddress(m.GetTo())
	if err != nil || !strings.Contains(m.GetTo(), "@") {
		return "", status.Error(codes.InvalidArgument, "to is not an email address")
	}
	low := strings.ToLower(addr.Address)
	if h.declared()[low] {
		return m.GetTo(), nil
	}
	for _, p := range h.fx.People {
		if strings.EqualFold(p.GetEmail(), low) && h.mailable(a, p) {
			return m.GetTo(), nil
		}
	}
	return "", status.Error(codes.PermissionDenied, "the address is neither one the plugin declares (a SETTING_TYPE_EMAIL setting's value) nor that of a person within the actor's reach")
}

// declared returns the lower-cased addresses the plugin declares: the
// values of its SETTING_TYPE_EMAIL settings (the fixture's over the defaults).
func (h *TestHost) declared() map[string]bool {
	out := map[string]bool{}
	for _, s := range h.manifest.GetSettings() {
		if s.GetType() != pluginv1.SettingType_SETTING_TYPE_EMAIL {
			continue
		}
		v, ok := h.fx.Settings[s.GetKey()]
		if !ok {
			v = s.GetDefaultValue()
		}
		list, err := netmail.ParseAddressList(v)
		if err != nil {
			continue
		}
		for _, addr := range list {
			out[strings.ToLower(addr.Address)] = true
		}
	}
	return out
}

// checkMail refuses, as InvalidArgument, what the core's outbox would.
func checkMail(to, subject, body string) error {
	if err := contract.CheckMail(to, subject, body); err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return nil
}
