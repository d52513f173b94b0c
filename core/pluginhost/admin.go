package pluginhost

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/web"
)

var adminPage = template.Must(template.New("plugins").Funcs(template.FuncMap{
	"ms": func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	},
	"date":  func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04") },
	"short": func(sha string) string { return sha[:min(12, len(sha))] },
}).Parse(`<h1>Plugins</h1>
<p>Programme plugins registered on this install and their processes on this node. Install, upgrade and enable them with
<code>upwards plugin install|upgrade|enable|disable</code>.</p>
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
</tbody></table>{{end}}
{{if .Events}}<h2>Installs and upgrades</h2>
<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Plugin</th></tr></thead><tbody>
{{range .Events}}<tr><td>{{date .CreatedAt}}</td><td>{{.ActorLabel}}</td><td>{{.Action}}</td><td>{{.EntityID}}</td></tr>{{end}}
</tbody></table>{{end}}`))

type adminRow struct {
	Status
	TenantNames []string
}

// AdminPlugins answers /admin/plugins for install operators: each plugin's
// id, version, checksum, state on this node, restarts, last error, call
// latency and the tenants enabling it.
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
	for i, s := range statuses {
		rows[i].Status = s
		for _, id := range s.Tenants {
			rows[i].TenantNames = append(rows[i].TenantNames, names[id])
		}
	}
	events, _, err := audit.List(ctx, rt.deps.DB.DB, InstallTenantID, audit.Filter{EntityType: "plugin", Limit: 20})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := adminPage.Execute(&b, map[string]any{"Plugins": rows, "Events": events}); err != nil {
		return fmt.Errorf("render plugins page: %w", err)
	}
	return sh.RenderHTML(c, http.StatusOK, "Plugins", template.HTML(b.String())) //nolint:gosec // escaped by html/template above
}
