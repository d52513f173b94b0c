//go:build !linux

package pluginhost

import "syscall"

// procAttr: only Linux has a parent-death signal; elsewhere the SDK's parent
// watchdog stops a plugin whose core is gone.
func procAttr() *syscall.SysProcAttr { return nil }
