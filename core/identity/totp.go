package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// Session steps still owed (Session.Pending).
const (
	// PendingSecondFactor: the password was right; the TOTP or a recovery code is awaited.
	PendingSecondFactor = "second_factor"
	// PendingEnrol: the tenant requires this user to have a second factor and
	// they have none yet; they may do nothing but set one up.
	PendingEnrol = "enrol"
)

// RecoveryCodeCount is how many recovery codes a confirmed enrolment issues.
const RecoveryCodeCount = 10

const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrSecondFactor: the code is wrong, already used, or there is no second
// factor to check it against.
var ErrSecondFactor = errors.New("that code is not right")

// userTOTP is a user's TOTP secret (table user_totp), sealed.
type userTOTP struct {
	UserID      uint `gorm:"primaryKey;autoIncrement:false"`
	TenantID    uint
	Secret      []byte
	ConfirmedAt *time.Time
	LastStep    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (userTOTP) TableName() string { return "user_totp" }

type recoveryCode struct {
	ID        uint `gorm:"primaryKey"`
	UserID    uint
	TenantID  uint
	CodeHash  string
	CreatedAt time.Time
	UsedAt    *time.Time
}

func (recoveryCode) TableName() string { return "user_recovery_codes" }

type secondFactorAttempt struct {
	ID        uint `gorm:"primaryKey"`
	UserID    uint
	TenantID  uint
	Success   bool
	CreatedAt time.Time
}

func (secondFactorAttempt) TableName() string { return "second_factor_attempts" }

// Enrolment is a TOTP secret being set up: show the QR code (a PNG of URL)
// and the secret for typing in, then ConfirmTOTP with a code from the app.
type Enrolment struct {
	Secret string
	URL    string
	PNG    []byte
}

func sealContext(userID uint) string { return "totp:user:" + idString(userID) }

// HasSecondFactor reports whether the user has a confirmed TOTP secret.
func (s *Service) HasSecondFactor(ctx context.Context, tenantID, userID uint) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userTOTP{}).
		Where("tenant_id = ? AND user_id = ? AND confirmed_at IS NOT NULL", tenantID, userID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// RequireSecondFactor reports whether the tenant requires a second factor of
// its administrators and operators.
func (s *Service) RequireSecondFactor(ctx context.Context, tenantID uint) (bool, error) {
	var req bool
	err := s.db.WithContext(ctx).Raw("SELECT require_second_factor FROM tenants WHERE id = ?", tenantID).Scan(&req).Error
	if err != nil {
		return false, fmt.Errorf("tenant %d second factor setting: %w", tenantID, err)
	}
	return req, nil
}

// SetRequireSecondFactor changes the tenant's setting, audited. Users it
// newly applies to must set up a second factor at their next login.
func (s *Service) SetRequireSecondFactor(ctx context.Context, tenantID uint, require bool) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before bool
		if err := tx.Raw("SELECT require_second_factor FROM tenants WHERE id = ?", tenantID).Scan(&before).Error; err != nil {
			return err
		}
		if before == require {
			return nil
		}
		if err := tx.Exec("UPDATE tenants SET require_second_factor = ? WHERE id = ?", require, tenantID).Error; err != nil {
			return err
		}
		type setting struct {
			RequireSecondFactor bool `json:"require_second_factor"`
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "tenant.require_second_factor", EntityType: "tenant",
			EntityID: idString(tenantID), Before: setting{before}, After: setting{require}})
	})
	if err != nil {
		return fmt.Errorf("set second factor requirement of tenant %d: %w", tenantID, err)
	}
	return nil
}

// secondFactorRequired reports whether u must have a second factor: the
// tenant requires it and u is an operator or (Options.IsAdministrator) an
// administrator.
func (s *Service) secondFactorRequired(ctx context.Context, u User) (bool, error) {
	req, err := s.RequireSecondFactor(ctx, u.TenantID)
	if err != nil || !req {
		return false, err
	}
	if u.IsOperator {
		return true, nil
	}
	if s.opts.IsAdministrator == nil {
		return false, nil
	}
	admin, err := s.opts.IsAdministrator(ctx, u.TenantID, u.ID)
	if err != nil {
		return false, fmt.Errorf("is user %d an administrator: %w", u.ID, err)
	}
	return admin, nil
}

// pendingStep is what a new session of u still owes after the password.
func (s *Service) pendingStep(ctx context.Context, u User) (string, error) {
	on, err := s.HasSecondFactor(ctx, u.TenantID, u.ID)
	if err != nil {
		return "", err
	}
	if on {
		return PendingSecondFactor, nil
	}
	req, err := s.secondFactorRequired(ctx, u)
	if err != nil {
		return "", err
	}
	if req {
		return PendingEnrol, nil
	}
	return "", nil
}

// BeginTOTP makes a new TOTP secret for the user, kept sealed and unconfirmed
// until ConfirmTOTP. A user who already has a confirmed one gets ErrConflict.
func (s *Service) BeginTOTP(ctx context.Context, tenantID, userID uint) (Enrolment, error) {
	if s.opts.Sealer == nil {
		return Enrolment{}, errors.New("begin totp: no sealing key configured")
	}
	u, err := s.GetUser(ctx, tenantID, userID)
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin totp: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.opts.Issuer, AccountName: u.Email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin totp: generate: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin totp: qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("begin totp: png: %w", err)
	}
	now := s.now()
	row := userTOTP{UserID: u.ID, TenantID: tenantID, Secret: s.opts.Sealer.Seal(key.Secret(), sealContext(u.ID)), CreatedAt: now, UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userTOTP{}).Where("user_id = ? AND confirmed_at IS NOT NULL", u.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&userTOTP{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.second_factor_begin", EntityType: "user",
			EntityID: idString(u.ID), After: map[string]any{"second_factor": "totp", "confirmed": false}})
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin totp for user %d: %w", u.ID, err)
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

// ConfirmTOTP checks a code against the user's unconfirmed secret and, if it
// is right, turns the second factor on, returns fresh recovery codes (shown
// once; only their hashes are kept) and lifts an enrol step from the session
// named by sessionToken. Attempts are rate limited as VerifySecondFactor's.
func (s *Service) ConfirmTOTP(ctx context.Context, tenantID, userID uint, code, sessionToken string) ([]string, error) {
	var codes []string
	err := s.attempt(ctx, tenantID, userID, func(tx *gorm.DB, now time.Time) error {
		var row userTOTP
		err := s.forUpdate(tx).Where("tenant_id = ? AND user_id = ? AND confirmed_at IS NULL", tenantID, userID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrSecondFactor
		}
		if err != nil {
			return err
		}
		step, err := s.matchStep(row, code, now)
		if err != nil {
			return err
		}
		if err := tx.Model(&userTOTP{}).Where("user_id = ?", userID).
			Updates(map[string]any{"confirmed_at": now, "last_step": step, "updated_at": now}).Error; err != nil {
			return err
		}
		if codes, err = newRecoveryCodes(tx, tenantID, userID, now); err != nil {
			return err
		}
		if sessionToken != "" {
			if err := tx.Model(&Session{}).Where("id = ? AND user_id = ? AND pending = ?", hashToken(sessionToken), userID, PendingEnrol).
				Update("pending", "").Error; err != nil {
				return fmt.Errorf("lift enrol step: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.second_factor_on", EntityType: "user",
			EntityID: idString(userID), After: map[string]any{"second_factor": "totp", "recovery_codes": RecoveryCodeCount}})
	})
	if err != nil {
		return nil, fmt.Errorf("confirm totp of user %d: %w", userID, err)
	}
	return codes, nil
}

// VerifySecondFactor completes a login: the session named by sessionToken
// must await its second factor, and code is a current TOTP code (not one
// already used: replay is refused) or an unused recovery code. Five wrong
// codes within LoginWindow lock the user's attempts (ErrRateLimited).
func (s *Service) VerifySecondFactor(ctx context.Context, sessionToken, code string) (Session, User, error) {
	if !isBase64URL(sessionToken) {
		return Session{}, User{}, fmt.Errorf("second factor: %w", ErrNotFound)
	}
	var sess Session
	err := s.db.WithContext(ctx).Where("id = ? AND expires_at > ? AND pending = ?", hashToken(sessionToken), s.now(), PendingSecondFactor).
		Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, User{}, fmt.Errorf("second factor: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("second factor: load session: %w", err)
	}
	err = s.attempt(ctx, sess.TenantID, sess.UserID, func(tx *gorm.DB, now time.Time) error {
		var row userTOTP
		err := s.forUpdate(tx).Where("user_id = ? AND confirmed_at IS NOT NULL", sess.UserID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrSecondFactor
		}
		if err != nil {
			return err
		}
		how := "totp"
		if step, terr := s.matchStep(row, code, now); terr == nil {
			// Conditional: of two requests with one code, one wins.
			res := tx.Model(&userTOTP{}).Where("user_id = ? AND last_step < ?", row.UserID, step).
				Updates(map[string]any{"last_step": step, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return ErrSecondFactor
			}
		} else {
			if err := useRecoveryCode(tx, sess.UserID, code, now); err != nil {
				return err
			}
			how = "recovery_code"
		}
		res := tx.Model(&Session{}).Where("id = ? AND pending = ?", sess.ID, PendingSecondFactor).Update("pending", "")
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: sess.TenantID, Action: "user.second_factor_verify", EntityType: "user",
			EntityID: idString(sess.UserID), After: map[string]any{"with": how}})
	})
	if err != nil {
		return Session{}, User{}, fmt.Errorf("second factor: %w", err)
	}
	sess.Pending = ""
	u, err := s.GetUser(ctx, sess.TenantID, sess.UserID)
	if err != nil {
		return Session{}, User{}, err
	}
	return sess, u, nil
}

// DisableTOTP turns the user's second factor off after checking the
// password, unless the tenant requires it of this user.
func (s *Service) DisableTOTP(ctx context.Context, tenantID, userID uint, password string) error {
	u, err := s.GetUser(ctx, tenantID, userID)
	if err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return fmt.Errorf("disable totp of user %d: %w", userID, err)
	}
	if !ok {
		return fmt.Errorf("disable totp: %w", ErrBadCredentials)
	}
	if req, err := s.secondFactorRequired(ctx, u); err != nil {
		return err
	} else if req {
		return invalid("second_factor", "is required of administrators and operators of this organisation")
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", userID).Delete(&userTOTP{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.second_factor_off", EntityType: "user",
			EntityID: idString(userID), Before: map[string]any{"second_factor": "totp"}})
	})
	if err != nil {
		return fmt.Errorf("disable totp of user %d: %w", userID, err)
	}
	return nil
}

// attempt runs check in a transaction as one rate-limited second-factor
// attempt of the user. The attempt is recorded first, as a failure, in its
// own statement so that it stays when check fails; it is marked a success
// with check's changes.
func (s *Service) attempt(ctx context.Context, tenantID, userID uint, check func(tx *gorm.DB, now time.Time) error) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	att := secondFactorAttempt{UserID: userID, TenantID: tenantID, CreatedAt: now}
	if err := db.Create(&att).Error; err != nil {
		return fmt.Errorf("record attempt: %w", err)
	}
	var lastOK int64
	if err := db.Model(&secondFactorAttempt{}).Select("COALESCE(MAX(id), 0)").
		Where("user_id = ? AND success = ?", userID, true).Scan(&lastOK).Error; err != nil {
		return fmt.Errorf("last good attempt: %w", err)
	}
	var n int64
	if err := db.Model(&secondFactorAttempt{}).
		Where("user_id = ? AND success = ? AND id > ? AND id <> ? AND created_at > ?", userID, false, lastOK, att.ID, now.Add(-s.opts.LoginWindow)).
		Count(&n).Error; err != nil {
		return fmt.Errorf("count failed attempts: %w", err)
	}
	if n >= int64(s.opts.LoginLimit) {
		return ErrRateLimited
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := check(tx, now); err != nil {
			return err
		}
		return tx.Model(&secondFactorAttempt{}).Where("id = ?", att.ID).Update("success", true).Error
	})
}

// matchStep returns the time step (within one step of now, for clock drift)
// whose code is code; a step not after the last one accepted is refused.
func (s *Service) matchStep(row userTOTP, code string, now time.Time) (int64, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, ErrSecondFactor
	}
	if s.opts.Sealer == nil {
		return 0, errors.New("no sealing key configured")
	}
	secret, err := s.opts.Sealer.Open(row.Secret, sealContext(row.UserID))
	if err != nil {
		return 0, fmt.Errorf("open totp secret of user %d: %w", row.UserID, err)
	}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, fmt.Errorf("totp code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if step <= row.LastStep {
				return 0, ErrSecondFactor // replayed
			}
			return step, nil
		}
	}
	return 0, ErrSecondFactor
}

const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCodes replaces the user's recovery codes with fresh ones.
func newRecoveryCodes(tx *gorm.DB, tenantID, userID uint, now time.Time) ([]string, error) {
	if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
		return nil, fmt.Errorf("drop old recovery codes: %w", err)
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		for j := range b {
			b[j] = recoveryAlphabet[int(b[j])%len(recoveryAlphabet)]
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
		row := recoveryCode{UserID: userID, TenantID: tenantID, CodeHash: hashToken(normalizeRecovery(codes[i])), CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return nil, fmt.Errorf("store recovery code: %w", err)
		}
	}
	return codes, nil
}

func normalizeRecovery(code string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(code)))
}

// useRecoveryCode spends one unused recovery code of the user.
func useRecoveryCode(tx *gorm.DB, userID uint, code string, now time.Time) error {
	c := normalizeRecovery(code)
	if len(c) != 10 {
		return ErrSecondFactor
	}
	res := tx.Model(&recoveryCode{}).Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, hashToken(c)).Update("used_at", now)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrSecondFactor
	}
	return nil
}
