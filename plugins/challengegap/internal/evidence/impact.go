package evidence

// Impact is the headline of a school's or a cluster's target pupils between
// the baseline and a later snapshot, as the programme reports it ("pupils
// closed the gap by 7.46 months on average"; "60% below ARE at baseline,
// 26% by March").
type Impact struct {
	Pupils int // cohort pupils counted
	// GapPupils have a gap at both snapshots; MeanGapClosed is the mean of
	// their later gap minus their earlier one (positive: closed).
	GapPupils     int
	MeanGapClosed float64
	// Below ARE at each snapshot: pupils below in a subject assessed, of
	// the pupils assessed in any.
	BelowFrom, AssessedFrom int
	BelowTo, AssessedTo     int
	// Attendance of the pupils with a figure at both snapshots.
	AttendancePupils             int
	AttendanceFrom, AttendanceTo float64
}

// AttendanceChange is the change of the mean attendance, in points.
func (i Impact) AttendanceChange() float64 { return i.AttendanceTo - i.AttendanceFrom }

// PercentBelowFrom is the share below ARE at the earlier snapshot (0 when nobody was assessed).
func (i Impact) PercentBelowFrom() float64 { return 100 * ratio(i.BelowFrom, i.AssessedFrom) }

// PercentBelowTo is the share below ARE at the later snapshot.
func (i Impact) PercentBelowTo() float64 { return 100 * ratio(i.BelowTo, i.AssessedTo) }

// Headline works out the impact of pupils (Received is ignored).
func Headline(pupils []Pupil) Impact {
	var out Impact
	var gap, attFrom, attTo float64
	for _, p := range pupils {
		out.Pupils++
		if p.GapFrom != nil && p.GapTo != nil {
			out.GapPupils++
			gap += float64(*p.GapTo - *p.GapFrom)
		}
		if assessed, at := p.AREFrom.AtARE(); assessed {
			out.AssessedFrom++
			if !at {
				out.BelowFrom++
			}
		}
		if assessed, at := p.ARETo.AtARE(); assessed {
			out.AssessedTo++
			if !at {
				out.BelowTo++
			}
		}
		if p.AttendanceFrom != nil && p.AttendanceTo != nil {
			out.AttendancePupils++
			attFrom += *p.AttendanceFrom
			attTo += *p.AttendanceTo
		}
	}
	if out.GapPupils > 0 {
		out.MeanGapClosed = gap / float64(out.GapPupils)
	}
	if out.AttendancePupils > 0 {
		out.AttendanceFrom = attFrom / float64(out.AttendancePupils)
		out.AttendanceTo = attTo / float64(out.AttendancePupils)
	}
	return out
}

// Combine adds up the impacts of several schools into one (means weighted
// by each school's pupils with values).
func Combine(ims ...Impact) Impact {
	var out Impact
	var gap, attFrom, attTo float64
	for _, im := range ims {
		out.Pupils += im.Pupils
		out.GapPupils += im.GapPupils
		gap += im.MeanGapClosed * float64(im.GapPupils)
		out.BelowFrom += im.BelowFrom
		out.AssessedFrom += im.AssessedFrom
		out.BelowTo += im.BelowTo
		out.AssessedTo += im.AssessedTo
		out.AttendancePupils += im.AttendancePupils
		attFrom += im.AttendanceFrom * float64(im.AttendancePupils)
		attTo += im.AttendanceTo * float64(im.AttendancePupils)
	}
	if out.GapPupils > 0 {
		out.MeanGapClosed = gap / float64(out.GapPupils)
	}
	if out.AttendancePupils > 0 {
		out.AttendanceFrom, out.AttendanceTo = attFrom/float64(out.AttendancePupils), attTo/float64(out.AttendancePupils)
	}
	return out
}
