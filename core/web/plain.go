package web

// WithoutContributions returns r without its Contributor side, if any: a
// server built with it shows the home and school pages without any
// programme's panels, to-dos or figures (the "plain dashboard" benchmarks
// measure other pages against).
func WithoutContributions(r PluginRouter) PluginRouter {
	if r == nil {
		return nil
	}
	return plainRouter{r}
}

// plainRouter hides every optional interface of the router it wraps.
type plainRouter struct{ PluginRouter }
