package pluginhost

import (
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var ealCodes = map[string]pluginv1.EALProficiency{
	"A": pluginv1.EALProficiency_EAL_PROFICIENCY_A_NEW_TO_ENGLISH,
	"B": pluginv1.EALProficiency_EAL_PROFICIENCY_B_EARLY_ACQUISITION,
	"C": pluginv1.EALProficiency_EAL_PROFICIENCY_C_DEVELOPING_COMPETENCE,
	"D": pluginv1.EALProficiency_EAL_PROFICIENCY_D_COMPETENT,
	"E": pluginv1.EALProficiency_EAL_PROFICIENCY_E_FLUENT,
	"N": pluginv1.EALProficiency_EAL_PROFICIENCY_N_NOT_YET_ASSESSED,
}

var senCodes = map[string]pluginv1.SENProvision{
	"N": pluginv1.SENProvision_SEN_PROVISION_NONE,
	"K": pluginv1.SENProvision_SEN_PROVISION_SUPPORT,
	"E": pluginv1.SENProvision_SEN_PROVISION_EHCP,
}

// pupilProto is a pupil as contract v1 gives it to plugins: by id, never
// with the UPN.
func pupilProto(p pupils.Pupil) *pluginv1.Pupil {
	out := &pluginv1.Pupil{Id: uint64(p.ID), SchoolId: uint64(p.SchoolID), GivenName: p.GivenName, FamilyName: p.FamilyName,
		YearGroup: int32(p.YearGroup), Gender: p.Gender, PupilPremium: p.PupilPremium, Fsm: p.FSM, FsmEver6: p.FSMEver6,
		Eal: p.EAL(), EalProficiency: ealCodes[p.EALProficiency], Sen: senCodes[p.SEN], LookedAfter: p.LookedAfter}
	if d, err := time.Parse(time.DateOnly, p.DateOfBirth); err == nil {
		out.DateOfBirth = &pluginv1.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
	}
	return out
}
