package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk/research"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/impact"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// cohortFacts gathers each participant's facts for the report and export.
func (q *req) cohortFacts(d *cohortData) ([]impact.Facts, map[uint64]map[string]store.Assessment, []store.Outcome, error) {
	var ids []uint64
	for _, p := range d.Participants {
		ids = append(ids, p.ID)
	}
	as, err := q.s.Assessments(ids)
	if err != nil {
		return nil, nil, nil, err
	}
	outcomes, err := q.s.Outcomes(ids)
	if err != nil {
		return nil, nil, nil, err
	}
	byP := map[uint64][]impact.Outcome{}
	for _, o := range outcomes {
		byP[o.ParticipantID] = append(byP[o.ParticipantID], impact.Outcome{Kind: o.Kind, On: store.ParseDate(o.On)})
	}
	means := func(a store.Assessment, ok bool) map[string]float64 {
		if !ok {
			return nil
		}
		out := map[string]float64{}
		scores := a.ScoreMap()
		for _, ar := range rules.Areas {
			if m, ok := rules.AreaMean(scores, ar.Key); ok {
				out[ar.Key] = m
			}
		}
		return out
	}
	facts := make([]impact.Facts, len(d.Participants))
	for i, p := range d.Participants {
		s, okS := as[p.ID][rules.RoundStart]
		e, okE := as[p.ID][rules.RoundEnd]
		facts[i] = impact.Facts{AppliedBefore: p.AppliedBefore, Withdrawn: p.Withdrawn(), Outcomes: byP[p.ID], Start: means(s, okS), End: means(e, okE)}
	}
	return facts, as, outcomes, nil
}

func areaKeys() []string {
	out := make([]string, len(rules.Areas))
	for i, a := range rules.Areas {
		out[i] = a.Key
	}
	return out
}

type reportView struct {
	Header    ui.Header
	Headlines []string
	Stats     ui.Stats
	Areas     ui.Table
	Caveats   []string
}

func pct(s impact.Share) string {
	if !s.HasN {
		return "—"
	}
	return fmt.Sprintf("%d%% (%d of %d; 95%% interval %.0f%% to %.0f%%)", s.Percent(), s.K, s.N, 100*s.Low, 100*s.High)
}

// reportPage is the funder's report: every figure computed from the
// cohort's records, with the numbers it rests on.
func reportPage(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	d, err := q.managedCohort(PermReport)
	if err != nil {
		return err
	}
	c := d.Cohort
	facts, _, _, err := q.cohortFacts(d)
	if err != nil {
		return err
	}
	events, err := q.s.Events(c.ID)
	if err != nil {
		return err
	}
	var eids []uint64
	for _, e := range events {
		eids = append(eids, e.ID)
	}
	att, err := q.s.AttendanceOf(eids)
	if err != nil {
		return err
	}
	from, to := rules.YearBounds(c.StartYear)
	rep := impact.Build(facts, from, to, areaKeys())
	minutes, sessions := 0, 0
	for _, p := range d.Pairs {
		minutes += p.Tally.Minutes
		sessions += p.Tally.Sessions
	}
	v := reportView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "Report for the funder: " + c.Name,
		Lead: fmt.Sprintf("%s, %s. Every figure comes from the programme's records on %s.", c.Region, c.YearLabel(), rules.FormatDate(q.today))}}
	n := rep.Participants
	v.Headlines = append(v.Headlines,
		fmt.Sprintf("%s of participants were promoted in year one: %s — %d to headship, %d to deputy headship, %d to another promoted post.",
			upper(rules.Share(rep.Promoted.K, n)), pct(rep.Promoted), rep.ToHeadship, rep.ToDeputy, rep.ToOther),
		fmt.Sprintf("Participants applying for headship rose from %d%% to %d%%: %d of %d had applied in the year before the programme, %d of %d applied during it.",
			rep.AppliedBefore.Percent(), rep.AppliedDuring.Percent(), rep.AppliedBefore.K, n, rep.AppliedDuring.K, n),
		fmt.Sprintf("%s hours of coaching in %d sessions, across %d pairs (%d hours expected of each).", rules.Hours(minutes), sessions, len(d.Pairs), c.ExpectedHours))
	present := 0
	for _, e := range events {
		present += len(att[e.ID])
	}
	v.Stats = ui.Stats{
		{Value: strconv.Itoa(n), Label: "Participants", N: n},
		{Value: strconv.Itoa(len(active(d.Coaches))), Label: "Coaches"},
		{Value: fmt.Sprintf("%d%%", rep.Promoted.Percent()), Label: "Promoted in year one", N: n},
		{Value: fmt.Sprintf("%d%% → %d%%", rep.AppliedBefore.Percent(), rep.AppliedDuring.Percent()), Label: "Applying for headship, before and during", N: n},
		{Value: rules.Hours(minutes) + " h", Label: "Coaching logged", N: sessions},
		{Value: fmt.Sprintf("%d (%d attendances)", len(events), present), Label: "Networking events and shadowing days"},
	}
	var rows []ui.Row
	for i, a := range rep.Areas {
		ch := a.Change
		row := ui.Row{"area": rules.Areas[i].Label, "n": ch.N, "counts": fmt.Sprintf("%d rose, %d the same, %d fell", ch.Rose, ch.Same, ch.Fell)}
		switch {
		case ch.N == 0:
			row["counts"] = "Nobody has done both rounds yet"
		case ch.HasInterval:
			row["start"], row["end"] = fmt.Sprintf("%.1f", ch.MeanBefore), fmt.Sprintf("%.1f", ch.MeanAfter)
			row["change"] = fmt.Sprintf("%+.1f (95%% interval %+.1f to %+.1f)", ch.Mean, ch.Low, ch.High)
		default:
			row["change"] = fmt.Sprintf("Too few (fewer than %d) for an average", impact.MinForInterval)
		}
		rows = append(rows, row)
	}
	v.Areas = ui.Table{Caption: "Self-assessment, start to end of the year (1 to 5)", ID: "areas", Rows: rows,
		Columns: []ui.Column{{Key: "area", Label: "Area"}, {Key: "n", Label: "Did both rounds", Numeric: true}, {Key: "start", Label: "Mean at the start"},
			{Key: "end", Label: "Mean at the end"}, {Key: "change", Label: "Mean change"}, {Key: "counts", Label: "People"}}}
	v.Caveats = []string{
		withdrawnNote(n, rep.Withdrawn),
		"Intervals are 95% intervals (Wilson for shares, paired t for changes): with a cohort this size, they are wide.",
		"There is no comparison group: these figures say what happened to participants, not what the programme caused.",
	}
	return render(w, r, http.StatusOK, "Funder's report", "report", v)
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The evaluator's datasets: no names, schools, e-mails, notes or actions;
// participants and coaches by pseudonym, sessions by month.
var (
	participantsData = research.Dataset{Name: "participants", Description: "One row per participant of the cohort.", Columns: []research.Column{
		{Name: "participant", Type: research.String, Description: "The participant", Pseudonym: "participant"},
		{Name: "region", Type: research.String, Description: "The cohort's region"},
		{Name: "school_year", Type: research.String, Description: "The cohort's school year, e.g. 2017-18"},
		{Name: "post_at_start", Type: research.String, Description: "Post on joining", Allowed: choiceValues(rules.Posts)},
		{Name: "years_senior", Type: research.Integer, Description: "Years in senior leadership on joining"},
		{Name: "applied_before", Type: research.Boolean, Description: "Applied for a headship in the twelve months before the programme"},
		{Name: "coach", Type: research.String, Description: "The participant's (last) coach; blank for none", Pseudonym: "coach", Optional: true},
		{Name: "sessions", Type: research.Integer, Description: "Coaching sessions logged"},
		{Name: "coaching_hours", Type: research.Number, Description: "Hours of coaching logged"},
		{Name: "withdrew", Type: research.Boolean, Description: "Withdrew during the year"},
		{Name: "applied_in_year", Type: research.Boolean, Description: "Applied for (or was appointed to) a headship within the school year"},
		{Name: "promotion", Type: research.String, Description: "Highest promotion within the school year; blank for none", Optional: true,
			Allowed: []string{impact.PromotedHeadship, impact.PromotedDeputy, impact.PromotedOther}},
		{Name: "promotion_month", Type: research.String, Description: "Month of that promotion (YYYY-MM); blank for none", Optional: true},
	}}
	assessmentData = research.Dataset{Name: "self_assessment", Description: "One row per participant, round and item: the self-assessment scores.", Columns: []research.Column{
		{Name: "participant", Type: research.String, Description: "The participant", Pseudonym: "participant"},
		{Name: "round", Type: research.String, Description: "start or end of the year", Allowed: choiceValues(rules.Rounds)},
		{Name: "area", Type: research.String, Description: "The item's area"},
		{Name: "item", Type: research.String, Description: "The item's key (see the plugin's README for its wording)"},
		{Name: "score", Type: research.Integer, Description: "1 (not at all) to 5 (completely)"},
	}}
	sessionData = research.Dataset{Name: "sessions", Description: "One row per coaching session, dated by month only.", Columns: []research.Column{
		{Name: "participant", Type: research.String, Description: "The pair's participant", Pseudonym: "participant"},
		{Name: "coach", Type: research.String, Description: "The pair's coach", Pseudonym: "coach"},
		{Name: "month", Type: research.String, Description: "Month of the session, YYYY-MM"},
		{Name: "minutes", Type: research.Integer, Description: "Length"},
		{Name: "mode", Type: research.String, Description: "How it was held", Allowed: choiceValues(rules.Modes)},
		{Name: "themes", Type: research.String, Description: "Themes covered, separated by semicolons"},
	}}
)

func choiceValues(cs []rules.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

// ResearchProject is the project id of the evaluator's pseudonyms: the same
// person has the same pseudonym in every export of the tenant.
const ResearchProject = "gettingahead-evaluation"

// export writes the cohort's anonymised datasets with their dictionaries
// as a zip.
func export(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	d, err := q.managedCohort(PermExport)
	if err != nil {
		return err
	}
	c := d.Cohort
	facts, as, outcomes, err := q.cohortFacts(d)
	if err != nil {
		return err
	}
	secret, err := q.s.ResearchSecret()
	if err != nil {
		return err
	}
	ps, err := research.NewPseudonymiser(secret, ResearchProject)
	if err != nil {
		return err
	}
	var pairIDs []uint64
	coachOf := map[uint64]uint64{}
	for _, p := range d.Pairs {
		pairIDs = append(pairIDs, p.ID)
		coachOf[p.ParticipantID] = p.CoachID // the last pair wins: pairs are in id order
	}
	sessions, err := q.s.Sessions(pairIDs)
	if err != nil {
		return err
	}
	pairByID := map[uint64]pairLine{}
	for _, p := range d.Pairs {
		pairByID[p.ID] = p
	}
	from, to := rules.YearBounds(c.StartYear)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	counts := map[string]int{}
	write := func(ds research.Dataset, rows func(w *research.Writer) error) error {
		for _, f := range []struct {
			name string
			fn   func(f interface{ Write([]byte) (int, error) }) error
		}{
			{ds.Name + ".dictionary.csv", func(f interface{ Write([]byte) (int, error) }) error { return research.WriteDictionaryCSV(f, ds) }},
			{ds.Name + ".dictionary.md", func(f interface{ Write([]byte) (int, error) }) error { return research.WriteDictionaryMarkdown(f, ds) }},
		} {
			fw, err := zw.Create(f.name)
			if err != nil {
				return err
			}
			if err := f.fn(fw); err != nil {
				return err
			}
		}
		fw, err := zw.Create(ds.Name + ".csv")
		if err != nil {
			return err
		}
		rw, err := research.NewWriter(fw, ds, ps)
		if err != nil {
			return err
		}
		if err := rows(rw); err != nil {
			return err
		}
		counts[ds.Name] = rw.Rows()
		return rw.Close()
	}
	err = write(participantsData, func(w *research.Writer) error {
		for i, p := range d.Participants {
			minutes, n := 0, 0
			for _, pr := range d.Pairs {
				if pr.ParticipantID == p.ID {
					minutes += pr.Tally.Minutes
					n += pr.Tally.Sessions
				}
			}
			one := impact.Build([]impact.Facts{facts[i]}, from, to, nil)
			row := research.Row{"participant": itoa(p.ID), "region": c.Region, "school_year": c.YearLabel(), "post_at_start": p.Post,
				"years_senior": p.YearsSenior, "applied_before": p.AppliedBefore, "coach": nil, "sessions": n, "coaching_hours": float64(minutes) / 60,
				"withdrew": p.Withdrawn(), "applied_in_year": one.AppliedDuring.K == 1, "promotion": nil, "promotion_month": nil}
			if co, ok := coachOf[p.ID]; ok {
				row["coach"] = itoa(co)
			}
			if kind, on := highestPromotion(outcomes, p.ID, from, to); kind != "" {
				row["promotion"], row["promotion_month"] = kind, on[:7]
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = write(assessmentData, func(w *research.Writer) error {
			for _, p := range d.Participants {
				for _, round := range rules.Rounds {
					a, ok := as[p.ID][round.Value]
					if !ok {
						continue
					}
					scores := a.ScoreMap()
					for _, it := range rules.Items {
						if err := w.Write(research.Row{"participant": itoa(p.ID), "round": round.Value, "area": it.Area, "item": it.Key, "score": scores[it.Key]}); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
	}
	if err == nil {
		err = write(sessionData, func(w *research.Writer) error {
			for _, s := range sessions {
				pr := pairByID[s.PairID]
				if err := w.Write(research.Row{"participant": itoa(pr.ParticipantID), "coach": itoa(pr.CoachID), "month": s.HeldOn[:7],
					"minutes": s.Minutes, "mode": s.Mode, "themes": strings.ReplaceAll(s.Themes, ",", ";")}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = q.s.RecordExport(c.ID, counts)
	}
	if err != nil {
		return fmt.Errorf("research export of cohort %d: %w", c.ID, err)
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gettingahead-%s-evaluation.zip"`, c.YearLabel()))
	_, err = w.Write(buf.Bytes())
	return err
}

// highestPromotion is a participant's highest promotion within from..to
// and its date, or "".
func highestPromotion(os []store.Outcome, participantID uint64, from, to interface{ Format(string) string }) (string, string) {
	order := map[string]int{impact.PromotedHeadship: 3, impact.PromotedDeputy: 2, impact.PromotedOther: 1}
	best, on := "", ""
	lo, hi := from.Format("2006-01-02"), to.Format("2006-01-02")
	for _, o := range os {
		if o.ParticipantID != participantID || o.On < lo || o.On > hi {
			continue
		}
		if order[o.Kind] > order[best] {
			best, on = o.Kind, o.On
		}
	}
	return best, on
}

func withdrawnNote(n, withdrawn int) string {
	if withdrawn == 0 {
		return fmt.Sprintf("Shares are of all %d participants accepted; none withdrew.", n)
	}
	return fmt.Sprintf("Shares are of all %d participants accepted, the %d who withdrew included: leaving does not take anyone out of the count.", n, withdrawn)
}
