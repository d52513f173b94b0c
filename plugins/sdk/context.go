package sdk

import (
	"context"
	"html"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"gorm.io/gorm"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// callState is what the SDK puts in the context of a request, job or event.
type callState struct {
	actor    *pluginv1.Actor
	host     *Host
	db       *gorm.DB
	log      *slog.Logger
	dataDir  string
	pluginID string
	attempt  int
	// audited is set by AuditTx: the call wrote to the audit outbox, which
	// the SDK delivers before the call answers.
	audited atomic.Bool
	// Requests only.
	csrf, base, route string
}

type stateKey struct{}

func withState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// ActorFrom returns who the request, job or event acts for, or nil outside
// one. Its token is the Host's business: never log or store it.
func ActorFrom(ctx context.Context) *pluginv1.Actor {
	if st := stateFrom(ctx); st != nil {
		return st.actor
	}
	return nil
}

// TenantID returns the actor's tenant, or 0 outside a request, job or event.
func TenantID(ctx context.Context) uint64 {
	return ActorFrom(ctx).GetTenantId()
}

// HostFrom returns the Host client bound to the actor of the request, job or
// event, or nil outside one.
func HostFrom(ctx context.Context) *Host {
	if st := stateFrom(ctx); st != nil {
		return st.host
	}
	return nil
}

// Log returns the plugin's logger, carrying the request id of the call
// (its output reaches the core's log). Never log personal data or tokens.
func Log(ctx context.Context) *slog.Logger {
	if st := stateFrom(ctx); st != nil && st.log != nil {
		if id := st.actor.GetRequestId(); id != "" {
			return st.log.With("request_id", id)
		}
		return st.log
	}
	return slog.Default()
}

// DataDir returns the directory the core gave the plugin for its files.
func DataDir(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.dataDir
	}
	return ""
}

// Attempt returns the attempt of the running job: 1 the first time.
func Attempt(ctx context.Context) int {
	if st := stateFrom(ctx); st != nil {
		return st.attempt
	}
	return 0
}

// CSRFToken returns the token every form of the request must send back as
// the field "_csrf" (the core checks it before the request reaches the plugin).
func CSRFToken(r *http.Request) string {
	if st := stateFrom(r.Context()); st != nil {
		return st.csrf
	}
	return ""
}

// CSRFField returns the hidden input carrying the CSRF token, for forms.
func CSRFField(r *http.Request) template.HTML {
	//nolint:gosec // the token is escaped
	return template.HTML(`<input type="hidden" name="_csrf" value="` + html.EscapeString(CSRFToken(r)) + `">`)
}

// BasePath returns the URL prefix of the plugin, e.g. "/p/hello".
func BasePath(r *http.Request) string {
	if st := stateFrom(r.Context()); st != nil {
		return st.base
	}
	return ""
}

// URL returns the browser's URL of a path of the plugin: URL(r, "/greetings")
// is "/p/hello/greetings". Use it for links, form actions and redirects.
func URL(r *http.Request, path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return BasePath(r) + path
}

// Route returns the manifest route pattern that matched, e.g. "/schools/:unit".
func Route(r *http.Request) string {
	if st := stateFrom(r.Context()); st != nil {
		return st.route
	}
	return ""
}
