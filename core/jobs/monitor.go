package jobs

import (
	"net/http"
	"strings"

	"github.com/hibiken/asynqmon"
)

// MonitorHandler serves the asynqmon web UI and its JSON API under rootPath
// (e.g. "/admin/jobs"): mount it on rootPath and rootPath+"/" without
// stripping the prefix. Its assets are embedded in asynqmon; its index page
// links two Google Fonts style sheets (Roboto and Material Icons); under a
// Content-Security-Policy that blocks them the UI still works, with local
// fonts and icons shown as their names. readOnly refuses
// every API call but GET. Authorisation is the caller's job. The handler's
// Redis connections close with r.
func MonitorHandler(r *Redis, rootPath string, readOnly bool) http.Handler {
	rootPath = "/" + strings.Trim(rootPath, "/")
	h := asynqmon.New(asynqmon.Options{
		RootPath:     rootPath,
		RedisConnOpt: r.ClientOpt(),
		ReadOnly:     readOnly,
	})
	r.onClose(h.Close)
	return h
}
