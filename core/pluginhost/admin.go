package pluginhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/web"
)

// london is the zone of the times shown to people (UTC if the system has
// no zone database).
var london = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		return loc
	}
	return time.UTC
})

var adminPage = template.Must(template.New("plugins").Funcs(template.FuncMap{
	"ms": func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	},
	"date":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04") },
	"short":  func(sha string) string { return sha[:min(12, len(sha))] },
	"london": func(t time.Time) string { return t.In(london()).Format("Mon 2 Jan 2006 15:04") },
}).Parse(`{{define "diff"}}{{if .Empty}}<p>No change to permissions, roles, default grants, routes, schedules, jobs, navigation, settings or events.</p>
{{else}}<dl class="diff">{{range .Sections}}<dt>{{.Title}}</dt><dd><ul>
{{range .Added}}<li>Added: <ins>{{.}}</ins></li>{{end}}{{range .Removed}}<li>Removed: <del>{{.}}</del></li>{{end}}{{range .Changed}}<li>Changed: {{.}}</li>{{end}}
</ul></dd>{{end}}</dl>{{end}}{{end}}<h1>Plugins</h1>
<p>Programme plugins registered on this install and their processes on this node. Install, upgrade and enable them with
<code>upwards plugin install|upgrade|enable|disable</code>.</p>
{{if .Pending}}<h2 id="pending">Upgrades waiting for confirmation</h2>
<p>These builds add permissions, roles or default grants, or open a route to more people. Until an operator confirms one,
the installed build keeps running and nobody gets what the new build adds.</p>
{{range .Pending}}<section data-testid="pending" data-pending="{{.ID}}" aria-labelledby="pending-{{.ID}}">
<h3 id="pending-{{.ID}}">{{.Name}} {{.From}} → {{.Version}} <span class="muted">(pending upgrade {{.ID}})</span></h3>
<p>Proposed by {{.ProposedLabel}} on {{london .CreatedAt}}; build <code title="{{.SHA256}}">{{printf "%.12s" .SHA256}}</code> at <code>{{.BinaryPath}}</code>.</p>
{{template "diff" .Diff}}
<form method="post" action="/admin/plugins/upgrades/{{.ID}}/confirm" class="inline"><input type="hidden" name="_csrf" value="{{$.CSRF}}">
<button type="submit">Confirm the upgrade to {{.Version}}</button></form>
<form method="post" action="/admin/plugins/upgrades/{{.ID}}/discard" class="inline"><input type="hidden" name="_csrf" value="{{$.CSRF}}">
<button type="submit" class="link">Discard it</button></form>
</section>{{end}}{{end}}
{{if not .Plugins}}<p data-testid="no-plugins">No plugin is installed.</p>{{else}}
<table class="plugins" data-testid="plugins">
<thead><tr><th>Plugin</th><th>Version</th><th>Checksum</th><th>State</th><th>Restarts</th><th>Calls</th><th>Latency avg / p50 / p99</th><th>Tenants</th><th>Last error</th></tr></thead>
<tbody>
{{range .Plugins}}<tr data-plugin="{{.ID}}">
<td><strong>{{.Name}}</strong><br><code>{{.ID}}</code></td>
<td>{{.Version}} <span class="muted">(contract v{{.Protocol}})</span></td>
<td><code title="{{.SHA256}}">{{.ShortSHA}}</code></td>
<td data-testid="state">{{.Runtime}}{{if .PID}} <span class="muted">pid {{.PID}}</span>{{end}}</td>
<td>{{.Restarts}}</td>
<td>{{.Calls}}</td>
<td>{{ms .LatencyAvg}} / {{ms .LatencyP50}} / {{ms .LatencyP99}}</td>
<td data-testid="tenants">{{range $i, $t := .TenantNames}}{{if $i}}, {{end}}{{$t}}{{else}}<span class="muted">none</span>{{end}}</td>
<td>{{with .Mismatch}}<div data-testid="remedy"><p><strong>Checksum mismatch: needs an operator.</strong> The file <code>{{.Path}}</code> is not
the build installed (the registry records SHA-256 <code title="{{.Installed}}">{{short .Installed}}…</code>; the file
{{if .Found}}has <code title="{{.Found}}">{{short .Found}}…</code>{{else}}cannot be read{{end}}), so it is not started on this node.</p>
<p>Either install that file as the new build, <code>upwards plugin upgrade {{.Path}}</code> (add <code>--force</code> if its
version is the same), or put the installed build back at that path. It is tried again as soon as the registry or the file changes.</p></div>
{{else}}{{.LastError}}{{end}}</td>
</tr>{{end}}
</tbody></table>
{{range .Plugins}}{{if .LastDiff}}<details data-testid="last-diff" data-plugin="{{.ID}}"><summary>What {{.Name}} {{.Version}} changed from {{.LastDiff.FromVersion}}</summary>
{{template "diff" .LastDiff}}</details>{{end}}{{end}}{{end}}
{{if .Events}}<h2>Installs and upgrades</h2>
<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Plugin</th></tr></thead><tbody>
{{range .Events}}<tr><td>{{date .CreatedAt}}</td><td>{{.ActorLabel}}</td><td>{{.Action}}</td><td>{{.EntityID}}</td></tr>{{end}}
</tbody></table>{{end}}`))

type adminRow struct {
	Status
	TenantNames []string
	// LastDiff is what the installed build changed from the one before it.
	LastDiff *ManifestDiff
}

// adminPending is a pending upgrade as the page shows it.
type adminPending struct {
	PendingUpgrade
	From string // the installed version
	Diff ManifestDiff
}

// AdminPlugins answers /admin/plugins for install operators: the upgrades
// waiting for confirmation, with their diffs and Confirm / Discard buttons;
// each plugin's id, version, checksum, state on this node, restarts, last
// error, call latency and the tenants enabling it; what each installed
// build changed from the one before; and the install history.
func (rt *Runtime) AdminPlugins(c echo.Context, sh web.Shell) error {
	ctx := c.Request().Context()
	statuses, err := rt.Statuses(ctx)
	if err != nil {
		return err
	}
	tenants, err := rt.deps.Tenancy.ListTenants(ctx)
	if err != nil {
		return err
	}
	names := map[uint]string{}
	for _, t := range tenants {
		names[t.ID] = t.Slug
	}
	rows := make([]adminRow, len(statuses))
	versions := map[string]string{}
	for i, s := range statuses {
		rows[i].Status = s
		versions[s.ID] = s.Version
		for _, id := range s.Tenants {
			rows[i].TenantNames = append(rows[i].TenantNames, names[id])
		}
		if s.UpgradeDiff != "" {
			var d ManifestDiff
			if err := json.Unmarshal([]byte(s.UpgradeDiff), &d); err != nil {
				return fmt.Errorf("last diff of plugin %s: %w", s.ID, err)
			}
			rows[i].LastDiff = &d
		}
	}
	ups, err := rt.reg.PendingUpgrades(ctx)
	if err != nil {
		return err
	}
	pending := make([]adminPending, len(ups))
	for i, u := range ups {
		pending[i] = adminPending{PendingUpgrade: u, From: versions[u.PluginID]}
		if pending[i].Diff, err = u.Diff(); err != nil {
			return err
		}
	}
	events, _, err := audit.List(ctx, rt.deps.DB.DB, InstallTenantID, audit.Filter{EntityType: "plugin", Limit: 20})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	data := map[string]any{"Plugins": rows, "Pending": pending, "Events": events, "CSRF": web.Info(c).CSRFToken}
	if err := adminPage.Execute(&b, data); err != nil {
		return fmt.Errorf("render plugins page: %w", err)
	}
	return sh.RenderHTML(c, http.StatusOK, "Plugins", template.HTML(b.String())) //nolint:gosec // escaped by html/template above
}

var _ web.UpgradeDecider = (*Runtime)(nil)

// DecideUpgrade answers the Confirm (confirm true) and Discard buttons of a
// pending upgrade on /admin/plugins (path parameter "upgrade"; install operators
// only, CSRF-checked by the core): it applies or drops the upgrade, audited
// plugin.upgrade.confirm or plugin.upgrade.discard as the operator, and
// returns to the page with a message.
func (rt *Runtime) DecideUpgrade(c echo.Context, _ web.Shell, confirm bool) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseUint(c.Param("upgrade"), 10, 32)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such pending upgrade.")
	}
	var msg string
	if confirm {
		o, err := rt.ConfirmUpgrade(ctx, uint(id))
		if err != nil {
			return decisionError(err)
		}
		msg = fmt.Sprintf("%s %s is now installed; what it adds takes effect.", o.Plugin.Name, o.Plugin.Version)
	} else {
		u, err := rt.DiscardUpgrade(ctx, uint(id))
		if err != nil {
			return decisionError(err)
		}
		msg = fmt.Sprintf("The upgrade of %s to %s was discarded; the installed build keeps running.", u.Name, u.Version)
	}
	web.SetFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/admin/plugins")
}

// decisionError maps a refused or unknown pending upgrade to a page.
func decisionError(err error) error {
	switch {
	case errors.Is(err, ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "No such pending upgrade: it was confirmed, discarded or replaced by a newer one.")
	case errors.Is(err, ErrRefused):
		return echo.NewHTTPError(http.StatusConflict, "The upgrade was not applied: "+err.Error())
	}
	return err
}
