package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

type attendanceRow struct {
	store.TeamMember
	School  string
	Present bool
	Known   bool
}

type workshopView struct {
	common
	Workshop   *store.Workshop
	About      string
	Cluster    *store.Cluster
	Access     clusterAccess
	Attendance []attendanceRow
	Resources  []store.Resource
}

// loadWorkshop reads the workshop of the path, its cluster and the actor's access.
func loadWorkshop(r *http.Request) (*store.Store, *store.Workshop, *store.Cluster, clusterAccess, error) {
	s := st(r)
	wid, err := id(r, "workshop")
	if err != nil {
		return nil, nil, nil, clusterAccess{}, err
	}
	wk, err := s.Workshop(wid)
	if err != nil {
		return nil, nil, nil, clusterAccess{}, err
	}
	c, err := s.Cluster(wk.ClusterID)
	if err != nil {
		return nil, nil, nil, clusterAccess{}, err
	}
	acc, err := accessToCluster(r, c)
	return s, wk, c, acc, err
}

func workshopPage(w http.ResponseWriter, r *http.Request) error {
	s, wk, c, acc, err := loadWorkshop(r)
	if err != nil {
		return err
	}
	v := workshopView{common: commonOf(r), Workshop: wk, Cluster: c, Access: acc}
	if wk.Number >= 1 && wk.Number <= len(rules.Workshops) {
		v.About = rules.Workshops[wk.Number-1].About
	}
	if v.Resources, err = s.Resources(wk.ID); err != nil {
		return err
	}
	if acc.CanLead() {
		members, err := s.ClusterMembers(c.ID)
		if err != nil {
			return err
		}
		att, err := s.Attendance(wk.ID)
		if err != nil {
			return err
		}
		ids := make([]uint64, len(members))
		for i, m := range members {
			ids[i] = m.SchoolID
		}
		names, err := s.Schools(ids...)
		if err != nil {
			return err
		}
		for _, m := range members {
			present, known := att[m.ID]
			v.Attendance = append(v.Attendance, attendanceRow{TeamMember: m, School: nameOr(names, m.SchoolID), Present: present, Known: known})
		}
	}
	return render(w, r, "Workshop "+strconv.Itoa(wk.Number)+": "+rules.WorkshopTitle(wk.Number), "workshop", v)
}

func workshopPath(id uint64) string { return "/workshops/" + strconv.FormatUint(id, 10) }

func updateWorkshop(w http.ResponseWriter, r *http.Request) error {
	s, wk, _, acc, err := loadWorkshop(r)
	if err != nil {
		return err
	}
	if !acc.CanLead() {
		return errForbidden
	}
	before := *wk
	after, err := s.UpdateWorkshop(wk.ID, r.PostFormValue("held_on"), r.PostFormValue("venue"), r.PostFormValue("notes"))
	if err != nil {
		return err
	}
	if err := audit(r, "workshop.update", "workshop", wk.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, workshopPath(wk.ID))
}

func setAttendance(w http.ResponseWriter, r *http.Request) error {
	s, wk, _, acc, err := loadWorkshop(r)
	if err != nil {
		return err
	}
	if !acc.CanLead() {
		return errForbidden
	}
	if err := r.ParseForm(); err != nil {
		return &store.ValidationError{Field: "present", Message: "the form could not be read"}
	}
	var present []uint64
	for _, raw := range r.PostForm["present"] {
		mid, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return &store.ValidationError{Field: "present", Message: "tick people listed on the page"}
		}
		present = append(present, mid)
	}
	if err := s.SetAttendance(wk.ID, present); err != nil {
		return err
	}
	if err := audit(r, "workshop.attendance", "workshop", wk.ID, nil, map[string]any{"present": present}); err != nil {
		return err
	}
	return redirect(w, r, workshopPath(wk.ID))
}

func addResource(w http.ResponseWriter, r *http.Request) error {
	s, wk, _, acc, err := loadWorkshop(r)
	if err != nil {
		return err
	}
	if !acc.CanLead() {
		return errForbidden
	}
	res, err := s.AddResource(wk.ID, r.PostFormValue("title"), r.PostFormValue("url"))
	if err != nil {
		return err
	}
	if err := audit(r, "workshop.resource", "resource", res.ID, nil, res); err != nil {
		return err
	}
	return redirect(w, r, workshopPath(wk.ID))
}
