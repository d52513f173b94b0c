package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/mail"
)

// resetSentMessage is the one answer to a reset request, whether or not the
// address has an account, so that the form cannot tell who has one.
const resetSentMessage = "If an account uses that address, we have sent it a link to set a new password. The link works once, for an hour. No email? Check the spam folder, or ask your administrator."

type forgotView struct {
	Email, Message string
	Sent           bool
}

func (s *Server) forgotPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "password_forgot", "Forgot password", forgotView{})
}

// forgot records a reset request. Known or not, the address gets the same
// page; the link's mail is queued with the request and sent by the worker,
// whose kick runs after the answer so that it adds no time a visitor could
// measure.
func (s *Server) forgot(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	email := strings.TrimSpace(c.FormValue("email"))
	var mailID uint
	deliver := func(ctx context.Context, tx *gorm.DB, u identity.User, token string) error {
		if s.Mail == nil {
			return errors.New("outgoing mail is not set up")
		}
		var err error
		mailID, err = s.Mail.Queue(ctx, tx, resetMail(t.ID, t.Name, u, s.resetLink(token)))
		return err
	}
	err := s.Identity.RequestPasswordReset(ctx, t.ID, email, c.RealIP(), deliver)
	view := forgotView{Email: email}
	switch {
	case errors.Is(err, identity.ErrRateLimited):
		view.Message = "Too many requests for this address or from your network. Wait an hour and try again."
		return s.render(c, http.StatusTooManyRequests, "password_forgot", "Forgot password", view)
	case err != nil:
		if msg, ok := validationMessage(err); ok {
			view.Message = msg
			return s.render(c, http.StatusUnprocessableEntity, "password_forgot", "Forgot password", view)
		}
		return err
	}
	if mailID != 0 {
		go s.kickMail(context.WithoutCancel(ctx), mailID)
	}
	view.Message, view.Sent, view.Email = resetSentMessage, true, ""
	return s.render(c, http.StatusOK, "password_forgot", "Forgot password", view)
}

func (s *Server) kickMail(ctx context.Context, id uint) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.Mail.Kick(ctx, id); err != nil {
		s.Log.WarnContext(ctx, "reset mail queued but not kicked; the sweep will send it", "mail_id", id, "error", err.Error())
	}
}

// resetLink is the reset page's address on the configured base URL (never
// the request's Host header, which a caller controls). The token rides in
// the query string, which the request log leaves out.
func (s *Server) resetLink(token string) string {
	return strings.TrimRight(s.Config.BaseURL, "/") + "/password/reset?token=" + url.QueryEscape(token)
}

func resetMail(tenantID uint, tenantName string, u identity.User, link string) mail.Message {
	return mail.Message{TenantID: tenantID, To: u.Email, Subject: "Set a new Upwards password",
		Body: fmt.Sprintf("Hello %s,\n\nSomeone (we hope you) asked to set a new password for your Upwards account at %s.\n"+
			"Open this link within an hour to choose one; it works once:\n\n%s\n\n"+
			"Setting it logs out all your sessions and revokes your API tokens.\n"+
			"If you did not ask, ignore this email: your password stays as it is.\n", u.Name, tenantName, link)}
}

type resetView struct {
	Token, Email, Message string
}

func (s *Server) resetPage(c echo.Context) error {
	token := c.QueryParam("token")
	u, err := s.Identity.CheckResetToken(c.Request().Context(), token)
	if errors.Is(err, identity.ErrNotFound) {
		return s.render(c, http.StatusNotFound, "password_reset", "Set a new password",
			resetView{Message: "This link has expired or has already been used."})
	}
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "password_reset", "Set a new password", resetView{Token: token, Email: u.Email})
}

func (s *Server) reset(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.FormValue("token")
	_, err := s.Identity.ResetPassword(ctx, token, c.FormValue("new_password"))
	switch {
	case errors.Is(err, identity.ErrNotFound), errors.Is(err, identity.ErrDisabled):
		return s.render(c, http.StatusNotFound, "password_reset", "Set a new password",
			resetView{Message: "This link has expired or has already been used."})
	case err != nil:
		msg, ok := validationMessage(err)
		if !ok {
			return err
		}
		u, cerr := s.Identity.CheckResetToken(ctx, token)
		if cerr != nil {
			return cerr
		}
		return s.render(c, http.StatusUnprocessableEntity, "password_reset", "Set a new password",
			resetView{Token: token, Email: u.Email, Message: msg})
	}
	SetFlash(c, "Your password is set. Every session of your account has been logged out; log in with the new password.")
	return c.Redirect(http.StatusSeeOther, "/login")
}
