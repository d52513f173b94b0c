package matrix

// Measure is a data point an axis of the matrix can show. Every measure
// reads "higher is better", so right and up are always better.
type Measure string

// The measures of a snapshot.
const (
	MeasureGap        Measure = "gap"        // attainment gap in months (age-equivalent minus age)
	MeasureAttitude   Measure = "attitude"   // attitude to learning, 0-100
	MeasureAspiration Measure = "aspiration" // aspiration, 0-100
	MeasureAttendance Measure = "attendance" // % of sessions attended
	MeasureARE        Measure = "are"        // % of reading, writing and maths at or above expectations
)

// Measures lists the measures in the order a form offers them.
var Measures = []Measure{MeasureGap, MeasureAttitude, MeasureAspiration, MeasureAttendance, MeasureARE}

// The default axes: the gap against attitude to learning.
const (
	DefaultX = MeasureGap
	DefaultY = MeasureAttitude
)

var axes = map[Measure]Axis{
	MeasureGap:        GapAxis,
	MeasureAttitude:   AttitudeAxis,
	MeasureAspiration: {Label: "Aspiration", Short: "aspiration", Min: 0, Max: 100, Step: 20},
	MeasureAttendance: {Label: "Attendance (%)", Short: "attendance", Unit: "%", Min: 50, Max: 100, Step: 10},
	MeasureARE:        {Label: "At or above ARE (% of reading, writing, maths)", Short: "% at ARE", Unit: "%", Min: 0, Max: 100, Step: 25},
}

// Axis returns the axis of m; false for an unknown measure.
func (m Measure) Axis() (Axis, bool) {
	a, ok := axes[m]
	return a, ok
}

// Label is the measure's name in a form.
func (m Measure) Label() string { return axes[m].Label }

// ChooseAxes returns the measures of x and y as asked (query values), each
// falling back to its default when unknown or empty, and both to the
// defaults when they are the same measure.
func ChooseAxes(x, y string) (Measure, Measure) {
	mx, my := Measure(x), Measure(y)
	if _, ok := axes[mx]; !ok {
		mx = DefaultX
	}
	if _, ok := axes[my]; !ok {
		my = DefaultY
	}
	if mx == my {
		return DefaultX, DefaultY
	}
	return mx, my
}
