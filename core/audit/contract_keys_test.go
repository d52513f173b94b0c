package audit

import (
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// Plugins check their outbox entries with contract.AuditDocument before the
// core sees them; it must refuse every key the audit log refuses, or an
// entry would be saved by the plugin and refused for good by the core.
func TestContractRefusesThePupilKeysTheLogRefuses(t *testing.T) {
	for _, k := range pupilIdentifierKeys {
		doc := `{"x":{"` + k + `" : "A"}}`
		if _, err := contract.AuditDocument(doc); err == nil {
			t.Errorf("contract.AuditDocument accepts %s, which the audit log refuses", doc)
		}
		if err := Check(Change{Action: "x.y", After: map[string]any{"x": map[string]string{k: "A"}}}); err == nil {
			t.Errorf("the audit log accepts %s", k)
		}
	}
}
