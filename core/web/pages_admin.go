package web

import (
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/validation"
)

func (s *Server) updateUserForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	disabled, _ := strconv.ParseBool(c.FormValue("disabled"))
	if me, _ := userOf(c); me.ID == id && disabled {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "You cannot disable your own account.")
	}
	if _, err := s.Identity.UpdateUser(c.Request().Context(), t.ID, id, c.FormValue("name"), disabled); err != nil {
		return userError(err)
	}
	SetFlash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", id))
}

// revokeUserGrant revokes grant :gid of user :uid (404 unless that user holds it) and returns the user's id.
func (s *Server) revokeUserGrant(c echo.Context) (uint, error) {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	uid, err := paramID(c, "uid")
	if err != nil {
		return 0, err
	}
	gid, err := paramID(c, "gid")
	if err != nil {
		return 0, err
	}
	grants, err := s.Authz.Grants(ctx, t.ID, uid)
	if err != nil {
		return 0, err
	}
	for _, g := range grants {
		if g.ID == gid {
			return uid, userError(s.Authz.Revoke(ctx, t.ID, gid))
		}
	}
	return 0, echo.NewHTTPError(http.StatusNotFound, "That user holds no such role.")
}

func (s *Server) revokeForm(c echo.Context) error {
	uid, err := s.revokeUserGrant(c)
	if err != nil {
		return err
	}
	SetFlash(c, "Role removed.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", uid))
}

// settingField is one tenant setting the settings page edits; Placeholder
// shows the value an empty field means.
type settingField struct {
	Key, Label, Value, Placeholder string
	// Error is what is wrong with Value, when the form came back.
	Error    string
	validate func(string) error
}

func settingFields() []settingField {
	return []settingField{
		{Key: "display_name", Label: "Name shown to users", validate: func(v string) error {
			if len(v) > 200 {
				return fmt.Errorf("at most 200 characters")
			}
			if p := validation.NameProblem(v); p != "" {
				return errors.New(p)
			}
			return nil
		}},
		{Key: "contact_email", Label: "Contact email for users", validate: func(v string) error {
			if v == "" {
				return nil
			}
			_, err := netmail.ParseAddress(v)
			return err
		}},
		{Key: "privacy_notice_url", Label: "Privacy notice URL", validate: func(v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fmt.Errorf("must be an http(s) URL")
			}
			return nil
		}},
		{Key: "academic_year_start_month", Label: "Academic year starts in month (1-12)", validate: func(v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 12 {
				return fmt.Errorf("must be a month number from 1 to 12")
			}
			return nil
		}},
		{Key: tenancy.SettingTimezone, Label: "Time zone of schedules (an IANA name; empty: Europe/London)", Placeholder: tenancy.DefaultTimezone,
			validate: func(v string) error {
				_, err := tenancy.ParseTimezone(v)
				return err
			}},
		{Key: privacy.SettingRetentionDays, Label: "Erase pupils this many days after they leave (empty: 365; 0: keep)", validate: func(v string) error {
			_, err := privacy.ParseRetentionDays(v)
			return err
		}},
	}
}

func (s *Server) settingsPage(c echo.Context) error {
	t, _ := tenantOf(c)
	vals, err := s.Tenancy.Settings(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	fields := settingFields()
	for i := range fields {
		fields[i].Value = vals[fields[i].Key]
	}
	return s.renderSettings(c, http.StatusOK, fields, "")
}

// renderSettings draws the settings page with fields as given (values and
// errors of a form that came back).
func (s *Server) renderSettings(c echo.Context, status int, fields []settingField, alert string) error {
	t, _ := tenantOf(c)
	hosts, err := s.Tenancy.TenantHosts(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	canWrite, err := s.canTenantWide(c, authz.PermTenantWrite)
	if err != nil {
		return err
	}
	return s.renderAlert(c, status, "settings", "Settings", map[string]any{"Fields": fields, "Hosts": hosts, "CanWrite": canWrite}, alert)
}

func (s *Server) saveSettings(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	current, err := s.Tenancy.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	bad := false
	changes := map[string]string{}
	fields := settingFields()
	for i, f := range fields {
		v := strings.TrimSpace(c.FormValue(f.Key))
		fields[i].Value = v
		if err := f.validate(v); err != nil {
			fields[i].Error, bad = err.Error(), true
			continue
		}
		if v != current[f.Key] {
			changes[f.Key] = v
		}
	}
	if bad {
		return s.renderSettings(c, formStatus, fields, formSummary)
	}
	for k, v := range changes {
		if err := s.Tenancy.SetSetting(ctx, t.ID, k, v); err != nil {
			return userError(err)
		}
	}
	SetFlash(c, fmt.Sprintf("Settings saved (%s changed).", plural(len(changes), "setting")))
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// sendTestMail queues a test message to the signed-in admin, proving the
// outbox, the job worker and the SMTP (or mail log) settings end to end.
func (s *Server) sendTestMail(c echo.Context) error {
	if s.Mail == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Mail is not configured on this server.")
	}
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	msg := mail.Message{TenantID: t.ID, To: u.Email, Subject: "Upwards test email",
		Body: fmt.Sprintf("This is a test email from Upwards for %s, sent at the request of %s.\n\nIf you can read it, outgoing mail works.\n", t.Name, u.Name)}
	var id uint
	err := s.DB.For(ctx, t.ID).Transaction(func(tx *gorm.DB) error {
		var err error
		if id, err = s.Mail.Queue(ctx, tx, msg); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: t.ID, Action: "mail.test", EntityType: "outbox_mail",
			EntityID: strconv.FormatUint(uint64(id), 10), After: map[string]string{"to": u.Email, "subject": msg.Subject}})
	})
	if err != nil {
		return fmt.Errorf("queue test mail: %w", err)
	}
	if err := s.Mail.Kick(ctx, id); err != nil {
		s.Log.WarnContext(ctx, "test mail queued but not kicked; the sweep will send it", "mail_id", id, "error", err.Error())
	}
	SetFlash(c, "A test email is on its way to "+u.Email+".")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

func auditFilter(c echo.Context) audit.Filter {
	f := audit.Filter{Action: strings.TrimSpace(c.QueryParam("action")), ActorLabel: strings.TrimSpace(c.QueryParam("actor")),
		EntityType: c.QueryParam("entity_type"), EntityID: c.QueryParam("entity_id")}
	if id, err := strconv.ParseUint(strings.TrimSpace(c.QueryParam("pupil")), 10, 32); err == nil {
		f.PupilID = uint(id) // the pupil's id, never a UPN
	}
	return f
}

func (s *Server) auditPage(c echo.Context) error {
	t, _ := tenantOf(c)
	f := auditFilter(c)
	f.Limit, f.Offset = pageSize, queryInt(c, "offset", 0)
	evs, total, err := audit.List(c.Request().Context(), s.DB.For(c.Request().Context(), t.ID), t.ID, f)
	if err != nil {
		return err
	}
	p := makePager(f.Offset, pageSize, total)
	return s.render(c, http.StatusOK, "audit", "Audit log", map[string]any{"Events": evs, "Total": total, "Filter": f,
		"Prev": p.Prev, "Next": p.Next, "PrevOffset": p.PrevOffset, "NextOffset": p.NextOffset})
}

func (s *Server) auditCSV(c echo.Context) error {
	t, _ := tenantOf(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", "audit-"+t.Slug+".csv"))
	c.Response().WriteHeader(http.StatusOK)
	return audit.WriteCSV(c.Request().Context(), s.DB.For(c.Request().Context(), t.ID), t.ID, auditFilter(c), c.Response())
}
