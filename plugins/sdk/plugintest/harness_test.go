package plugintest

import (
	"errors"
	"net/http"
	"testing"
)

func TestHarnessEnforcesRoutePermissionsLikeTheCore(t *testing.T) {
	h := Start(t, helloBin)
	if h.FirstMigrate.GetToVersion() != 1 {
		t.Fatalf("Start migrated to %d", h.FirstMigrate.GetToVersion())
	}
	cases := []struct {
		name   string
		status int32
		resp   func() (int32, error)
	}{
		{"teacher reads", http.StatusOK, func() (int32, error) { r, err := h.HTTP(h.As(TeacherID), "GET", "/", nil); return r.GetStatus(), err }},
		{"no grants", http.StatusForbidden, func() (int32, error) { r, err := h.HTTP(h.NoGrants(), "GET", "/", nil); return r.GetStatus(), err }},
		{"system actor", http.StatusNotFound, func() (int32, error) { r, err := h.HTTP(h.System(), "GET", "/", nil); return r.GetStatus(), err }},
		{"headteacher writes", http.StatusForbidden, func() (int32, error) {
			r, err := h.HTTP(h.As(HeadID), "POST", "/greetings", nil)
			return r.GetStatus(), err
		}},
	}
	for _, c := range cases {
		got, err := c.resp()
		if err != nil || got != c.status {
			t.Errorf("%s: %d, %v; want %d", c.name, got, err, c.status)
		}
	}
	if _, err := h.HTTP(h.AllPermissions(), "GET", "/nowhere", nil); !errors.Is(err, ErrNoRoute) {
		t.Errorf("undeclared path: %v", err)
	}
	// Tokens end with the call, as in the core.
	before := len(h.Host.tokens)
	if _, err := h.HTTP(h.AllPermissions(), "GET", "/", nil); err != nil || len(h.Host.tokens) != before {
		t.Errorf("tokens left behind: %d → %d (%v)", before, len(h.Host.tokens), err)
	}
}
