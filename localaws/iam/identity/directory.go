package identity

// Role is what the authorizer needs of an IAM role, read when a request is decided so
// that IAM changes apply at once.
type Role struct {
	Name, ARN, ID      string
	MaxSessionDuration int // seconds
	TrustPolicy        string
	Tags               []Tag
	// Policies are the identity policies, inline and attached.
	Policies []Document
	// Boundary is the permissions boundary, nil when none.
	Boundary *Document
}

// Document is a policy document and the name a decision quotes it by: the managed
// policy's ARN, or "<role ARN>/inline/<name>" for an inline policy.
type Document struct {
	ID, Text string
}

// Directory is the IAM service's view of its roles and managed policies.
type Directory interface {
	// RoleByARN returns the role with that ARN.
	RoleByARN(arn string) (Role, bool)
	// ManagedPolicy returns the default version of a managed policy, AWS's or the account's.
	ManagedPolicy(arn string) (Document, bool)
}

// ResourcePolicies is implemented by services whose resources carry policies (an SQS
// queue's Policy attribute, a Lambda function's AddPermission statements, a role's
// trust policy).
type ResourcePolicies interface {
	// ResourcePolicy returns the policy of the resource with that ARN; ok is false when
	// the resource has none.
	ResourcePolicy(arn string) (doc string, ok bool)
}

// SetDirectory makes d the roles' directory.
func (st *Store) SetDirectory(d Directory) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.dir = d
}

// Directory returns the roles' directory, nil before the IAM service is built.
func (st *Store) Directory() Directory {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.dir
}

// AddResourcePolicies registers the resource policies of one ARN service ("sqs", "lambda", "iam").
func (st *Store) AddResourcePolicies(service string, p ResourcePolicies) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.res[service] = p
}

// ResourcePolicies returns the resource policies of an ARN service, nil when it has none.
func (st *Store) ResourcePolicies(service string) ResourcePolicies {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.res[service]
}
