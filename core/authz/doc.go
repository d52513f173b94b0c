// Package authz decides who may do what where, with Casbin, and manages the
// role grants it decides from.
//
// A role is granted to a user at an org unit (table role_grants) and holds
// there and in every unit beneath it in the tenant's org-unit graph; a grant
// at the tenant's root unit (kind "tenant") holds in the whole tenant. A role
// grants permissions, "<namespace>.<object>.<action>" (core.pupil.read);
// policies/core_policy.csv lists the core roles' permissions and plugins add
// lines for theirs (AddPolicies). "public" and "authenticated" are
// pseudo-permissions answered without Casbin.
//
// # How Casbin decides, and why this way
//
// Everything Casbin needs is in Casbin: the model (policies/model.conf), the
// role→permission lines and one role link per grant are Casbin "g" policies,
// and every answer is Casbin's Enforce evaluating the model's matcher:
//
//	g, user:42, trust_leader, 17          (a grant: role at unit 17)
//	g, trust_leader, core.pupil.read, *   (a role's permission, in every unit)
//	m = g(r.sub, r.act, r.dom)            (does the user reach the permission here?)
//
// Two choices make a check cost about one bare Casbin Enforce (~3 µs, p50,
// 500 schools and 5,000 users; see docs/authz.md and bench/authz):
//
//  1. Role→permission lines are role links, not p lines. With the textbook
//     matcher g(r.sub, p.sub, r.dom) && r.act == p.act Casbin evaluates the
//     matcher once per p line (~40 µs here, growing with every plugin line);
//     a matcher naming no p.* token is evaluated once.
//  2. The unit hierarchy lives in the role manager of g (unitRoleManager): a
//     link made at a unit holds at the units beneath it, found through the
//     ancestors of the unit asked about, which the Enforcer fetches once from
//     the GraphSource and caches. These are exactly the semantics of Casbin's
//     default domain manager with the graph as domain matching function (a
//     test checks they agree), but that manager copies every ancestor's links
//     into each unit's domain (20× the memory) and is ~1.7× slower.
//
// # State, refresh and many nodes
//
// Each tenant has its own Casbin enforcer, built from its grants on first
// use and never changed afterwards: a change builds a new one. Grant and
// Revoke write role_grants, the audit entry and the authz revision in one
// transaction. Before answering, an Enforcer compares the database's authz
// and org_graph revisions with those it loaded (at most once per
// Options.RefreshInterval) and drops its tenants' state when either moved,
// so a change made through any node is seen by every node within the
// interval. Casbin memoizes g() answers for the life of an enforcer; the
// state is rebuilt from memory after memoRebuildAfter checks to bound that.
package authz
