package store

import "github.com/challengepartners/upwards/plugins/sdk"

// directoryMigrations are the School Support Directory part's steps
// (issue 15): versions 50–99 only, so that the two parts of the plugin never
// number a step alike. That part adds its steps here.
var directoryMigrations = []sdk.Migration{}
