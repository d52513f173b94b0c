// Package rules holds the Network of Excellence's rules as pure functions:
// the school weeks and terms of a membership year, team sizes by the host's
// roll, the report's states and who may read it in each, progress on last
// year's EBIs, feedback figures as the partnership reports them
// ("4.7/5", "9.2/10" with n), reciprocity, hub credits by pupils on roll,
// and the cost weights of the allocation.
//
// Nothing here touches storage, the Host or the clock: every function is a
// function of its arguments (today's date is one of them), table-tested.
package rules
