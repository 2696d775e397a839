package execenv

import (
	"os"
	"syscall"
	"unsafe"
)

// sysProcAttr puts the bootstrap in its own process group, so one signal stops it and
// everything it started, and kills it if this server dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// unread is how many bytes wait in the pipe f, without changing f's blocking mode.
func unread(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var n int32
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	})
	return int(n)
}
