package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// Correcting the programme's structure: years and clusters (managers, as
// they create them), a school's place in a cluster (the cluster's leads,
// who accept schools; moving needs a manager of both clusters) and trios
// (the cluster's leads). The rules live in the store; see its
// structure_edit.go and the README.

func yearPath(id uint64) string { return idPath("/years/", id, "") }

func loadYear(r *http.Request) (*store.Store, *store.Year, error) {
	yid, err := id(r, "year")
	if err != nil {
		return nil, nil, err
	}
	s := st(r)
	y, err := s.Year(yid)
	return s, y, err
}

func editYearPage(w http.ResponseWriter, r *http.Request) error {
	s, y, err := loadYear(r)
	if err != nil {
		return err
	}
	snaps, err := s.YearSnapshots(y.ID)
	if err != nil {
		return err
	}
	deps, err := s.YearDependents(y.ID)
	if err != nil {
		return err
	}
	edit := editForm{ID: "year", Heading: "Correct the academic year", Note: "The year runs from 1 September to 31 August; its dates follow the label.",
		Action: idPath("/years/", y.ID, "/edit"), Fields: []editField{textField("label", "Academic year", y.Label, 7, true)}, Submit: "Save"}
	if snaps > 0 {
		edit.Refused = "Schools have taken their baseline in " + y.Label + ": its dates can no longer change."
	}
	del := deleteForm("Delete the programme year", "Only a year created by mistake, with nothing in it, can be deleted.", "",
		idPath("/years/", y.ID, "/delete"), "Delete the programme year "+y.Label, "Yes, delete "+y.Label+" for good")
	if deps.Any() {
		del.Refused = y.Label + " still has " + deps.String() + ". A year that has records stays as the programme's history; delete a cluster or round created by mistake on its own page first."
	}
	return renderEdit(w, r, editView{Title: "Correct or delete " + y.Label, Back: yearPath(y.ID), BackLabel: "Challenge the Gap " + y.Label,
		Forms: []editForm{edit, del}})
}

func updateYear(w http.ResponseWriter, r *http.Request) error {
	s, y, err := loadYear(r)
	if err != nil {
		return err
	}
	before, after, err := s.UpdateYear(y.ID, r.PostFormValue("label"))
	if err != nil {
		return err
	}
	if err := audit(r, "year.update", "year", y.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, yearPath(y.ID))
}

func deleteYear(w http.ResponseWriter, r *http.Request) error {
	s, y, err := loadYear(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteYear(y.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "year.delete", "year", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, "/")
}

func editClusterPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	deps, err := s.ClusterDependents(c.ID)
	if err != nil {
		return err
	}
	rename := editForm{ID: "cluster", Heading: "Correct the name", Action: idPath("/clusters/", c.ID, "/edit"),
		Fields: []editField{textField("name", "Name", c.Name, 200, true)}, Submit: "Save"}
	del := deleteForm("Delete the cluster", "Its schools' places and requests, its trios and its six workshops go with it; the schools keep their own records.", "",
		idPath("/clusters/", c.ID, "/delete"), "Delete "+c.Name, "Yes, delete "+c.Name+" for good")
	if deps.Any() {
		del.Refused = c.Name + " still has " + deps.String() + ". Move or remove its schools (from the cluster's page) and clear its workshops' attendance and resources before deleting it."
	}
	return renderEdit(w, r, editView{Title: "Correct or delete " + c.Name, Back: clusterPath(c.ID), BackLabel: c.Name, Forms: []editForm{rename, del}})
}

func updateCluster(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	before, after, err := s.RenameCluster(c.ID, r.PostFormValue("name"))
	if err != nil {
		return err
	}
	if err := audit(r, "cluster.update", "cluster", c.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}

func deleteCluster(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteCluster(c.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "cluster.delete", "cluster", c.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, yearPath(c.YearID))
}

// placeContext is an accepted school of the cluster of the path, for the
// cluster's leads.
type placeContext struct {
	s       *store.Store
	cluster *store.Cluster
	access  clusterAccess
	place   *store.Participant
	name    string
}

func loadPlace(r *http.Request) (*placeContext, error) {
	pc := &placeContext{s: st(r)}
	var err error
	if pc.cluster, err = loadCluster(r, pc.s); err != nil {
		return nil, err
	}
	sid, err := id(r, "school")
	if err != nil {
		return nil, err
	}
	if pc.access, err = accessToCluster(r, pc.cluster); err != nil {
		return nil, err
	}
	if !pc.access.CanLead() {
		return nil, errForbidden
	}
	if pc.place, err = pc.s.Place(pc.cluster.ID, sid); err != nil {
		return nil, err
	}
	names, err := pc.s.Schools(sid)
	if err != nil {
		return nil, err
	}
	pc.name = nameOr(names, sid)
	return pc, nil
}

// placePage offers the cluster's leads to take a school out of the
// cluster, and managers to move it to another cluster of the year.
func placePage(w http.ResponseWriter, r *http.Request) error {
	pc, err := loadPlace(r)
	if err != nil {
		return err
	}
	c, sid := pc.cluster, pc.place.SchoolID
	y, err := pc.s.Year(c.YearID)
	if err != nil {
		return err
	}
	why, err := pc.s.RemovalBlocker(c.ID, sid)
	if err != nil {
		return err
	}
	base := idPath("/clusters/", c.ID, idPath("/schools/", sid, ""))
	remove := deleteForm("Take the school out of the cluster",
		"Its team, target cohort, trials and visits of "+y.Label+" stay with the school, which can then join another cluster.", upperFirstSentence(why),
		base+"/remove", "Take "+pc.name+" out of "+c.Name, "Yes, take "+pc.name+" out of "+c.Name)
	remove.ID = "remove"
	forms := []editForm{remove}
	if why != "" {
		withdraw := withdrawForm(base, pc.name, y.Label)
		if blocked, err := pc.s.MoveBlocker(c.ID, sid); err != nil {
			return err
		} else if blocked != "" {
			withdraw.Refused = upperFirstSentence(blocked)
		}
		forms = append(forms, withdraw)
	}
	if pc.access.Manage {
		move := editForm{ID: "move", Heading: "Move the school to another cluster of " + y.Label,
			Note:   "Its team, target cohort, snapshots and trials go with it and count in the other cluster's results from then on.",
			Action: base + "/move", Submit: "Move " + pc.name}
		others, err := pc.s.Clusters(c.YearID)
		if err != nil {
			return err
		}
		var opts []editOption
		for _, o := range others {
			if o.ID != c.ID {
				opts = append(opts, editOption{Value: idPath("", o.ID, ""), Label: o.Name})
			}
		}
		move.Fields = []editField{{Name: "cluster", Label: "Cluster", Type: "select", Options: opts, Required: true}}
		if blocked, err := pc.s.MoveBlocker(c.ID, sid); err != nil {
			return err
		} else if blocked != "" {
			move.Refused = upperFirstSentence(blocked)
		} else if len(opts) == 0 {
			move.Refused = "There is no other cluster in " + y.Label + "."
		}
		forms = append(forms, move)
	}
	return renderEdit(w, r, editView{Title: pc.name + " in " + c.Name, Back: clusterPath(c.ID), BackLabel: c.Name + " " + y.Label, Forms: forms})
}

// upperFirstSentence makes a store's reason a sentence.
func upperFirstSentence(s string) string {
	if s == "" {
		return ""
	}
	return upperFirst(s) + "."
}

func removeSchool(w http.ResponseWriter, r *http.Request) error {
	pc, err := loadPlace(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	p, err := pc.s.RemoveSchool(pc.cluster.ID, pc.place.SchoolID)
	if err != nil {
		return err
	}
	if err := audit(r, "participant.remove", "participant", p.ID, p, nil); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(pc.cluster.ID))
}

// moveSchool moves a school to another cluster of the year: it needs
// challengegap.programme.manage at both clusters' units.
func moveSchool(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pc, err := loadPlace(r)
	if err != nil {
		return err
	}
	if !pc.access.Manage {
		return errForbidden
	}
	to, err := formID(r, "cluster")
	if err != nil {
		return err
	}
	target, err := pc.s.Cluster(to)
	if errors.Is(err, store.ErrNotFound) || to == 0 {
		return &store.ValidationError{Field: "cluster", Message: "choose another cluster of the programme year"}
	}
	if err != nil {
		return err
	}
	ok, err := sdk.HostFrom(ctx).Can(ctx, PermManage, target.UnitID)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	before, after, err := pc.s.MoveSchool(pc.cluster.ID, pc.place.SchoolID, target.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "participant.move", "participant", after.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(target.ID))
}

// trioPage lets the cluster's leads rename a trio, change its schools or
// dissolve it.
func trioPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	tid, err := id(r, "trio")
	if err != nil {
		return err
	}
	t, err := s.Trio(c.ID, tid)
	if err != nil {
		return err
	}
	accepted, err := s.AcceptedSchools(c.ID)
	if err != nil {
		return err
	}
	trios, err := s.Trios(c.ID)
	if err != nil {
		return err
	}
	// The trio's own schools, and the accepted schools in no other trio.
	var free []uint64
	for _, sid := range accepted {
		taken := slices.ContainsFunc(trios, func(o store.Trio) bool { return o.ID != t.ID && slices.Contains(o.Schools(), sid) })
		if !taken {
			free = append(free, sid)
		}
	}
	names, err := s.Schools(free...)
	if err != nil {
		return err
	}
	label := func(id uint64) string { return nameOr(names, id) }
	edit := editForm{ID: "trio", Heading: "Change the trio", Note: "To take a school out of the trio, put another school of the cluster in its place.",
		Action: idPath("/clusters/", c.ID, idPath("/trios/", t.ID, "/edit")), Submit: "Save the trio",
		Fields: []editField{textField("name", "Name", t.Name, 200, true),
			{Name: "lead_school", Label: "Lead school", Type: "select", Required: true, Options: idOptions(free, label, t.LeadSchoolID)},
			{Name: "accelerator_one", Label: "Accelerator school", Type: "select", Required: true, Options: idOptions(free, label, t.AcceleratorOneID)},
			{Name: "accelerator_two", Label: "Accelerator school", Type: "select", Required: true, Options: idOptions(free, label, t.AcceleratorTwoID)}}}
	del := deleteForm("Dissolve the trio", "Its schools stay in the cluster and can form another trio.", "",
		idPath("/clusters/", c.ID, idPath("/trios/", t.ID, "/delete")), "Dissolve "+t.Name, "Yes, dissolve "+t.Name)
	return renderEdit(w, r, editView{Title: "Change or dissolve " + t.Name, Back: clusterPath(c.ID), BackLabel: c.Name, Forms: []editForm{edit, del}})
}

func updateTrio(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := requireLead(r, s)
	if err != nil {
		return err
	}
	tid, err := id(r, "trio")
	if err != nil {
		return err
	}
	var ids [3]uint64
	for i, f := range []string{"lead_school", "accelerator_one", "accelerator_two"} {
		if ids[i], err = formID(r, f); err != nil {
			return err
		}
	}
	before, after, err := s.UpdateTrio(c.ID, tid, r.PostFormValue("name"), ids[0], ids[1], ids[2])
	if err != nil {
		return err
	}
	if err := audit(r, "trio.update", "trio", tid, before, after); err != nil {
		return err
	}
	return redirect(w, r, clusterPath(c.ID))
}
