package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

type surveyView struct {
	common
	Round     *store.SurveyRound
	Year      *store.Year
	Items     []rules.SurveyItem
	Scale     []string
	Schools   []teamPlace // the actor's teams this year
	Answered  bool
	Mine      map[string]int // the actor's answers, to correct while the round is open
	CanManage bool
}

// teamPlace is a school whose team the actor is on.
type teamPlace struct {
	SchoolID uint64
	Name     string
}

// loadRound reads the round of the path, its year, and the schools whose
// team the actor is on in that year.
func loadRound(r *http.Request) (*store.Store, *surveyView, error) {
	rid, err := id(r, "round")
	if err != nil {
		return nil, nil, err
	}
	s := st(r)
	v := &surveyView{common: commonOf(r), Items: rules.SurveyItems, Scale: rules.AgreeScale}
	if v.Round, err = s.Round(rid); err != nil {
		return nil, nil, err
	}
	if v.Year, err = s.Year(v.Round.YearID); err != nil {
		return nil, nil, err
	}
	ms, err := s.MemberOf(userID(r))
	if err != nil {
		return nil, nil, err
	}
	var ids []uint64
	for _, m := range ms {
		if m.YearID == v.Round.YearID {
			ids = append(ids, m.SchoolID)
		}
	}
	names, err := s.Schools(ids...)
	if err != nil {
		return nil, nil, err
	}
	for _, sid := range ids {
		v.Schools = append(v.Schools, teamPlace{SchoolID: sid, Name: nameOr(names, sid)})
	}
	return s, v, nil
}

// surveyPage is a round of the staff survey: the form for a member of a
// school's team this year, once; managers open and close it.
func surveyPage(w http.ResponseWriter, r *http.Request) error {
	s, v, err := loadRound(r)
	if err != nil {
		return err
	}
	if v.Mine, err = s.MyAnswers(v.Round.ID, userID(r)); err != nil {
		return err
	}
	v.Answered = v.Mine != nil
	if v.CanManage, err = canRunYear(r, v.Round.YearID); err != nil {
		return err
	}
	return render(w, r, "Staff survey: "+v.Round.Label, "survey", v)
}

func answerSurvey(w http.ResponseWriter, r *http.Request) error {
	s, v, err := loadRound(r)
	if err != nil {
		return err
	}
	if len(v.Schools) == 0 {
		return errForbidden
	}
	school := v.Schools[0].SchoolID
	if raw := r.PostFormValue("school"); raw != "" {
		if school, err = strconv.ParseUint(raw, 10, 64); err != nil {
			return &store.ValidationError{Field: "school", Message: "choose one of your schools"}
		}
	}
	answers := map[string]int{}
	for _, it := range rules.SurveyItems {
		if raw := r.PostFormValue("item_" + it.Key); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				return &store.ValidationError{Field: "answers", Message: "answer every statement, from strongly disagree to strongly agree"}
			}
			answers[it.Key] = n
		}
	}
	answered, err := s.HasResponded(v.Round.ID, userID(r))
	if err != nil {
		return err
	}
	if answered {
		return correctAnswers(w, r, s, v.Round, answers)
	}
	resp, err := s.Respond(v.Round.ID, school, userID(r), answers)
	if err != nil {
		return err
	}
	// The audit says who answered, not what: the survey's results are anonymous.
	if err := audit(r, "survey.answer", "survey_round", v.Round.ID, nil, map[string]any{"school_id": resp.SchoolID}); err != nil {
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatUint(v.Round.ID, 10))
}

func createRound(w http.ResponseWriter, r *http.Request) error {
	yid, err := id(r, "year")
	if err != nil {
		return err
	}
	if err := requireRunYear(r, yid); err != nil {
		return err
	}
	round, err := st(r).CreateRound(yid, r.PostFormValue("label"))
	if err != nil {
		return err
	}
	if err := audit(r, "survey.create", "survey_round", round.ID, nil, round); err != nil {
		return err
	}
	return redirect(w, r, "/years/"+strconv.FormatUint(yid, 10))
}

func setRoundOpen(w http.ResponseWriter, r *http.Request) error {
	rid, err := id(r, "round")
	if err != nil {
		return err
	}
	current, err := st(r).Round(rid)
	if err != nil {
		return err
	}
	if err := requireRunYear(r, current.YearID); err != nil {
		return err
	}
	round, err := st(r).SetRoundOpen(rid, r.PostFormValue("open") == "1")
	if err != nil {
		return err
	}
	if err := audit(r, "survey.open", "survey_round", round.ID, nil, map[string]any{"open": round.Open}); err != nil {
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatUint(rid, 10))
}
