package validation

import (
	"unicode"
	"unicode/utf8"
)

// NameProblem says what is wrong with the characters of a name a person
// types or imports (a unit, tenant, user, pupil or token name), as the end of
// a sentence about the field ("must not contain …"); "" when nothing is.
// Length and emptiness are the caller's rules.
//
// Refused, because they change how the text around them is shown or hide
// part of it, so that a name could display as another name:
//   - text that is not valid UTF-8;
//   - control characters (Unicode category Cc: NUL, tab, line feed …) and the
//     line and paragraph separators U+2028 and U+2029;
//   - every invisible format character (category Cf), among them the
//     bidirectional controls U+202A–U+202E (embeddings and overrides such as
//     RIGHT-TO-LEFT OVERRIDE), U+2066–U+2069 (isolates), U+200E and U+200F
//     (marks) and U+061C (ARABIC LETTER MARK); the zero-width space U+200B,
//     word joiner U+2060, invisible operators U+2061–U+2064, byte-order mark
//     U+FEFF, soft hyphen U+00AD and the tag characters U+E0001–U+E007F.
//
// Allowed although they are format characters: ZERO WIDTH NON-JOINER U+200C
// and ZERO WIDTH JOINER U+200D, which Persian and the Indic scripts need to
// spell names correctly. Names in right-to-left scripts need no control
// character: the browser orders them by itself.
func NameProblem(name string) string {
	if !utf8.ValidString(name) {
		return "is not valid text"
	}
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return "must not contain line breaks, tabs or other control characters"
		case unicode.Is(unicode.Cf, r) && r != '\u200C' && r != '\u200D':
			return "must not contain invisible formatting characters (such as right-to-left overrides or zero-width spaces)"
		}
	}
	return ""
}
