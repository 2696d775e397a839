//go:build unix && !linux

package execenv

import "syscall"

// sysProcAttr puts the bootstrap in its own process group, so one signal stops it and
// everything it started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
