// Package census reads the core's records of schools and pupils (the
// contract's enums) in the trial's words: a school's phase as people read
// it, a pupil's proficiency in English as its census code.
package census

import pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

// Phase is a school phase as people read it ("" when not known).
func Phase(p pluginv1.Phase) string {
	switch p {
	case pluginv1.Phase_PHASE_PRIMARY:
		return "Primary"
	case pluginv1.Phase_PHASE_SECONDARY:
		return "Secondary"
	case pluginv1.Phase_PHASE_SPECIAL:
		return "Special"
	case pluginv1.Phase_PHASE_ALTERNATIVE_PROVISION:
		return "Alternative provision"
	case pluginv1.Phase_PHASE_MIDDLE:
		return "Middle"
	case pluginv1.Phase_PHASE_ALL_THROUGH:
		return "All-through"
	case pluginv1.Phase_PHASE_SIXTEEN_PLUS:
		return "16 plus"
	}
	return ""
}

// Proficiency is a pupil's proficiency in English as its census code, A to
// E or N ("" when the core records none).
func Proficiency(p pluginv1.EALProficiency) string {
	switch p {
	case pluginv1.EALProficiency_EAL_PROFICIENCY_A_NEW_TO_ENGLISH:
		return "A"
	case pluginv1.EALProficiency_EAL_PROFICIENCY_B_EARLY_ACQUISITION:
		return "B"
	case pluginv1.EALProficiency_EAL_PROFICIENCY_C_DEVELOPING_COMPETENCE:
		return "C"
	case pluginv1.EALProficiency_EAL_PROFICIENCY_D_COMPETENT:
		return "D"
	case pluginv1.EALProficiency_EAL_PROFICIENCY_E_FLUENT:
		return "E"
	case pluginv1.EALProficiency_EAL_PROFICIENCY_N_NOT_YET_ASSESSED:
		return "N"
	}
	return ""
}
