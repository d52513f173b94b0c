package app

import "github.com/challengepartners/upwards/core/privacy"

// startPrivacy builds the subject-rights service over the plugin runtime
// and registers the daily retention sweep (before any worker starts).
func (a *App) startPrivacy() error {
	var plugins privacy.Plugins
	if a.Plugins != nil {
		plugins = a.Plugins
	}
	a.Privacy = privacy.New(a.DB, a.Pupils, a.Tenancy, plugins, a.Log)
	return a.Privacy.RegisterJobs(a.Jobs)
}
