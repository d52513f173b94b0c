package main

import (
	"testing"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// BenchmarkExtensions times each extension call as the core makes it
// (through the plugin's gRPC, with its Host calls) on the demo (418
// schools in 31 hubs, SQLite), on the demo's day, for the logins the
// home page benchmark uses: the central team's figures and to-dos (and 50
// schools' panels), the hub manager's to-dos and the panels of the hub's
// schools, the heads' to-dos and their school's panel, the Lead Reviewer's
// to-dos. ns/op is the call's time seen by the core; allocs/op are this
// process's (the harness's), not the plugin's.
//
//	go test -run '^$' -bench Extensions -benchmem ./plugins/networkexcellence
func BenchmarkExtensions(b *testing.B) {
	h, fx, ids, _, _ := startDemo(b, "sqlite")
	var fifty, hub []uint64
	for i, sc := range fx.Schools {
		if i < 50 {
			fifty = append(fifty, sc.GetId())
		}
		for _, p := range sc.GetParentIds() {
			if p == 100 {
				hub = append(hub, sc.GetId())
			}
		}
	}
	call := func(name string, fn func(a *pluginv1.Actor) error, who uint64) {
		b.Run(name, func(b *testing.B) {
			a := h.As(who)
			b.ReportAllocs()
			for b.Loop() {
				if err := fn(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	figures := func(a *pluginv1.Actor) error { _, _, err := h.Figures(a); return err }
	todos := func(a *pluginv1.Actor) error { _, _, err := h.Todos(a); return err }
	panels := func(units ...uint64) func(a *pluginv1.Actor) error {
		return func(a *pluginv1.Actor) error { _, _, err := h.SchoolPanels(a, units...); return err }
	}
	call("figures/central", figures, ids["central"])
	call("todos/central", todos, ids["central"])
	call("panels/central-50", panels(fifty...), ids["central"])
	call("todos/hub-manager", todos, ids["hub manager"])
	call("panels/hub-manager", panels(hub...), ids["hub manager"])
	call("todos/host-head", todos, ids["host head"])
	call("panels/host-head", panels(ids["host school"]), ids["host head"])
	call("todos/soon-head", todos, ids["soon head"])
	call("panels/soon-head", panels(ids["soon school"]), ids["soon head"])
	call("todos/lead", todos, ids["lead"])
}
