package pluginhost

// BuiltPlugin returns the path of a test plugin built by TestMain, for the
// package's external tests.
func BuiltPlugin(name string) string { return binary(name) }

// OptionsOf returns the options a runtime runs with (defaults filled in).
func OptionsOf(rt *Runtime) Options { return rt.opts }
