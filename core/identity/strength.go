package identity

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// MinPasswordScore is the lowest zxcvbn score (0–4) a new password may
// have: 3 means "safely unguessable: moderate protection from an offline
// slow-hash attack" (about 10^8 guesses or more).
const MinPasswordScore = 3

// checkStrength refuses a password the zxcvbn estimator (its dictionaries
// are compiled into the binary) scores below MinPasswordScore, saying why
// from the weakest part it found. The user's email, its local part and name
// words count as guessable too.
func checkStrength(password, email, name string) error {
	r := zxcvbn.PasswordStrength(password, userInputs(email, name))
	if r.Score >= MinPasswordScore {
		return nil
	}
	return invalid("password", "is too easy to guess: "+weakness(r.Sequence)+
		". Use a longer password: three or four unrelated words make a good one")
}

// userInputs are the words of the user's own details a password must not lean on.
func userInputs(email, name string) []string {
	in := []string{strings.ToLower(email)}
	if local, domain, ok := strings.Cut(strings.ToLower(email), "@"); ok {
		in = append(in, local, domain)
		in = append(in, strings.FieldsFunc(local, notLetterOrDigit)...)
		in = append(in, strings.FieldsFunc(domain, notLetterOrDigit)...)
	}
	in = append(in, strings.Fields(strings.ToLower(name))...)
	return in
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// weakness explains the most guessable long part of the estimator's match
// sequence, as zxcvbn's own feedback does.
func weakness(seq []*match.Match) string {
	var worst *match.Match
	for _, m := range seq {
		if m.Pattern == "bruteforce" {
			continue
		}
		if worst == nil || len([]rune(m.Token)) > len([]rune(worst.Token)) {
			worst = m
		}
	}
	if worst == nil {
		return "it is too short for its mix of characters"
	}
	switch worst.Pattern {
	case "dictionary":
		switch {
		case worst.DictionaryName == "user_inputs":
			return fmt.Sprintf("%q comes from your own name or email address", worst.Token)
		case worst.DictionaryName == "passwords" && worst.Rank <= 1000:
			return fmt.Sprintf("%q is among the most common passwords", worst.Token)
		case worst.DictionaryName == "passwords":
			return fmt.Sprintf("%q is a common password", worst.Token)
		case worst.L33t:
			return fmt.Sprintf("%q is a common word with predictable substitutions", worst.Token)
		case worst.Reversed:
			return fmt.Sprintf("%q is a common word reversed", worst.Token)
		default:
			return fmt.Sprintf("%q is a common word or name, easy to guess", worst.Token)
		}
	case "repeat":
		if len([]rune(worst.BaseToken)) == 1 {
			return fmt.Sprintf("%q is a repeated character", worst.Token)
		}
		return fmt.Sprintf("%q is a repeated pattern", worst.Token)
	case "sequence":
		return fmt.Sprintf("%q is a sequence", worst.Token)
	case "spatial":
		return fmt.Sprintf("%q is a row or pattern of keys on the keyboard", worst.Token)
	case "date", "regex":
		return fmt.Sprintf("%q is a date or year", worst.Token)
	}
	return "it is too predictable"
}
