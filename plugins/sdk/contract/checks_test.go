package contract_test

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

func TestChecksSayWhyTheCoreWouldRefuse(t *testing.T) {
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"good mail":        {contract.CheckMail("Ada <ada@example.org>", "Hello", "Body"), ""},
		"bad address":      {contract.CheckMail("ada.example.org", "Hello", "Body"), "not an email address"},
		"two-line subject": {contract.CheckMail("ada@example.org", "a\nb", ""), "one line"},
		"empty subject":    {contract.CheckMail("ada@example.org", " ", ""), "one line"},
		"large body":       {contract.CheckMail("ada@example.org", "s", strings.Repeat("x", 1<<20+1)), "1 MiB"},
		"good audit":       {contract.CheckAuditFields("demo", "demo.x.create", "x", "1"), ""},
		"another prefix":   {contract.CheckAuditFields("demo", "other.x.create", "x", "1"), `must start with "demo."`},
		"bare prefix":      {contract.CheckAuditFields("demo", "demo.", "x", "1"), `must start with "demo."`},
		"long action":      {contract.CheckAuditFields("demo", "demo."+strings.Repeat("a", 100), "x", "1"), "100 characters"},
		"long entity":      {contract.CheckAuditFields("demo", "demo.x", strings.Repeat("e", 65), "1"), "64 characters"},
		"no plugin":        {contract.CheckAuditFields("", ".x", "x", "1"), "must start with"},
	} {
		if c.want == "" && c.err != nil || c.want != "" && (c.err == nil || !strings.Contains(c.err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", name, c.err, c.want)
		}
		if c.err != nil && strings.Contains(c.err.Error(), "ada") {
			t.Errorf("%s: the error repeats the address: %v", name, c.err)
		}
	}
	doc, err := contract.AuditDocument("{ \"a\" : [1, 2] }")
	if err != nil || doc != `{"a":[1,2]}` {
		t.Errorf("compact: %q, %v", doc, err)
	}
	for _, bad := range []string{"{", `{"pupil":{"given_name" : "A"}}`, `{"upn":"x"}`} {
		if _, err := contract.AuditDocument(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if doc, err := contract.AuditDocument(""); err != nil || doc != "" {
		t.Errorf("empty: %q, %v", doc, err)
	}
}
