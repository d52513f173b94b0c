package authz

import (
	"sort"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// wildcardDomain is the domain of links that hold in every unit.
const wildcardDomain = "*"

// maxRoleDepth bounds role chains, as Casbin's default role manager does.
const maxRoleDepth = 10

// unitRoleManager is the Casbin role manager (rbac.RoleManager) of the "g"
// role definition. Casbin keeps the policy and evaluates the model's matcher;
// this type answers the g(...) calls in it. A link name1→name2 made in domain D
// holds at unit U when D is "*" or D is U or one of U's ancestors.
//
// Those are exactly the semantics of Casbin's default domain role manager with
// a domain matching function match(U, D) = D == "*" || D ∈ ancestorsOrSelf(U)
// (rolemanager_test.go checks the two agree). The default manager copies every
// matching domain's links into each unit's domain and allocates on every
// lookup; this one looks the unit's ancestors up instead (see docs/authz.md).
//
// It is filled while its tenant's Casbin enforcer is built and only read
// afterwards; it is not safe for links to change while HasLink runs.
type unitRoleManager struct {
	links     map[string][]roleLink // by name1
	ancestors func(unit string) []string
}

type roleLink struct{ to, domain string }

var _ rbac.RoleManager = (*unitRoleManager)(nil)

// newUnitRoleManager returns an empty manager; ancestors returns the ancestors
// of a unit, the unit itself included (nil for an unknown unit).
func newUnitRoleManager(ancestors func(unit string) []string) *unitRoleManager {
	return &unitRoleManager{links: map[string][]roleLink{}, ancestors: ancestors}
}

func (rm *unitRoleManager) Clear() error {
	rm.links = map[string][]roleLink{}
	return nil
}

func domainOf(domains []string) string {
	if len(domains) == 0 {
		return wildcardDomain
	}
	return domains[0]
}

func (rm *unitRoleManager) AddLink(name1, name2 string, domains ...string) error {
	l := roleLink{to: name2, domain: domainOf(domains)}
	for _, x := range rm.links[name1] {
		if x == l {
			return nil
		}
	}
	rm.links[name1] = append(rm.links[name1], l)
	return nil
}

func (rm *unitRoleManager) DeleteLink(name1, name2 string, domains ...string) error {
	l := roleLink{to: name2, domain: domainOf(domains)}
	ls := rm.links[name1]
	for i, x := range ls {
		if x == l {
			rm.links[name1] = append(ls[:i:i], ls[i+1:]...)
			break
		}
	}
	return nil
}

// Deprecated: part of rbac.RoleManager, unused by Casbin.
func (rm *unitRoleManager) BuildRelationship(string, string, ...string) error { return nil }

// holds reports whether a link made in domain d applies at a unit whose
// ancestors-or-self are anc. A nil anc (no unit given) admits every domain.
func holds(d string, anc []string, everywhere bool) bool {
	if everywhere || d == wildcardDomain {
		return true
	}
	for _, a := range anc {
		if a == d {
			return true
		}
	}
	return false
}

// scope resolves the optional unit argument of the rbac.RoleManager methods.
func (rm *unitRoleManager) scope(domains []string) (anc []string, everywhere bool) {
	if len(domains) == 0 {
		return nil, true
	}
	return rm.ancestors(domains[0]), false
}

// HasLink reports whether name1 reaches name2 through links that hold at the
// unit domains[0]: a breadth-first walk, as in Casbin's default manager.
func (rm *unitRoleManager) HasLink(name1, name2 string, domains ...string) (bool, error) {
	if name1 == name2 {
		return true, nil
	}
	anc, everywhere := rm.scope(domains)
	var buf1, buf2, seenBuf [16]string
	frontier, next, seen := append(buf1[:0], name1), buf2[:0], append(seenBuf[:0], name1)
	for depth := 0; depth < maxRoleDepth && len(frontier) > 0; depth++ {
		next = next[:0]
		for _, n := range frontier {
			for _, l := range rm.links[n] {
				if !holds(l.domain, anc, everywhere) {
					continue
				}
				if l.to == name2 {
					return true, nil
				}
				// Only names with links of their own can lead further.
				if len(rm.links[l.to]) > 0 && !contains(seen, l.to) {
					seen = append(seen, l.to)
					next = append(next, l.to)
				}
			}
		}
		frontier, next = next, frontier
	}
	return false, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// GetRoles returns the names name links to directly, at the unit if given.
func (rm *unitRoleManager) GetRoles(name string, domains ...string) ([]string, error) {
	anc, everywhere := rm.scope(domains)
	var out []string
	for _, l := range rm.links[name] {
		if holds(l.domain, anc, everywhere) && !contains(out, l.to) {
			out = append(out, l.to)
		}
	}
	return out, nil
}

// GetUsers returns the names linking to name directly, at the unit if given.
func (rm *unitRoleManager) GetUsers(name string, domains ...string) ([]string, error) {
	anc, everywhere := rm.scope(domains)
	var out []string
	for from, ls := range rm.links {
		for _, l := range ls {
			if l.to == name && holds(l.domain, anc, everywhere) && !contains(out, from) {
				out = append(out, from)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// GetImplicitRoles returns every name reachable from name, at the unit if given.
func (rm *unitRoleManager) GetImplicitRoles(name string, domains ...string) ([]string, error) {
	return rm.walk(name, domains, rm.GetRoles)
}

// GetImplicitUsers returns every name reaching name, at the unit if given.
func (rm *unitRoleManager) GetImplicitUsers(name string, domains ...string) ([]string, error) {
	return rm.walk(name, domains, rm.GetUsers)
}

func (rm *unitRoleManager) walk(name string, domains []string, step func(string, ...string) ([]string, error)) ([]string, error) {
	var out []string
	seen := map[string]bool{name: true}
	frontier := []string{name}
	for depth := 0; depth < maxRoleDepth && len(frontier) > 0; depth++ {
		var next []string
		for _, n := range frontier {
			ns, _ := step(n, domains...)
			for _, x := range ns {
				if !seen[x] {
					seen[x] = true
					out = append(out, x)
					next = append(next, x)
				}
			}
		}
		frontier = next
	}
	return out, nil
}

// GetDomains returns the domains (units, or "*") of name's own links.
func (rm *unitRoleManager) GetDomains(name string) ([]string, error) {
	var out []string
	for _, l := range rm.links[name] {
		if !contains(out, l.domain) {
			out = append(out, l.domain)
		}
	}
	sort.Strings(out)
	return out, nil
}

// GetAllDomains returns the domains of all links.
func (rm *unitRoleManager) GetAllDomains() ([]string, error) {
	set := map[string]bool{}
	for _, ls := range rm.links {
		for _, l := range ls {
			set[l.domain] = true
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out, nil
}

// DeleteDomain removes every link made in domain.
func (rm *unitRoleManager) DeleteDomain(domain string) error {
	for from, ls := range rm.links {
		kept := ls[:0:0]
		for _, l := range ls {
			if l.domain != domain {
				kept = append(kept, l)
			}
		}
		rm.links[from] = kept
	}
	return nil
}

func (rm *unitRoleManager) PrintRoles() error      { return nil }
func (rm *unitRoleManager) SetLogger(log.Logger)   {}
func (rm *unitRoleManager) Match(s, p string) bool { return s == p }

// AddMatchingFunc is not supported: names match only when equal.
func (rm *unitRoleManager) AddMatchingFunc(string, rbac.MatchingFunc) {}

// AddDomainMatchingFunc is not supported: the org-unit graph is the domain matching.
func (rm *unitRoleManager) AddDomainMatchingFunc(string, rbac.MatchingFunc) {}
