package rules

import "fmt"

// Report states, in order.
const (
	Draft     = "draft"     // the team writes it
	Submitted = "submitted" // the Lead Reviewer has submitted it to the host
	Agreed    = "agreed"    // the host headteacher has agreed it
	Published = "published" // the central team has published it: final, and its EBIs carry forward
)

// StateLabel is a report state as people read it.
func StateLabel(state string) string {
	switch state {
	case Draft:
		return "Draft"
	case Submitted:
		return "Submitted to the host"
	case Agreed:
		return "Agreed by the host"
	case Published:
		return "Published"
	case "":
		return "Not started"
	}
	return state
}

// Viewer is who is reading a review's report, as far as the rules care.
type Viewer struct {
	Team    bool // on the review's team (the Lead Reviewer or a reviewer)
	Host    bool // a leader of the host school
	Central bool // the central team
	Reader  bool // anyone else who may read the school's reviews: its hub manager, its trust leader
}

// CanRead says whether v may read a report in state: the team always; the
// host and the central team once it is submitted; the school's hub manager
// and trust leader once the host has agreed it. Never anyone else: other
// schools do not see it.
func CanRead(state string, v Viewer) bool {
	switch {
	case v.Team:
		return true
	case state == Submitted:
		return v.Host || v.Central
	case state == Agreed || state == Published:
		return v.Host || v.Central || v.Reader
	}
	return false
}

// Items of a report.
const (
	WWW = "www" // What Went Well
	EBI = "ebi" // Even Better If
	AoE = "aoe" // Area of Excellence
)

// ItemLabel names a kind of report item.
func ItemLabel(kind string) string {
	switch kind {
	case WWW:
		return "What Went Well"
	case EBI:
		return "Even Better If"
	case AoE:
		return "Area of Excellence"
	}
	return kind
}

// Judgements of progress on one of last year's EBIs.
var Judgements = []string{"not_yet", "some", "good", "met"}

// JudgementLabel names a judgement.
func JudgementLabel(j string) string {
	switch j {
	case "not_yet":
		return "Not yet addressed"
	case "some":
		return "Some progress"
	case "good":
		return "Good progress"
	case "met":
		return "Fully addressed"
	}
	return "Not judged"
}

// Draft is what a report holds when the lead submits it.
type DraftCounts struct {
	WWW, EBI       int
	CarriedForward int // last year's EBIs shown to the team
	Judged         int // of those, how many the report judges
	Summary        bool
}

// Violation is a rule a report breaks, with what to do.
type Violation struct {
	Rule    string
	Message string
}

// CheckSubmit lists why a draft cannot be submitted yet (none: it can).
func CheckSubmit(d DraftCounts) []Violation {
	var out []Violation
	if !d.Summary {
		out = append(out, Violation{"summary", "Write the summary of the review"})
	}
	if d.WWW == 0 {
		out = append(out, Violation{"www", "Add at least one What Went Well"})
	}
	if d.EBI == 0 {
		out = append(out, Violation{"ebi", "Add at least one Even Better If"})
	}
	if d.Judged < d.CarriedForward {
		n := d.CarriedForward - d.Judged
		out = append(out, Violation{"progress", fmt.Sprintf("Judge the progress on %d more of last year's Even Better Ifs", n)})
	}
	return out
}

// Actions on a report.
const (
	ActSubmit  = "submit"
	ActAgree   = "agree"
	ActReturn  = "return"
	ActPublish = "publish"
	ActEdit    = "edit"
)

// Next is the state after act on a report in state, or an error stating the
// rule and the way out.
func Next(state, act string) (string, error) {
	switch {
	case act == ActEdit && state == Draft:
		return Draft, nil
	case act == ActSubmit && state == Draft:
		return Submitted, nil
	case act == ActAgree && state == Submitted:
		return Agreed, nil
	case act == ActReturn && state == Submitted:
		return Draft, nil
	case act == ActPublish && state == Agreed:
		return Published, nil
	case act == ActEdit:
		return "", fmt.Errorf("the report is %s: only a draft can be changed; the host can return a submitted report to the team", lower(StateLabel(state)))
	case act == ActSubmit:
		return "", fmt.Errorf("the report is %s already", lower(StateLabel(state)))
	case act == ActAgree || act == ActReturn:
		return "", fmt.Errorf("only a report submitted to the host can be agreed or returned; this one is %s", lower(StateLabel(state)))
	case act == ActPublish:
		return "", fmt.Errorf("only a report the host has agreed can be published; this one is %s", lower(StateLabel(state)))
	}
	return "", fmt.Errorf("unknown action on a report")
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
