package dynamodb

import "context"

// inject applies the table's fault injection before an operation takes the lock.
func (s *Service) inject(ctx context.Context, table string) error { return nil }
