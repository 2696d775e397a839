package core

import "sync"

// Locked runs fn under mu on what find returns, unless find fails: the shape of every
// operation on one resource of a service whose state one mutex guards.
func Locked[R, T any](mu *sync.Mutex, find func() (R, error), fn func(R) (T, error)) (T, error) {
	mu.Lock()
	defer mu.Unlock()
	r, err := find()
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(r)
}
