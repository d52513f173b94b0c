// Package consort draws the trial's CONSORT flow diagram from the schools'
// records: assessed for eligibility, excluded (with reasons), randomised,
// allocated to each arm, received the intervention, lost to follow-up and
// analysed. It counts schools (and, in the analysis, the pupils with an
// outcome), and draws the diagram as SVG with a text equivalent: the same
// numbers as a list. Pure: no storage, no Host, no clock.
//
// Before any school is allocated the diagram stops at "Randomised": it
// never shows an arm, so drawing it cannot reveal an allocation before it
// is made.
package consort

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// Arms, as the allocation names them.
const (
	Intervention = "intervention"
	Control      = "control"
)

// School is one school's path through the trial.
type School struct {
	// Ineligible is why the eligibility check refused it ("" when it was
	// eligible or not checked yet).
	Ineligible string
	// WithdrawnBefore is the reason it withdrew before it was randomised.
	WithdrawnBefore string
	// Randomised: it is in a frozen list that was allocated.
	Randomised bool
	// Arm is intervention or control once allocated, "" before.
	Arm string
	// Received: an intervention school whose delegates attended the
	// course (at least one day); a control school carries on as usual.
	Received bool
	// Lost is the reason it withdrew after randomisation ("" if it did not).
	Lost string
	// Pupils is how many of its pupils have an outcome recorded (and no
	// objection): those analysed.
	Pupils int
}

// Reason is a count of schools with one reason.
type Reason struct {
	Label string
	N     int
}

// Arm is one arm's flow after allocation.
type Arm struct {
	Name                  string // Intervention or Control
	Allocated             int
	Received, NotReceived int
	Lost                  []Reason
	LostTotal             int
	Analysed              int
	AnalysedPupils        int
}

// Diagram is the flow's numbers.
type Diagram struct {
	Assessed      int
	Excluded      []Reason // by reason, largest first
	ExcludedTotal int
	Randomised    int
	// Allocated: some school has an arm; only then are Arms filled in.
	Allocated bool
	Arms      [2]Arm // Intervention, then Control
	// SuppressPupils shows a count of analysed pupils below 5 (zero
	// included) as "fewer than 5 pupils", as the SDK's suppress package
	// does, for pages read across schools; the evaluator's export gives
	// the count.
	SuppressPupils bool
}

// Pending is the excluded box's line for eligible schools not randomised
// yet (not excluded for good: waiting for their wave).
const Pending = "Not randomised yet"

// Compute counts the schools' paths.
func Compute(schools []School) Diagram {
	d := Diagram{Assessed: len(schools)}
	d.Arms[0].Name, d.Arms[1].Name = Intervention, Control
	excluded := map[string]int{}
	lost := [2]map[string]int{{}, {}}
	for _, s := range schools {
		switch {
		case s.Ineligible != "":
			excluded["Not eligible: "+s.Ineligible]++
		case s.WithdrawnBefore != "" && !s.Randomised:
			excluded["Withdrew before randomisation: "+s.WithdrawnBefore]++
		case !s.Randomised:
			excluded[Pending]++
		default:
			d.Randomised++
			i := -1
			switch s.Arm {
			case Intervention:
				i = 0
			case Control:
				i = 1
			}
			if i < 0 {
				continue
			}
			d.Allocated = true
			a := &d.Arms[i]
			a.Allocated++
			if s.Received {
				a.Received++
			} else {
				a.NotReceived++
			}
			if s.Lost != "" {
				lost[i][s.Lost]++
				a.LostTotal++
				continue
			}
			a.Analysed++
			a.AnalysedPupils += s.Pupils
		}
	}
	d.Excluded, d.ExcludedTotal = reasons(excluded)
	if d.Allocated {
		for i := range d.Arms {
			d.Arms[i].Lost, _ = reasons(lost[i])
		}
	}
	return d
}

func reasons(m map[string]int) ([]Reason, int) {
	var out []Reason
	total := 0
	for k, n := range m {
		out = append(out, Reason{k, n})
		total += n
	}
	slices.SortFunc(out, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Label, b.Label))
	})
	return out, total
}

// Line is one line of the text equivalent.
type Line struct {
	Text  string
	Lines []string // the reasons beneath it
}

// Lines is the diagram as a list, box by box, with the same numbers as
// the drawing.
func (d Diagram) Lines() []Line {
	out := []Line{
		{Text: fmt.Sprintf("Assessed for eligibility: %s", schools(d.Assessed))},
		{Text: fmt.Sprintf("Excluded: %s", schools(d.ExcludedTotal)), Lines: reasonLines(d.Excluded)},
		{Text: fmt.Sprintf("Randomised: %s", schools(d.Randomised))},
	}
	if !d.Allocated {
		return out
	}
	for _, a := range d.Arms {
		name := armLabel(a.Name)
		recv := []string{fmt.Sprintf("Received the intervention: %s", schools(a.Received)),
			fmt.Sprintf("Did not receive it: %s", schools(a.NotReceived))}
		if a.Name == Control {
			recv = []string{"Carried on as usual (offered the course after the trial)"}
		}
		out = append(out,
			Line{Text: fmt.Sprintf("Allocated to %s: %s", strings.ToLower(name), schools(a.Allocated)), Lines: recv},
			Line{Text: fmt.Sprintf("%s, lost to follow-up: %s", name, schools(a.LostTotal)), Lines: reasonLines(a.Lost)},
			Line{Text: fmt.Sprintf("%s, analysed: %s, %s", name, schools(a.Analysed), d.pupils(a.AnalysedPupils))})
	}
	return out
}

// pupils is a count of pupils, suppressed below 5 when asked.
func (d Diagram) pupils(n int) string {
	if d.SuppressPupils && n < 5 {
		return "fewer than 5 pupils"
	}
	return plural(n, "pupil")
}

func armLabel(a string) string {
	if a == Intervention {
		return "Intervention"
	}
	return "Control"
}

func reasonLines(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s: %d", r.Label, r.N)
	}
	return out
}

func schools(n int) string { return plural(n, "school") }

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// Text is the diagram as plain text, one line per box and reason (the
// export's consort.txt).
func (d Diagram) Text() string {
	var b strings.Builder
	for _, l := range d.Lines() {
		b.WriteString(l.Text + "\n")
		for _, r := range l.Lines {
			b.WriteString("  " + r + "\n")
		}
	}
	return b.String()
}

// HTML is the diagram for a page: the SVG (role="img", named and
// described) and, beneath it, the same numbers as a list.
func (d Diagram) HTML(id string) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="ui-chart" id="%s" data-testid="%s"><figcaption>CONSORT flow diagram</figcaption>`, esc(id), esc(id))
	b.WriteString(d.svg(id + "-title"))
	fmt.Fprintf(&b, `<ul data-testid="%s-list">`, esc(id))
	for _, l := range d.Lines() {
		b.WriteString("<li>" + esc(l.Text))
		if len(l.Lines) > 0 {
			b.WriteString("<ul>")
			for _, r := range l.Lines {
				b.WriteString("<li>" + esc(r) + "</li>")
			}
			b.WriteString("</ul>")
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ul></figure>")
	return template.HTML(b.String())
}

// SVG is the diagram alone, as a standalone SVG file (the export's
// consort.svg).
func (d Diagram) SVG() string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + strings.Replace(d.svg("consort-title"), "<svg ", `<svg xmlns="http://www.w3.org/2000/svg" `, 1) + "\n"
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// Layout, in SVG units.
const (
	width     = 720
	boxW      = 300
	lineH     = 18
	pad       = 10
	gap       = 26
	leftX     = 30
	rightX    = width - 30 - boxW
	centreX   = (width - boxW) / 2
	excludedX = width - 20 - 280
)

type box struct {
	x, y, w int
	lines   []string
}

// newBox makes a box whose lines are wrapped to its width (about 7 units
// a character at the font's size); reasons are indented.
func newBox(x, w int, first string, rest ...string) box {
	max := (w - 2*pad) / 7
	b := box{x: x, w: w, lines: wrap(first, max, "")}
	for _, r := range rest {
		b.lines = append(b.lines, wrap(r, max, "  ")...)
	}
	return b
}

// wrap breaks s at spaces into lines of at most max characters, the
// second and later lines indented by two more spaces than the first.
func wrap(s string, max int, indent string) []string {
	var out []string
	line := indent
	for _, w := range strings.Fields(s) {
		if len([]rune(line))+len([]rune(w))+1 > max && strings.TrimSpace(line) != "" {
			out = append(out, line)
			line = indent + "  "
		}
		if strings.TrimSpace(line) != "" {
			line += " "
		}
		line += w
	}
	return append(out, line)
}

func (b box) h() int { return 2*pad + lineH*len(b.lines) }

// svg lays the boxes out top to bottom and draws them with arrows.
func (d Diagram) svg(titleID string) string {
	lines := d.Lines()
	var boxes []box
	var arrows [][4]int
	y := 20
	top := newBox(40, 280, lines[0].Text)
	top.y = y
	excl := newBox(excludedX, 280, lines[1].Text, lines[1].Lines...)
	excl.y = y + top.h() + 10
	rand := newBox(40, 280, lines[2].Text)
	rand.y = excl.y + excl.h() + 10
	boxes = append(boxes, top, excl, rand)
	// top → randomised, with a branch to excluded
	midX := top.x + top.w/2
	branchY := excl.y + excl.h()/2
	arrows = append(arrows, [4]int{midX, top.y + top.h(), midX, rand.y}, [4]int{midX, branchY, excl.x, branchY})
	y = rand.y + rand.h()
	if d.Allocated {
		y += gap
		cols := [2]int{leftX, rightX}
		var rows [3][2]box
		for i := range d.Arms {
			base := 3 + 3*i
			for r := 0; r < 3; r++ {
				l := lines[base+r]
				rows[r][i] = newBox(cols[i], boxW, l.Text, l.Lines...)
			}
		}
		splitY := y - gap/2
		arrows = append(arrows, [4]int{midX, rand.y + rand.h(), midX, splitY})
		for r := 0; r < 3; r++ {
			hh := max(rows[r][0].h(), rows[r][1].h())
			for i := 0; i < 2; i++ {
				rows[r][i].y = y
				boxes = append(boxes, rows[r][i])
				cx := cols[i] + boxW/2
				if r == 0 {
					arrows = append(arrows, [4]int{cx, splitY, cx, y})
				} else {
					arrows = append(arrows, [4]int{cx, rows[r-1][i].y + rows[r-1][i].h(), cx, y})
				}
			}
			y += hh + gap
		}
		y -= gap
	}
	height := y + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s %s-desc">`, width, height, esc(titleID), esc(titleID))
	fmt.Fprintf(&b, `<title id="%s">CONSORT flow diagram of the trial</title>`, esc(titleID))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, esc(titleID), esc(d.summary()))
	b.WriteString(`<defs><marker id="consort-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#1b1b1b"/></marker></defs>`)
	if d.Allocated {
		// the horizontal bar splitting the randomised schools into the arms
		splitY := rand.y + rand.h() + gap/2
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1b1b1b" stroke-width="1.5"/>`, leftX+boxW/2, splitY, rightX+boxW/2, splitY)
	}
	for _, a := range arrows {
		marker := ` marker-end="url(#consort-arrow)"`
		if d.Allocated && a[3] == rand.y+rand.h()+gap/2 {
			marker = ""
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1b1b1b" stroke-width="1.5"%s/>`, a[0], a[1], a[2], a[3], marker)
	}
	for _, bx := range boxes {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#ffffff" stroke="#1b1b1b" stroke-width="1.5"/>`, bx.x, bx.y, bx.w, bx.h())
		for i, l := range bx.lines {
			weight := ""
			if i == 0 {
				weight = ` font-weight="bold"`
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="#1b1b1b" xml:space="preserve"%s>%s</text>`, bx.x+pad, bx.y+pad+lineH*i+13, weight, esc(l))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// summary is the drawing in one sentence, for its desc.
func (d Diagram) summary() string {
	s := fmt.Sprintf("%s assessed for eligibility, %d excluded, %d randomised", schools(d.Assessed), d.ExcludedTotal, d.Randomised)
	if !d.Allocated {
		return s + ". The same numbers follow as a list."
	}
	for _, a := range d.Arms {
		s += fmt.Sprintf("; %d allocated to %s, %d lost to follow-up, %d analysed", a.Allocated, a.Name, a.LostTotal, a.Analysed)
	}
	return s + ". The same numbers follow as a list."
}
