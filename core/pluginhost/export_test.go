package pluginhost

// BuiltPlugin returns the path of a test plugin built by TestMain, for the
// package's external tests.
func BuiltPlugin(name string) string { return binary(name) }
