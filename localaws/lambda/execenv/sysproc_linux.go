package execenv

import "syscall"

// sysProcAttr puts the bootstrap in its own process group, so one signal stops it and
// everything it started, and kills it if this server dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
