package sdk

// Version is the version of the SDK module
// (github.com/challengepartners/upwards/plugins/sdk); CHANGELOG.md in the
// module says what each version changed. A release tags the module
// plugins/sdk/vVERSION.
const Version = "0.4.0"
