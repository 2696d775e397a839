//go:build unix && !linux

package execenv

import (
	"os"
	"syscall"
)

// sysProcAttr puts the bootstrap in its own process group, so one signal stops it and
// everything it started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// unread is not known here: log ordering is best effort.
func unread(*os.File) int { return 0 }
