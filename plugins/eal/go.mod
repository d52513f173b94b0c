module github.com/challengepartners/upwards/plugins/eal

go 1.26.0

require (
	github.com/challengepartners/upwards/plugins/sdk v0.0.0
	golang.org/x/text v0.44.0
)

replace github.com/challengepartners/upwards/plugins/sdk => ../sdk
