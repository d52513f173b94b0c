package tenancy

import (
	"strings"
)

// Kind is the kind of an org unit.
type Kind string

// The kinds of org unit. KindTenant is the root of a tenant's graph, created
// with the tenant; every other kind is created by users.
const (
	KindTenant         Kind = "tenant"
	KindTrust          Kind = "trust"
	KindSchool         Kind = "school"
	KindHub            Kind = "hub"
	KindCluster        Kind = "cluster"
	KindTrio           Kind = "trio"
	KindDeliveryCentre Kind = "delivery_centre"
	KindCohort         Kind = "cohort"
)

// Kinds lists the kinds a user can create (every kind but KindTenant).
func Kinds() []Kind {
	return []Kind{KindTrust, KindSchool, KindHub, KindCluster, KindTrio, KindDeliveryCentre, KindCohort}
}

// Label is the kind's name for people ("Delivery centre").
func (k Kind) Label() string {
	switch k {
	case KindTenant:
		return "Organisation"
	case KindTrust:
		return "Trust"
	case KindSchool:
		return "School"
	case KindHub:
		return "Hub"
	case KindCluster:
		return "Cluster"
	case KindTrio:
		return "Trio"
	case KindDeliveryCentre:
		return "Delivery centre"
	case KindCohort:
		return "Cohort"
	}
	return string(k)
}

// Valid reports whether k is a known kind (KindTenant included).
func (k Kind) Valid() bool {
	return k == KindTenant || k.creatable()
}

func (k Kind) creatable() bool {
	for _, c := range Kinds() {
		if c == k {
			return true
		}
	}
	return false
}

// ParseKind reads a kind a user can create from its value or its label,
// case-insensitively ("Delivery centre", "delivery-centre", "delivery_centre").
func ParseKind(s string) (Kind, error) {
	key := normKey(s)
	for _, k := range Kinds() {
		if key == string(k) || key == normKey(k.Label()) {
			return k, nil
		}
	}
	if key == "" {
		return "", &ValidationError{Field: "kind", Message: "choose a kind of unit"}
	}
	return "", &ValidationError{Field: "kind", Message: "unknown kind " + quote(s) + "; use one of " + kindList(Kinds())}
}

// AllowedChildren lists the kinds a unit of kind parent may contain.
// The tenant root contains everything implicitly and takes no links.
func AllowedChildren(parent Kind) []Kind {
	switch parent {
	case KindTrust, KindHub, KindTrio, KindDeliveryCentre, KindCohort:
		return []Kind{KindSchool}
	case KindCluster:
		return []Kind{KindSchool, KindTrio, KindCluster}
	}
	return nil
}

// AllowedParents lists the kinds that may contain a unit of kind child.
func AllowedParents(child Kind) []Kind {
	var out []Kind
	for _, p := range Kinds() {
		if CanContain(p, child) {
			out = append(out, p)
		}
	}
	return out
}

// CanContain reports whether an edge parent→child is allowed between these kinds.
func CanContain(parent, child Kind) bool {
	for _, c := range AllowedChildren(parent) {
		if c == child {
			return true
		}
	}
	return false
}

// singleParentKinds are the parent kinds a school may have at most one of.
func singleParent(parent, child Kind) bool {
	return child == KindSchool && (parent == KindTrust || parent == KindHub)
}

// noun is the kind in running text with its article: "a delivery centre".
func (k Kind) noun() string {
	l := strings.ToLower(k.Label())
	if l != "" && strings.ContainsRune("aeiou", rune(l[0])) {
		return "an " + l
	}
	return "a " + l
}

func kindList(ks []Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, ", ")
}

// normKey folds a user-typed value for lookup: trimmed, lower case, runs of
// spaces, hyphens and underscores as one underscore.
func normKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r == ' ' || r == '-' || r == '_' || r == '\t' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}
