package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

type schoolRow struct {
	ID         uint64
	Name       string
	Phase      string
	Members    int
	Violations []rules.Violation
}

type requestRow struct {
	store.Participant
	School string
}

type trioRow struct {
	store.Trio
	Lead, One, Two string
}

type clusterView struct {
	common
	Cluster   *store.Cluster
	Year      *store.Year
	Access    clusterAccess
	Links     clusterLinks // the links the viewer may open
	Facil     string
	Schools   []schoolRow
	Requests  []requestRow // pending
	Declined  []requestRow
	Withdrawn []requestRow // schools that left after their baseline (kept in the history)
	Trios     []trioRow
	Free      []schoolRow // accepted schools in no trio
	Workshops []store.Workshop
	People    []*pluginv1.Person // managers: candidates for the leads
	Others    []*pluginv1.School // managers: schools to add
	// CanEdit: challengegap.programme.manage at the root, which renames
	// and deletes clusters (as it adds them).
	CanEdit bool
}

// loadCluster reads the cluster named by the path.
func loadCluster(r *http.Request, s *store.Store) (*store.Cluster, error) {
	cid, err := id(r, "cluster")
	if err != nil {
		return nil, err
	}
	return s.Cluster(cid)
}

func clusterPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	y, err := s.Year(c.YearID)
	if err != nil {
		return err
	}
	acc, links, err := clusterAccessAndLinks(r, s, c)
	if err != nil {
		return err
	}
	v := clusterView{common: commonOf(r), Cluster: c, Year: y, Access: acc, Links: links}
	ps, err := s.Participants(c.ID)
	if err != nil {
		return err
	}
	ids := []uint64{c.FacilitationSchoolID}
	var accepted []uint64
	for _, p := range ps {
		ids = append(ids, p.SchoolID)
		if p.Status == store.StatusAccepted {
			accepted = append(accepted, p.SchoolID)
		}
	}
	names, err := s.Schools(ids...)
	if err != nil {
		return err
	}
	if c.FacilitationSchoolID != 0 {
		v.Facil = nameOr(names, c.FacilitationSchoolID)
	}
	members, err := s.MembersOf(y.ID, accepted...)
	if err != nil {
		return err
	}
	bySchool := map[uint64][]store.TeamMember{}
	for _, m := range members {
		bySchool[m.SchoolID] = append(bySchool[m.SchoolID], m)
	}
	trios, err := s.Trios(c.ID)
	if err != nil {
		return err
	}
	inTrio := map[uint64]bool{}
	for _, t := range trios {
		for _, id := range t.Schools() {
			inTrio[id] = true
		}
		v.Trios = append(v.Trios, trioRow{Trio: t, Lead: nameOr(names, t.LeadSchoolID), One: nameOr(names, t.AcceleratorOneID), Two: nameOr(names, t.AcceleratorTwoID)})
	}
	for _, p := range ps {
		switch p.Status {
		case store.StatusAccepted:
			sc := names[p.SchoolID]
			row := schoolRow{ID: p.SchoolID, Name: nameOr(names, p.SchoolID), Phase: sc.Phase, Members: len(bySchool[p.SchoolID]),
				Violations: store.CheckTeam(sc.Phase, bySchool[p.SchoolID])}
			v.Schools = append(v.Schools, row)
			if !inTrio[p.SchoolID] {
				v.Free = append(v.Free, row)
			}
		case store.StatusInterested:
			v.Requests = append(v.Requests, requestRow{Participant: p, School: nameOr(names, p.SchoolID)})
		case store.StatusDeclined:
			v.Declined = append(v.Declined, requestRow{Participant: p, School: nameOr(names, p.SchoolID)})
		case store.StatusWithdrawn:
			v.Withdrawn = append(v.Withdrawn, requestRow{Participant: p, School: nameOr(names, p.SchoolID)})
		}
	}
	sort.Slice(v.Schools, func(i, j int) bool { return v.Schools[i].Name < v.Schools[j].Name })
	if v.Workshops, err = s.Workshops(c.ID); err != nil {
		return err
	}
	if acc.Manage {
		host := sdk.HostFrom(ctx)
		if v.CanEdit, err = host.Can(ctx, PermManage, 0); err != nil {
			return err
		}
		units := append([]uint64{c.UnitID}, accepted...)
		roots, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT)
		if err != nil {
			return err
		}
		for _, u := range roots {
			units = append(units, u.GetId())
		}
		if v.People, err = host.People(ctx, nil, units); err != nil {
			return err
		}
		sort.Slice(v.People, func(i, j int) bool { return v.People[i].GetName() < v.People[j].GetName() })
		all, err := host.Schools(ctx)
		if err != nil {
			return err
		}
		for _, sc := range all {
			if !slices.Contains(accepted, sc.GetId()) {
				v.Others = append(v.Others, sc)
			}
		}
		sort.Slice(v.Others, func(i, j int) bool { return v.Others[i].GetName() < v.Others[j].GetName() })
	}
	return render(w, r, c.Name+" "+y.Label, "cluster", v)
}

// requireLead loads the cluster of the path and refuses an actor who does
// not run it.
func requireLead(r *http.Request, s *store.Store) (*store.Cluster, error) {
	c, err := loadCluster(r, s)
	if err != nil {
		return nil, err
	}
	acc, err := accessToCluster(r, c)
	if err != nil {
		return nil, err
	}
	if !acc.CanLead() {
		return nil, errForbidden
	}
	return c, nil
}

// requireManage loads the cluster of the path and refuses an actor who
// does not hold challengegap.programme.manage at its unit.
func requireManage(r *http.Request, s *store.Store) (*store.Cluster, error) {
	c, err := loadCluster(r, s)
	if err != nil {
		return nil, err
	}
	acc, err := accessToCluster(r, c)
	if err != nil {
		return nil, err
	}
	if !acc.Manage {
		return nil, errForbidden
	}
	return c, nil
}

func clusterPath(id uint64) string { return "/clusters/" + strconv.FormatUint(id, 10) }

// person finds a person the actor may see, for naming a lead (0: none).
func person(r *http.Request, personID uint64, field string) (string, error) {
	if personID == 0 {
		return "", nil
	}
	ctx := r.Context()
	ps, err := sdk.HostFrom(ctx).People(ctx, []uint64{personID}, nil)
	if err != nil {
		return "", err
	}
	if len(ps) != 1 {
		return "", &store.ValidationError{Field: field, Message: "choose one of the people listed"}
	}
	return ps[0].GetName(), nil
}

func setLeads(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireManage(r, s)
	if err != nil {
		return err
	}
	before := *c
	var l store.Leads
	if l.FacilitationSchoolID, err = formID(r, "facilitation_school"); err != nil {
		return err
	}
	if l.LeadPersonID, err = formID(r, "lead"); err != nil {
		return err
	}
	if l.ProgrammeLeadPersonID, err = formID(r, "programme_lead"); err != nil {
		return err
	}
	if l.LeadName, err = keepOrLookUp(r, l.LeadPersonID, c.LeadPersonID, c.LeadName, "lead"); err != nil {
		return err
	}
	if l.ProgrammeLeadName, err = keepOrLookUp(r, l.ProgrammeLeadPersonID, c.ProgrammeLeadPersonID, c.ProgrammeLeadName, "programme_lead"); err != nil {
		return err
	}
	after, err := s.SetLeads(c.ID, l)
	if err != nil {
		return err
	}
	if err := audit(r, "cluster.leads", "cluster", c.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

// keepOrLookUp keeps the recorded name of an unchanged lead, or looks the new one up.
func keepOrLookUp(r *http.Request, newID, oldID uint64, oldName, field string) (string, error) {
	if newID != 0 && newID == oldID {
		return oldName, nil
	}
	return person(r, newID, field)
}

func addSchool(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	c, err := requireManage(r, s)
	if err != nil {
		return err
	}
	sid, err := formID(r, "school")
	if err != nil {
		return err
	}
	if sid == 0 {
		return &store.ValidationError{Field: "school", Message: "choose a school"}
	}
	found, err := sdk.HostFrom(ctx).Schools(ctx, sid)
	if err != nil {
		return err
	}
	if len(found) != 1 {
		return &store.ValidationError{Field: "school", Message: "choose one of the schools listed"}
	}
	if err := s.UpsertSchools([]store.School{schoolRecord(found[0])}); err != nil {
		return err
	}
	p, err := s.AddSchool(c.ID, sid, userID(r))
	if err != nil {
		return err
	}
	if err := audit(r, "participant.add", "participant", p.ID, nil, p); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

func setRecruiting(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	open := r.PostFormValue("open") == "1"
	if err := s.SetRecruiting(c.ID, open); err != nil {
		return err
	}
	if err := audit(r, "cluster.recruiting", "cluster", c.ID, map[string]bool{"recruiting": c.Recruiting}, map[string]bool{"recruiting": open}); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

func decide(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	pid, err := id(r, "participant")
	if err != nil {
		return err
	}
	var accept bool
	switch r.PostFormValue("decision") {
	case "accept":
		accept = true
	case "decline":
	default:
		return &store.ValidationError{Field: "decision", Message: "choose accept or decline"}
	}
	p, err := s.Decide(c.ID, pid, accept, userID(r), r.PostFormValue("note"))
	if err != nil {
		return err
	}
	if err := audit(r, "participant."+map[bool]string{true: "accept", false: "decline"}[accept], "participant", p.ID, nil, p); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

func createTrio(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	var ids [3]uint64
	for i, f := range []string{"lead_school", "accelerator_one", "accelerator_two"} {
		if ids[i], err = formID(r, f); err != nil {
			return err
		}
	}
	t, err := s.CreateTrio(c.ID, r.PostFormValue("name"), ids[0], ids[1], ids[2])
	if err != nil {
		return err
	}
	if err := audit(r, "trio.create", "trio", t.ID, nil, t); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

func deleteTrio(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	tid, err := id(r, "trio")
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	t, err := s.DeleteTrio(c.ID, tid)
	if err != nil {
		return err
	}
	if err := audit(r, "trio.delete", "trio", t.ID, t, nil); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}
