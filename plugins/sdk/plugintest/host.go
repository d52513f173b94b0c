package plugintest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Limits the core applies to Host calls, mirrored here.
const (
	maxIDs        = 5000
	maxChecks     = 1000
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

// AuditEntry is one Audit call.
type AuditEntry struct {
	UserID                       uint64
	Action, EntityType, EntityID string
	BeforeJSON, AfterJSON        string
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
	userID uint64
	all    bool // holds every permission everywhere
}

// TestHost is the core's Host service over a Fixture. It answers like the
// core: within the actor's tenant and reach, refusing unknown or revoked
// tokens, actions without the plugin's prefix and undeclared jobs. It
// records every call.
type TestHost struct {
	pluginv1.UnimplementedHostServiceServer

	fx       *Fixture
	manifest *pluginv1.Manifest
	noPupils bool

	mu       sync.Mutex
	tokens   map[string]actorInfo
	calls    []Call
	audits   []AuditEntry
	mails    []Mail
	enqueued []Job
	seq      uint64
}

// NewTestHost returns a Host answering from fx for the plugin declaring m.
func NewTestHost(fx *Fixture, m *pluginv1.Manifest) *TestHost {
	return &TestHost{fx: fx, manifest: m, tokens: map[string]actorInfo{}}
}

// Mint returns a fresh actor token for user (0: the tenant's system actor);
// all makes it hold every permission everywhere.
func (h *TestHost) Mint(userID uint64, all bool) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	h.mu.Lock()
	h.tokens[tok] = actorInfo{userID: userID, all: all}
	h.mu.Unlock()
	return tok
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

// Reset forgets the recorded calls, audits, mails and jobs.
func (h *TestHost) Reset() {
	h.mu.Lock()
	h.calls, h.audits, h.mails, h.enqueued = nil, nil, nil, nil
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

// GetPeople answers within core.user.read: a person shows with the grants
// the actor reaches.
func (h *TestHost) GetPeople(_ context.Context, req *pluginv1.GetPeopleRequest) (*pluginv1.GetPeopleResponse, error) {
	a, err := h.resolve("GetPeople", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(req.GetIds(), req.GetUnitIds()); err != nil {
		return nil, err
	}
	out := &pluginv1.GetPeopleResponse{}
	for _, p := range h.fx.People {
		if !wanted(req.GetIds(), p.GetId()) {
			continue
		}
		var grants []*pluginv1.RoleGrant
		for _, g := range p.GetGrants() {
			if wanted(req.GetUnitIds(), g.GetUnitId()) && h.reads(a, "core.user.read", g.GetUnitId()) {
				grants = append(grants, proto.Clone(g).(*pluginv1.RoleGrant))
			}
		}
		everyone := (a.all || a.userID == 0) && len(req.GetUnitIds()) == 0
		if len(grants) == 0 && !everyone {
			continue
		}
		out.People = append(out.People, &pluginv1.Person{Id: p.GetId(), Name: p.GetName(), Email: p.GetEmail(), Grants: grants})
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

// Audit records an entry whose action carries the plugin's prefix.
func (h *TestHost) Audit(_ context.Context, req *pluginv1.AuditRequest) (*pluginv1.AuditResponse, error) {
	a, err := h.resolve("Audit", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	prefix := h.manifest.GetId() + "."
	action := req.GetAction()
	switch {
	case !strings.HasPrefix(action, prefix) || action == prefix:
		return nil, status.Errorf(codes.InvalidArgument, "an audit action must start with %q", prefix)
	case len(action) > 100:
		return nil, status.Error(codes.InvalidArgument, "an audit action is at most 100 characters")
	case len(req.GetEntityType()) > 64 || len(req.GetEntityId()) > 64:
		return nil, status.Error(codes.InvalidArgument, "entity_type and entity_id are at most 64 characters")
	case req.GetBeforeJson() != "" && !json.Valid([]byte(req.GetBeforeJson())):
		return nil, status.Error(codes.InvalidArgument, "before_json is not a JSON document")
	case req.GetAfterJson() != "" && !json.Valid([]byte(req.GetAfterJson())):
		return nil, status.Error(codes.InvalidArgument, "after_json is not a JSON document")
	}
	h.mu.Lock()
	h.audits = append(h.audits, AuditEntry{UserID: a.userID, Action: action, EntityType: req.GetEntityType(),
		EntityID: req.GetEntityId(), BeforeJSON: req.GetBeforeJson(), AfterJSON: req.GetAfterJson()})
	h.mu.Unlock()
	return &pluginv1.AuditResponse{}, nil
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

// SendMail records a mail to a person of the tenant or to an address.
func (h *TestHost) SendMail(_ context.Context, req *pluginv1.SendMailRequest) (*pluginv1.SendMailResponse, error) {
	a, err := h.resolve("SendMail", req.GetActorToken(), req)
	if err != nil {
		return nil, err
	}
	to := req.GetTo()
	switch {
	case req.GetPersonId() != 0 && to != "":
		return nil, status.Error(codes.InvalidArgument, "give either person_id or to, not both")
	case req.GetPersonId() != 0:
		p := h.fx.person(req.GetPersonId())
		if p == nil {
			return nil, status.Error(codes.NotFound, "no such person in the tenant")
		}
		to = p.GetEmail()
	case to == "":
		return nil, status.Error(codes.InvalidArgument, "give person_id or to")
	}
	subject := req.GetSubject()
	if _, err := netmail.ParseAddress(to); err != nil || !strings.Contains(to, "@") {
		return nil, status.Errorf(codes.InvalidArgument, "%q is not an email address", to)
	}
	if strings.TrimSpace(subject) == "" || strings.ContainsAny(subject, "\r\n") || utf8.RuneCountInString(subject) > 300 {
		return nil, status.Error(codes.InvalidArgument, "the subject must be one line of 1 to 300 characters")
	}
	if !utf8.ValidString(subject) || !utf8.ValidString(req.GetBody()) {
		return nil, status.Error(codes.InvalidArgument, "subject and body must be UTF-8")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	h.mails = append(h.mails, Mail{ID: h.seq, UserID: a.userID, To: to, Subject: subject, Body: req.GetBody()})
	return &pluginv1.SendMailResponse{MailId: h.seq}, nil
}
