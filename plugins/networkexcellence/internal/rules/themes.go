package rules

// Theme is a theme of school improvement that report items are grouped by
// (the trust's view puts its schools' strengths and EBIs side by side,
// theme by theme).
type Theme struct {
	Key, Label string
}

// Themes are the report themes, in the order pages show them.
var Themes = []Theme{
	{"leadership", "Leadership and management"},
	{"teaching", "Teaching and learning"},
	{"curriculum", "Curriculum"},
	{"assessment", "Assessment and feedback"},
	{"behaviour", "Behaviour and attitudes"},
	{"personal", "Personal development"},
	{"send", "SEND and inclusion"},
	{"disadvantaged", "Disadvantaged pupils"},
	{"literacy", "Reading and literacy"},
	{"early_years", "Early years"},
	{"sixth_form", "Sixth form"},
	{"other", "Other"},
}

// ThemeLabel names a theme ("" when the key is unknown).
func ThemeLabel(key string) string {
	for _, t := range Themes {
		if t.Key == key {
			return t.Label
		}
	}
	return ""
}
