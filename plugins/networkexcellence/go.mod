module github.com/challengepartners/upwards/plugins/networkexcellence

go 1.26.0
