package identity

import (
	"testing"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// An email counts as verified by the standard claim, or by Microsoft Entra
// ID's xms_edov claim, and by nothing else.
func TestEmailVerifiedClaims(t *testing.T) {
	cases := []struct {
		std   oidc.Bool
		extra map[string]any
		want  bool
	}{
		{true, nil, true},
		{false, nil, false},
		{false, map[string]any{"xms_edov": true}, true},
		{false, map[string]any{"xms_edov": "true"}, true},
		{false, map[string]any{"xms_edov": float64(1)}, true},
		{false, map[string]any{"xms_edov": false}, false},
		{false, map[string]any{"xms_edov": "false"}, false},
		{false, map[string]any{"email_verified_elsewhere": true}, false},
	}
	for _, tc := range cases {
		if got := emailVerified(tc.std, tc.extra); got != tc.want {
			t.Errorf("emailVerified(%v, %v) = %v, want %v", tc.std, tc.extra, got, tc.want)
		}
	}
}

// Only an email of an allowed domain passes; a look-alike does not.
func TestProviderAllowsOnlyItsDomains(t *testing.T) {
	p := OIDCProvider{AllowedDomains: "school.org.uk trust.org.uk"}
	for email, want := range map[string]bool{
		"a@school.org.uk":      true,
		"a@trust.org.uk":       true,
		"a@evil-school.org.uk": false,
		"a@sub.school.org.uk":  false,
		"a@school.org.uk.evil": false,
		"school.org.uk":        false,
	} {
		if got := p.allows(email); got != want {
			t.Errorf("allows(%q) = %v, want %v", email, got, want)
		}
	}
}
