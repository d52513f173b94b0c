package pluginhost

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// SendMail queues one mail: SendMails with one mail, its errors naming no
// position.
func (h *hostServer) SendMail(ctx context.Context, req *pluginv1.SendMailRequest) (*pluginv1.SendMailResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := h.queueMails(ctx, a, []*pluginv1.Mail{{PersonId: req.GetPersonId(), To: req.GetTo(), Subject: req.GetSubject(), Body: req.GetBody()}}, false)
	if err != nil {
		return nil, err
	}
	return &pluginv1.SendMailResponse{MailId: ids[0]}, nil
}

// SendMails queues every mail or none: each is checked (recipient within
// reach or declared, subject, body) before any is queued, and the first one
// refused is named by its position.
func (h *hostServer) SendMails(ctx context.Context, req *pluginv1.SendMailsRequest) (*pluginv1.SendMailsResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	if len(req.GetMails()) > contract.MaxMails {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d mails per call", contract.MaxMails)
	}
	ids, err := h.queueMails(ctx, a, req.GetMails(), true)
	if err != nil {
		return nil, err
	}
	return &pluginv1.SendMailsResponse{MailIds: ids}, nil
}

// queueMails checks mails and queues them in one transaction, then hands
// them to the send job. Errors name a mail by position when numbered.
func (h *hostServer) queueMails(ctx context.Context, a actor, mails []*pluginv1.Mail, numbered bool) ([]uint64, error) {
	if len(mails) == 0 {
		return nil, nil
	}
	if h.rt.deps.Mail == nil {
		return nil, status.Error(codes.Unavailable, "this process has no mail outbox")
	}
	r, err := h.mailReach(ctx, a, mails)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	msgs := make([]mail.Message, len(mails))
	for i, m := range mails {
		where := ""
		if numbered {
			where = fmt.Sprintf("mail %d: ", i+1)
		}
		to, err := r.recipient(m)
		if err == nil {
			err = checkMail(to, m.GetSubject(), m.GetBody())
		}
		if err != nil {
			st := status.Convert(err)
			return nil, status.Error(st.Code(), where+st.Message())
		}
		msgs[i] = mail.Message{TenantID: a.TenantID, To: to, Subject: m.GetSubject(), Body: m.GetBody()}
	}
	actx := audit.WithActor(ctx, auditActor(a))
	out := make([]uint64, len(msgs))
	err = h.rt.deps.DB.WithContext(actx).Transaction(func(tx *gorm.DB) error {
		for i, m := range msgs {
			id, err := h.rt.deps.Mail.Queue(actx, tx, m)
			if err != nil {
				return err
			}
			out[i] = uint64(id)
		}
		return nil
	})
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	for _, id := range out {
		if err := h.rt.deps.Mail.Kick(actx, uint(id)); err != nil {
			h.rt.log.WarnContext(ctx, "plugin mail queued but not kicked; the sweep will send it", "plugin", h.pluginID, "mail_id", id, "error", err.Error())
		}
	}
	return out, nil
}

// reachOfMail is who the actor may mail: people (by id, or by address) who
// hold a role granted within the actor's core.user.read reach (for the
// tenant's system actor, any role in the tenant), and the addresses the
// plugin declares (the tenant's values of its SETTING_TYPE_EMAIL settings).
type reachOfMail struct {
	byID     map[uint64]string // person id → address, for people in reach
	byAddr   map[string]bool   // lower-cased addresses of people in reach
	declared map[string]bool   // lower-cased declared addresses
}

// mailReach loads what deciding on mails' recipients needs, in a few
// queries whatever their number.
func (h *hostServer) mailReach(ctx context.Context, a actor, mails []*pluginv1.Mail) (*reachOfMail, error) {
	r := &reachOfMail{byID: map[uint64]string{}, byAddr: map[string]bool{}, declared: map[string]bool{}}
	var ids []uint
	var addrs []string
	for _, m := range mails {
		if id := m.GetPersonId(); id != 0 && id <= uint64(^uint(0)) {
			ids = append(ids, uint(id))
		}
		if addr, err := netmail.ParseAddress(m.GetTo()); err == nil {
			addrs = append(addrs, strings.ToLower(addr.Address))
		}
	}
	settings, m, err := h.settings(ctx, a.TenantID)
	if err != nil {
		return nil, err
	}
	for _, s := range m.GetSettings() {
		if s.GetType() != pluginv1.SettingType_SETTING_TYPE_EMAIL {
			continue
		}
		list, err := netmail.ParseAddressList(settings[s.GetKey()])
		if err != nil {
			continue
		}
		for _, addr := range list {
			r.declared[strings.ToLower(addr.Address)] = true
		}
	}
	if len(ids) == 0 && len(addrs) == 0 {
		return r, nil
	}
	all, set, err := h.reach(ctx, a, authz.PermUserRead)
	if err != nil || !all && len(set) == 0 {
		return r, err
	}
	db := h.rt.deps.DB.WithContext(ctx)
	var users []identity.User
	q := db.Where("tenant_id = ?", a.TenantID)
	switch {
	case len(ids) > 0 && len(addrs) > 0:
		q = q.Where("id IN ? OR email IN ?", ids, addrs)
	case len(ids) > 0:
		q = q.Where("id IN ?", ids)
	default:
		q = q.Where("email IN ?", addrs)
	}
	if err := q.Find(&users).Error; err != nil {
		return nil, fmt.Errorf("load mail recipients: %w", err)
	}
	if len(users) == 0 {
		return r, nil
	}
	uids := make([]uint, len(users))
	for i, u := range users {
		uids[i] = u.ID
	}
	var grants []authz.Grant
	if err := db.Where("tenant_id = ? AND user_id IN ?", a.TenantID, uids).Find(&grants).Error; err != nil {
		return nil, fmt.Errorf("load roles of mail recipients: %w", err)
	}
	reached := map[uint]bool{}
	for _, g := range grants {
		if all || set[g.UnitID] {
			reached[g.UserID] = true
		}
	}
	for _, u := range users {
		if reached[u.ID] {
			r.byID[uint64(u.ID)] = u.Email
			r.byAddr[strings.ToLower(u.Email)] = true
		}
	}
	return r, nil
}

// recipient returns the address m goes to, or why the actor may not send it.
// A person out of reach and one that does not exist are refused alike, so
// the answer tells nothing about people the actor cannot see; a refused
// address is not echoed.
func (r *reachOfMail) recipient(m *pluginv1.Mail) (string, error) {
	switch {
	case m.GetPersonId() != 0 && m.GetTo() != "":
		return "", status.Error(codes.InvalidArgument, "give either person_id or to, not both")
	case m.GetPersonId() != 0:
		to, ok := r.byID[m.GetPersonId()]
		if !ok {
			return "", status.Errorf(codes.PermissionDenied, "person %d is not within the actor's reach (a person mailed must hold a role where the actor may read people)", m.GetPersonId())
		}
		return to, nil
	case m.GetTo() == "":
		return "", status.Error(codes.InvalidArgument, "give person_id or to")
	}
	addr, err := netmail.ParseAddress(m.GetTo())
	if err != nil || !strings.Contains(m.GetTo(), "@") {
		return "", status.Error(codes.InvalidArgument, "to is not an email address")
	}
	if low := strings.ToLower(addr.Address); !r.declared[low] && !r.byAddr[low] {
		return "", status.Error(codes.PermissionDenied, "the address is neither one the plugin declares (a SETTING_TYPE_EMAIL setting's value) nor that of a person within the actor's reach")
	}
	return m.GetTo(), nil
}

// checkMail refuses, as InvalidArgument, what the outbox would refuse.
func checkMail(to, subject, body string) error {
	if err := contract.CheckMail(to, subject, body); err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return nil
}
