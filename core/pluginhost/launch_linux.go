package pluginhost

import "syscall"

// procAttr asks the kernel to SIGKILL a plugin process when the core that
// started it dies, even by SIGKILL (PR_SET_PDEATHSIG). The SDK also exits a
// plugin whose parent is gone; this acts at once and covers plugins built
// with an older SDK.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
