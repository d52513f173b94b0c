// Package jobs holds the plugin's background jobs and its answer to the
// core's events. Each job is declared once here, with its function, its
// description and its schedule, and main.go and the manifest both read
// this list. The School Support Directory part adds its jobs to All.
//
// Jobs run as the tenant's system actor when scheduled (the Host reads the
// whole tenant; mail may go to anyone holding a role in it) and are safe to
// run twice: every mail a job sends is recorded (store.Sent) and not sent
// again.
package jobs

import (
	"slices"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Job is one job: its declaration, its schedule ("" for none) and its function.
type Job struct {
	Decl *pluginv1.JobDecl
	Cron string
	Run  sdk.JobFunc
}

// All lists the plugin's jobs, area by area.
func All() []Job {
	return slices.Concat(
		reviewJobs(),
		// The School Support Directory part (issue 15) adds its jobs here.
	)
}

// reviewJobs are the QA Review part's jobs.
func reviewJobs() []Job {
	return nil
}

// Funcs maps each job's name to its function, for sdk.Plugin.Jobs.
func Funcs(extra map[string]sdk.JobFunc) map[string]sdk.JobFunc {
	out := map[string]sdk.JobFunc{}
	for _, j := range All() {
		out[j.Decl.GetName()] = j.Run
	}
	for name, f := range extra {
		out[name] = f
	}
	return out
}

// Decls are the jobs as the manifest declares them.
func Decls() []*pluginv1.JobDecl {
	var out []*pluginv1.JobDecl
	for _, j := range All() {
		out = append(out, j.Decl)
	}
	return out
}

// Schedules are the jobs' schedules as the manifest declares them (cron in
// the tenant's time zone, Europe/London unless set).
func Schedules() []*pluginv1.ScheduleDecl {
	var out []*pluginv1.ScheduleDecl
	for _, j := range All() {
		if j.Cron != "" {
			out = append(out, &pluginv1.ScheduleDecl{Job: j.Decl.GetName(), Cron: j.Cron})
		}
	}
	return out
}
