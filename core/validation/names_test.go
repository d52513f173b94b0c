package validation_test

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/validation"
)

// Every bidirectional control and the other invisible format characters are
// refused wherever they sit in a name; names in any script, with the joiners
// that Persian and the Indic scripts need, are accepted.
func TestNameProblemRefusesInvisibleAndReorderingCharacters(t *testing.T) {
	const invisible = "invisible formatting"
	const control = "control characters"
	cases := []struct {
		name, in, want string
	}{
		{"plain", "Ada Lovelace", ""},
		{"accents and apostrophe", "Zoë O’Brien-Łukasiewicz", ""},
		{"Arabic", "محمد عبد الله", ""},
		{"Hebrew", "נועה כהן", ""},
		{"Persian with ZWNJ", "می\u200Cخواهم", ""},
		{"Devanagari with ZWJ", "क\u094D\u200Dष", ""},
		{"Chinese", "王小明", ""},
		{"emoji sequence", "Class 👩\u200D🏫", ""},

		{"LRE U+202A", "a\u202Ab", invisible},
		{"RLE U+202B", "a\u202Bb", invisible},
		{"PDF U+202C", "a\u202Cb", invisible},
		{"LRO U+202D", "a\u202Db", invisible},
		{"RLO U+202E", "Ada \u202Eecalevol", invisible},
		{"LRI U+2066", "\u2066a", invisible},
		{"RLI U+2067", "\u2067a", invisible},
		{"FSI U+2068", "\u2068a", invisible},
		{"PDI U+2069", "a\u2069", invisible},
		{"LRM U+200E", "a\u200E", invisible},
		{"RLM U+200F", "\u200Fa", invisible},
		{"ALM U+061C", "a\u061Cb", invisible},
		{"zero-width space U+200B", "Ada\u200BLovelace", invisible},
		{"word joiner U+2060", "a\u2060b", invisible},
		{"invisible times U+2062", "a\u2062b", invisible},
		{"byte-order mark U+FEFF", "\uFEFFAda", invisible},
		{"soft hyphen U+00AD", "Love\u00ADlace", invisible},
		{"tag character U+E0041", "Ada\U000E0041", invisible},
		{"interlinear annotation U+FFF9", "a\uFFF9b", invisible},

		{"NUL", "a\x00b", control},
		{"tab", "a\tb", control},
		{"line feed", "a\nb", control},
		{"DEL", "a\x7fb", control},
		{"C1 control U+0085", "a\u0085b", control},
		{"line separator U+2028", "a\u2028b", control},
		{"paragraph separator U+2029", "a\u2029b", control},
		{"invalid UTF-8", "a\xffb", "not valid text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validation.NameProblem(tc.in)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("NameProblem(%+q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
