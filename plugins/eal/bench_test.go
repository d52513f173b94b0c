package main

import (
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/extensions"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// BenchmarkHome times each extension call the core makes for the demo's
// home pages, on a SQLite demo of the full demo's size (1,250 pupils a
// school, a fifth of them EAL: about 12,000 trial pupils with their
// baseline and post-test scores), through the plugin binary as the core
// calls it (so ns/op includes the gRPC round trip; allocs are the
// caller's):
//
//	go test -run '^$' -bench BenchmarkHome -benchtime 50x ./plugins/eal
//
// The "load" benchmarks run the records' reading in this process (allocs
// are the plugin's own): every trial school's records, as the figures and
// a manager's or a school's to-dos read them.
func BenchmarkHome(b *testing.B) {
	h, st := seededDemo(b, "sqlite", demoFixtureOf(b, 1250, 5))
	head := findPersonB(b, h, "delegate@test.example") - 1 // Malcolm Arnold Academy's head (an intervention school)
	var headSchool uint64
	for _, g := range personOf(h, head).GetGrants() {
		headSchool = g.GetUnitId()
	}
	var schools []uint64
	for _, s := range h.Fixture.Schools[len(h.Fixture.Schools)-50:] {
		schools = append(schools, s.GetId())
	}
	for _, v := range []struct {
		name    string
		actor   *pluginv1.Actor
		schools []uint64
	}{
		{"headteacher", h.As(head), []uint64{headSchool}},
		{"central_team", h.AsRole("central_team", plugintest.RootUnit), nil},
		{"hub_manager", h.AsRole("hub_manager", plugintest.HubUnit), nil},
		{"trial_manager", h.AsRole(RoleTrialManager, plugintest.RootUnit), schools},
	} {
		if v.schools != nil {
			b.Run(v.name+"/school_panels", func(b *testing.B) {
				for range b.N {
					if _, _, err := h.SchoolPanels(v.actor, v.schools...); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(v.name+"/todos", func(b *testing.B) {
			for range b.N {
				if _, _, err := h.Todos(v.actor); err != nil {
					b.Fatal(err)
				}
			}
		})
		if v.name != "headteacher" && v.name != "hub_manager" {
			b.Run(v.name+"/figures", func(b *testing.B) {
				for range b.N {
					if _, _, err := h.Figures(v.actor); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	s := store.New(openStorage(b, st), plugintest.TenantID)
	trials, err := s.Trials()
	if err != nil {
		b.Fatal(err)
	}
	all, err := s.TrialSchools(trials[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	var pupils, points int64
	s.DB().Model(&store.TrialPupil{}).Count(&pupils)
	s.DB().Model(&store.PupilPoint{}).Count(&points)
	b.Logf("the demo: %d trial schools, %d trial pupils, %d scores", len(all), pupils, points)
	b.Run("load/every_school", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := extensions.Load(s, trials, all, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func findPersonB(b *testing.B, h *plugintest.Harness, email string) uint64 {
	for _, p := range h.Fixture.People {
		if p.GetEmail() == email {
			return p.GetId()
		}
	}
	b.Fatalf("no %s", email)
	return 0
}

func personOf(h *plugintest.Harness, id uint64) *pluginv1.Person {
	for _, p := range h.Fixture.People {
		if p.GetId() == id {
			return p
		}
	}
	return nil
}
