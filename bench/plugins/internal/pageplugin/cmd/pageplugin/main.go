// Command pageplugin serves pageplugin's page as a plugin process.
package main

import (
	"github.com/challengepartners/upwards/bench/plugins/internal/pageplugin"
	"github.com/challengepartners/upwards/plugins/sdk"
)

func main() {
	sdk.Serve(pageplugin.Plugin())
}
