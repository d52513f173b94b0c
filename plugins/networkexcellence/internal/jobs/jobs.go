// Package jobs holds the plugin's background jobs and its answer to the
// core's events. Each job is declared once here, with its function, its
// description and its schedule, and main.go and the manifest both read
// this list. The School Support Directory part adds its jobs to All.
//
// Jobs run as the tenant's system actor when scheduled (the Host reads the
// whole tenant; mail may go to anyone holding a role in it) and are safe to
// run twice: every mail a job sends is recorded (store.Sent) and not sent
// again. No job logs personal data.
package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/web"
)

// Job is one job: its declaration, its schedule ("" for none) and its function.
type Job struct {
	Decl *pluginv1.JobDecl
	Cron string
	Run  sdk.JobFunc
}

// Names of the QA Review part's jobs.
const (
	SyncName      = "sync"
	RemindName    = "reminders"
	ChaseName     = "chasers"
	DigestName    = "digest"
	MailTeamsName = web.JobMailTeams
)

// All lists the plugin's jobs, area by area.
func All() []Job {
	return slices.Concat(
		reviewJobs(),
		directoryJobs(), // the School Support Directory part (issue 15)
	)
}

// reviewJobs are the QA Review part's jobs.
func reviewJobs() []Job {
	decl := func(name, desc string) *pluginv1.JobDecl {
		return &pluginv1.JobDecl{Name: name, Description: desc, MaxRetry: 3, TimeoutSeconds: 300}
	}
	return []Job{
		{decl(SyncName, "Refresh the member schools' names, phases, rolls, hubs and trusts, and the hubs' names, from the core"), "30 2 * * *", Sync},
		{decl(RemindName, "Remind each review's team and host headteacher a week before the review"), "0 7 * * *", Remind},
		{decl(ChaseName, "Chase Lead Reviewers for reports past their due date, and host headteachers for reports to agree"), "0 8 * * 1", Chase},
		{decl(DigestName, "Mail the week's news of the partnership to every member school's headteacher"), "0 7 * * 1", Digest},
		{decl(MailTeamsName, "Mail reviewers the reviews a published allocation gave them"), "", MailTeams},
	}
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

// st is the job's store.
func st(ctx context.Context) *store.Store { return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)) }

// outgoing is mail to send and the record to keep of it.
type outgoing struct {
	mail sdk.Mail
	kind string
	ref  uint64
}

// send mails every outgoing message not sent before, in batches the Host
// takes (all of a batch or none), recording each batch once sent.
func send(ctx context.Context, s *store.Store, out []outgoing) (int, error) {
	kinds := map[string]map[[2]uint64]bool{}
	var todo []outgoing
	for _, o := range out {
		if kinds[o.kind] == nil {
			set, err := s.SentSet(o.kind)
			if err != nil {
				return 0, err
			}
			kinds[o.kind] = set
		}
		k := [2]uint64{o.ref, o.mail.PersonID}
		if kinds[o.kind][k] {
			continue
		}
		kinds[o.kind][k] = true
		todo = append(todo, o)
	}
	host := sdk.HostFrom(ctx)
	sent := 0
	for start := 0; start < len(todo); start += sdk.MaxMails {
		batch := todo[start:min(len(todo), start+sdk.MaxMails)]
		mails := make([]sdk.Mail, len(batch))
		for i, o := range batch {
			mails[i] = o.mail
		}
		if _, err := host.SendMails(ctx, mails...); err != nil {
			return sent, fmt.Errorf("send %d mails: %w", len(mails), err)
		}
		byKind := map[string][][2]uint64{}
		for _, o := range batch {
			byKind[o.kind] = append(byKind[o.kind], [2]uint64{o.ref, o.mail.PersonID})
		}
		for kind, pairs := range byKind {
			if err := s.MarkSent(kind, pairs, sdk.Now(ctx)); err != nil {
				return sent, err
			}
		}
		sent += len(batch)
	}
	return sent, nil
}

// headsOf returns, by school, the people holding headteacher there (one Host call).
func headsOf(ctx context.Context, schools []uint64) (map[uint64][]uint64, error) {
	out := map[uint64][]uint64{}
	if len(schools) == 0 {
		return out, nil
	}
	people, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: schools, Roles: []string{sdk.RoleHeadteacher}})
	if err != nil {
		return nil, err
	}
	want := map[uint64]bool{}
	for _, s := range schools {
		want[s] = true
	}
	for _, p := range people {
		for _, g := range p.GetGrants() {
			if g.GetRole() == sdk.RoleHeadteacher && want[g.GetUnitId()] {
				out[g.GetUnitId()] = append(out[g.GetUnitId()], p.GetId())
			}
		}
	}
	return out, nil
}

func join(xs []string) string {
	switch len(xs) {
	case 0:
		return "not yet published"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
