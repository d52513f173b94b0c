package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// benchFixture is a tenant with one cluster of 7 primary schools of 15
// pupils each and a teacher at the first school.
func benchFixture() *plugintest.Fixture {
	f := plugintest.DefaultFixture()
	f.Units = append(f.Units, &pluginv1.OrgUnit{Id: clusterUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER, Name: "Bench Cluster", ParentIds: []uint64{plugintest.RootUnit}})
	f.Pupils = nil
	for s := range 7 {
		sid := uint64(200 + s)
		f.Schools = append(f.Schools, &pluginv1.School{Id: sid, Urn: fmt.Sprintf("9100%02d", s), Name: fmt.Sprintf("Bench School %d", s+1),
			Phase: pluginv1.Phase_PHASE_PRIMARY, ParentIds: []uint64{clusterUnit}})
		for p := range 15 {
			f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: uint64(5000 + s*100 + p), SchoolId: sid, GivenName: "Pupil" + strconv.Itoa(p), FamilyName: "Bench",
				DateOfBirth: &pluginv1.Date{Year: 2009, Month: int32(1 + p%12), Day: 1}, YearGroup: 4, PupilPremium: true})
		}
	}
	f.People = append(f.People, &pluginv1.Person{Id: mathsID, Name: "Tom Maths", Email: "tom@test.example",
		Grants: []*pluginv1.RoleGrant{{Role: "teacher", UnitId: 200}}})
	return f
}

// seedBench writes the programme straight into the plugin's storage: a
// year, the cluster, its 7 schools, their cohorts of 15, and 4 snapshots
// (baseline and three termly) of every pupil.
func seedBench(b *testing.B, h *plugintest.Harness) {
	b.Helper()
	db, err := gorm.Open(sqlite.Open("file:"+h.Storage.GetDsn()+"?_pragma=busy_timeout(10000)&_txlock=immediate"), &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	}()
	s := store.New(db, plugintest.TenantID)
	y, err := s.CreateYear("2017-18")
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.CreateCluster(y.ID, clusterUnit, "Bench Cluster")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 7 {
		sid := uint64(200 + i)
		if err := s.UpsertSchools([]store.School{{UnitID: sid, Name: fmt.Sprintf("Bench School %d", i+1), Phase: "primary"}}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.AddSchool(c.ID, sid, 1); err != nil {
			b.Fatal(err)
		}
		var pupils []uint64
		for p := range 15 {
			pupils = append(pupils, uint64(5000+i*100+p))
		}
		if _, err := s.AddToCohort(y.ID, sid, pupils, 1, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := s.FreezeCohort(y.ID, sid, 1, "2017-10-02"); err != nil {
			b.Fatal(err)
		}
		for _, sn := range []struct{ label, on string }{{"October", "2017-10-20"}, {"March", "2018-03-12"}, {"July", "2018-07-09"}} {
			if _, err := s.AddSnapshot(y.ID, sid, sn.label, sn.on); err != nil {
				b.Fatal(err)
			}
		}
		sns, err := s.Snapshots(y.ID, sid)
		if err != nil {
			b.Fatal(err)
		}
		for _, sn := range sns {
			var rows []store.PointInput
			for _, pid := range pupils {
				gap, att := -30+rng.IntN(30)+sn.Seq*3, 20+rng.IntN(60)
				rows = append(rows, store.PointInput{PupilID: pid, GapMonths: &gap, Values: rules.DataPoint{Attitude: &att, Reading: rules.AREBelow}})
			}
			if err := s.SaveDataPoints(sid, sn.ID, rows, 1); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkClusterMatrix measures the cluster's matrix for 7 schools × 15
// pupils × 4 snapshots against the plugin's home page, both through the
// contract as the core calls them, in the same run, and reports the ratio
// and the Host calls per page:
//
//	go test ./plugins/challengegap -run '^$' -bench ClusterMatrix -benchtime 200x
func BenchmarkClusterMatrix(b *testing.B) {
	h := plugintest.Start(b, binary, plugintest.WithFixture(benchFixture()))
	seedBench(b, h)
	teacher := h.As(mathsID)
	get := func(path string) time.Duration {
		start := time.Now()
		resp, err := h.HTTP(teacher, "GET", path, nil)
		if err != nil || resp.GetStatus() != 200 {
			b.Fatalf("GET %s: %v %v %s", path, resp.GetStatus(), err, resp.GetBody())
		}
		return time.Since(start)
	}
	get("/clusters/1/matrix?from=0&to=3") // warm up
	calls := len(h.Host.Calls())
	get("/clusters/1/matrix?from=0&to=3")
	hostCalls := len(h.Host.Calls()) - calls
	var home, matrix time.Duration
	b.ResetTimer()
	for range b.N {
		home += get("/")
		matrix += get("/clusters/1/matrix?from=0&to=3")
	}
	b.StopTimer()
	b.ReportMetric(float64(matrix.Nanoseconds())/float64(b.N), "matrix-ns/page")
	b.ReportMetric(float64(matrix)/float64(home), "matrix/home")
	b.ReportMetric(float64(hostCalls), "host-calls/matrix")
}
