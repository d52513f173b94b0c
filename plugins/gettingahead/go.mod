module github.com/challengepartners/upwards/plugins/gettingahead

go 1.26.0
