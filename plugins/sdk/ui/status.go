package ui

import "html/template"

// Tone is how a badge or a trend reads. Colour only echoes it: the words
// given with it must carry the meaning on their own.
type Tone int

// The tones, from plain to alarming.
const (
	Neutral Tone = iota
	Info
	Success
	Warning
	Danger
)

var toneNames = [...]string{"neutral", "info", "success", "warning", "danger"}

// String is the tone's name, as the CSS class ui-tone-NAME uses it.
func (t Tone) String() string {
	if t < Neutral || t > Danger {
		return toneNames[Neutral]
	}
	return toneNames[t]
}

// ParseTone reads a tone's name; anything else is Neutral.
func ParseTone(name string) Tone {
	for i, n := range toneNames {
		if n == name {
			return Tone(i)
		}
	}
	return Neutral
}

var badgeTmpl = mustParse("badge", `<span class="ui-badge ui-tone-{{.Tone}}">{{.Text}}</span>`)

// Badge is a short status in words ("Trial running", "Overdue"), coloured by
// tone. The words carry the meaning; the colour only repeats it.
func Badge(tone Tone, text string) template.HTML {
	return execute(badgeTmpl, struct {
		Tone Tone
		Text string
	}{tone, text})
}

// Direction is which way a trend goes.
type Direction int

// The directions; NoTrend shows none.
const (
	NoTrend Direction = iota
	Up
	Down
	Flat
)

// Trend is the change a stat card reports beside its figure.
type Trend struct {
	Dir Direction
	// Text says the change in words, e.g. "+5.0 points since the baseline":
	// the arrow drawn beside it is decoration, hidden from screen readers.
	Text string
	// Tone says whether the change is good (Success) or bad (Danger).
	Tone Tone
}

// Stat is one stat card: a figure, what it counts, the number of people (or
// things) it rests on, and a trend.
type Stat struct {
	Value string // the figure as shown, e.g. "4.2 months"
	Label string // what it is, e.g. "Gap closed since the baseline"
	// N, when above zero, is shown as "n = N": the count the figure rests on.
	N     int
	Trend Trend
}

var _ Component = Stat{}

var statTmpl = mustParse("stat", `<div class="ui-stat">
<p class="ui-stat-label">{{.Label}}</p>
<p class="ui-stat-value">{{.Value}}</p>
{{- if .N}}<p class="ui-stat-n">n = {{.N}}</p>{{end}}
{{- if .Trend.Dir}}<p class="ui-trend ui-tone-{{.Trend.Tone}}"><span aria-hidden="true">{{.Arrow}}</span> {{.Trend.Text}}</p>{{end -}}
</div>`)

// HTML renders the card.
func (s Stat) HTML() template.HTML {
	arrow := map[Direction]string{Up: "▲", Down: "▼", Flat: "▶"}[s.Trend.Dir]
	if s.N < 0 {
		s.N = 0
	}
	return execute(statTmpl, struct {
		Stat
		Arrow string
	}{s, arrow})
}

// Stats is a row of stat cards, as a list.
type Stats []Stat

var _ Component = Stats{}

// HTML renders the cards in a list.
func (ss Stats) HTML() template.HTML {
	out := `<ul class="ui-stats">`
	for _, s := range ss {
		out += "<li>" + string(s.HTML()) + "</li>"
	}
	return template.HTML(out + "</ul>") //nolint:gosec // each card escapes its values
}
