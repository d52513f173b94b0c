package export

import (
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk/research"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

var (
	arms  = []string{store.ArmIntervention, store.ArmControl}
	codes = func() []string {
		out := make([]string, len(rules.Proficiencies))
		for i, p := range rules.Proficiencies {
			out[i] = string(p)
		}
		return out
	}()
	stages = func() []string {
		out := make([]string, len(rules.Phases))
		for i, p := range rules.Phases {
			out[i] = string(p)
		}
		return out
	}()
)

func col(name string, t research.Type, desc string) research.Column {
	return research.Column{Name: name, Type: t, Description: desc}
}

func opt(c research.Column) research.Column { c.Optional = true; return c }

func allowed(c research.Column, vs []string) research.Column { c.Allowed = vs; return c }

// datasets declares the export's data files and fills their rows.
func datasets(in Input) []dataset {
	allocated := in.allocated()
	centreCode := map[uint64]string{}
	for _, c := range in.Centres {
		centreCode[c.ID] = c.Code
	}
	schoolCode := map[uint64]string{}
	waveNo := map[uint64]int{}
	for _, w := range in.Waves {
		waveNo[w.ID] = w.Number
	}
	strata := strataOf(in.Waves)

	// Schools.
	sc := dataset{Dataset: research.Dataset{Name: "schools", Description: "One row per school recruited to the trial.", Columns: []research.Column{
		col("school", research.String, "The school's id in the trial (S001, …); never its name or URN."),
		col("centre", research.String, "The delivery centre's id in the trial (C01, …)."),
		opt(col("stratum", research.String, "The stratum the school was randomised in (its delivery centre and any further factors); blank before it is in a frozen list.")),
		opt(col("wave", research.Integer, "The wave of randomisation whose frozen list holds the school; blank before.")),
	}}, key: map[string]bool{"school": true, "centre": true}}
	if allocated {
		sc.Columns = append(sc.Columns, opt(allowed(col("arm", research.String, "The arm the school was allocated to; blank before its wave is allocated."), arms)))
		sc.key["arm"] = true
	}
	sc.Columns = append(sc.Columns,
		opt(col("phase", research.String, "The school's phase as recorded when it was recruited.")),
		opt(col("eal_percent", research.Number, "Share of the school's pupils with English as an additional language at the eligibility check, per cent.")),
		opt(col("fsm_percent", research.Number, "Share of the school's pupils eligible for free school meals at the eligibility check, per cent.")),
		opt(col("eligible", research.Boolean, "Whether the eligibility check found the school eligible; blank before the check.")),
		opt(allowed(col("withdrawn_stage", research.String, "The stage of the trial at which the school withdrew; blank when it did not."), stages)),
		opt(allowed(col("withdrawn_reason", research.String, "Why the school withdrew; blank when it did not."), rules.WithdrawalReasons)),
		opt(col("delegates", research.Integer, "How many of the school's teachers were named as delegates.")),
	)
	delegatesOf := map[uint64]int{}
	for _, d := range in.Delegates {
		delegatesOf[d.TrialSchoolID]++
	}
	for _, s := range in.Schools {
		schoolCode[s.ID] = s.Code
		row := research.Row{"school": s.Code, "centre": centreCode[s.CentreID], "stratum": nilIfEmpty(strata[s.Code]), "wave": nil,
			"phase": nilIfEmpty(s.Phase), "eal_percent": floatOrNil(s.EALPercent), "fsm_percent": floatOrNil(s.FSMPercent),
			"eligible": boolOrNil(s.Eligible), "withdrawn_stage": nilIfEmpty(s.WithdrawnStage), "withdrawn_reason": nilIfEmpty(s.WithdrawnReason),
			"delegates": delegatesOf[s.ID]}
		if s.WaveID != nil {
			row["wave"] = waveNo[*s.WaveID]
		}
		if allocated {
			row["arm"] = nilIfEmpty(s.Arm)
		}
		sc.rows = append(sc.rows, row)
	}

	// Pupils.
	pu := dataset{Dataset: research.Dataset{Name: "pupils", Description: "One row per EAL pupil of a trial school, except pupils whose parents objected.", Columns: []research.Column{
		{Name: "pupil", Type: research.String, Pseudonym: "pupil", Description: "The pupil's pseudonym in this trial."},
		col("school", research.String, "The pupil's school's id in the trial."),
		opt(col("year_group", research.Integer, "The pupil's year group when added to the trial.")),
		opt(allowed(col("gender", research.String, "The pupil's gender as the school records it: F, M or U (unknown)."), []string{"F", "M", "U"})),
		opt(col("fsm", research.Boolean, "Whether the pupil was eligible for free school meals when added.")),
	}}, key: map[string]bool{"pupil": true, "school": true}}
	for _, pt := range rules.Points {
		pu.Columns = append(pu.Columns,
			opt(allowed(col("proficiency_"+string(pt), research.String, "Proficiency in English at the "+pt.Label()+" point: A new to English, B early acquisition, C developing competence, D competent, E fluent, N not yet assessed."), codes)),
			opt(col("score_"+string(pt), research.Integer, "Test score at the "+pt.Label()+" point, 0 to 100.")))
	}
	pu.Columns = append(pu.Columns,
		opt(col("gcse_english", research.Integer, "GCSE English language grade, 9 to 1, 0 for U; blank when not collected.")),
		opt(col("gcse_maths", research.Integer, "GCSE mathematics grade, 9 to 1, 0 for U; blank when not collected.")))
	points := map[uint64]map[string]store.PupilPoint{}
	for _, p := range in.Points {
		if points[p.TrialPupilID] == nil {
			points[p.TrialPupilID] = map[string]store.PupilPoint{}
		}
		points[p.TrialPupilID][p.Point] = p
	}
	for _, p := range in.Pupils {
		if p.ObjectedOn != "" {
			continue
		}
		gender := p.Gender
		if gender != "F" && gender != "M" {
			gender = "U"
		}
		row := research.Row{"pupil": strconv.FormatUint(p.PupilID, 10), "school": schoolCode[p.TrialSchoolID], "year_group": p.YearGroup,
			"gender": gender, "fsm": p.FSM, "gcse_english": intOrNil(p.GCSEEnglish), "gcse_maths": intOrNil(p.GCSEMaths)}
		for _, pt := range rules.Points {
			v, ok := points[p.ID][string(pt)]
			row["proficiency_"+string(pt)], row["score_"+string(pt)] = nil, nil
			if ok {
				row["proficiency_"+string(pt)] = v.Proficiency
				row["score_"+string(pt)] = intOrNil(v.Score)
			}
		}
		pu.rows = append(pu.rows, row)
	}

	// Delegates.
	de := dataset{Dataset: research.Dataset{Name: "delegates", Description: "One row per teacher named as a delegate.", Columns: []research.Column{
		{Name: "teacher", Type: research.String, Pseudonym: "teacher", Description: "The teacher's pseudonym in this trial."},
		col("school", research.String, "The teacher's school's id in the trial."),
		opt(allowed(col("subject", research.String, "The subject the teacher teaches."), rules.Subjects)),
		opt(col("days_attended", research.Integer, "How many of the course's three days the teacher attended.")),
	}}, key: map[string]bool{"teacher": true, "school": true}}
	for _, k := range []rules.Assessment{rules.Pre, rules.Post} {
		for _, it := range rules.Items {
			de.Columns = append(de.Columns, opt(col(string(k)+"_"+it.Key, research.Integer, k.Label()+": "+it.Label+", 1 (very low) to 5 (very high).")))
		}
	}
	days := map[uint64]int{}
	for _, a := range in.Attendance {
		if a.Present {
			days[a.DelegateID]++
		}
	}
	answers := map[uint64]map[string][]int{}
	for _, a := range in.Assessments {
		if answers[a.DelegateID] == nil {
			answers[a.DelegateID] = map[string][]int{}
		}
		answers[a.DelegateID][a.Kind] = a.Answers()
	}
	for _, d := range in.Delegates {
		row := research.Row{"teacher": strconv.FormatUint(d.PersonID, 10), "school": schoolCode[d.TrialSchoolID], "subject": d.Subject,
			"days_attended": days[d.ID]}
		for _, k := range []rules.Assessment{rules.Pre, rules.Post} {
			for i, it := range rules.Items {
				row[string(k)+"_"+it.Key] = nil
				if a, ok := answers[d.ID][string(k)]; ok {
					row[string(k)+"_"+it.Key] = a[i]
				}
			}
		}
		de.rows = append(de.rows, row)
	}

	// Sessions.
	se := dataset{Dataset: research.Dataset{Name: "sessions", Description: "One row per course day a facilitator logged.", Columns: []research.Column{
		col("centre", research.String, "The delivery centre's id in the trial."),
		col("day", research.Integer, "The course day, 1 to 3."),
		{Name: "facilitator", Type: research.String, Pseudonym: "facilitator", Optional: true, Description: "The facilitator's pseudonym in this trial; blank when their record was erased."},
		opt(col("fidelity", research.Integer, "How closely the day kept to the programme, 1 (not as designed) to 5 (fully as designed).")),
	}}, key: map[string]bool{"centre": true, "day": true}}
	facPerson := map[uint64]uint64{}
	for _, f := range in.Facilitators {
		facPerson[f.ID] = f.PersonID
	}
	for _, v := range in.Sessions {
		row := research.Row{"centre": centreCode[v.CentreID], "day": v.Day, "facilitator": nil, "fidelity": v.Fidelity}
		if p := facPerson[v.FacilitatorID]; p != 0 {
			row["facilitator"] = strconv.FormatUint(p, 10)
		}
		se.rows = append(se.rows, row)
	}
	return []dataset{sc, pu, de, se}
}

// strataOf reads each school's stratum from the waves' frozen lists.
func strataOf(waves []store.Wave) map[string]string {
	out := map[string]string{}
	for _, w := range waves {
		l, err := w.List()
		if err != nil {
			continue
		}
		for _, e := range l.Schools {
			out[e.School] = e.Stratum
		}
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func floatOrNil(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func intOrNil(v *int) any {
	if v == nil {
		return nil
	}
	return *v
}

func boolOrNil(v *bool) any {
	if v == nil {
		return nil
	}
	return *v
}
