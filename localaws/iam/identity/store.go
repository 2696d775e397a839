package identity

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// AdminUser is the IAM user that keys localaws did not issue act as: an administrator
// of the account, not its root user (AWS refuses AssumeRole to root).
const AdminUser = "localaws-admin"

// AdminUserID is the admin user's unique ID (aws:userid, GetCallerIdentity's UserId).
const AdminUserID = "AIDALOCALAWSADMIN0000"

// Tag is a principal or session tag.
type Tag struct {
	Key, Value string
}

// Session is one set of temporary credentials localaws issued: a role session, or a
// service principal acting for a resource (EventBridge delivering for a rule).
type Session struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Issued, Expires                            time.Time

	// Role session: the role, the session name and what AssumeRole passed.
	RoleARN, RoleName, RoleID, Name string
	// Tags are the session tags, inherited transitive tags included.
	Tags []Tag
	// TransitiveKeys are the keys (as given) that pass on to a chained session.
	TransitiveKeys []string
	// Policy and PolicyARNs are the session policies; a session with either may do only
	// what they and the role's policies both allow.
	Policy     string
	PolicyARNs []string
	// Chained is a session assumed with another session's credentials (1 hour at most).
	Chained bool

	// Service principal: e.g. "events.amazonaws.com", with the aws:SourceArn and
	// aws:SourceAccount of the resource it acts for.
	Service, SourceARN, SourceAccount string
}

// Expired reports whether the credentials are past their expiry at now.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.Expires) }

// ARN is the session's principal ARN:
// arn:aws:sts::<account>:assumed-role/<role>/<session>, or the service's name.
func (s *Session) ARN(account string) string {
	if s.Service != "" {
		return s.Service
	}
	return "arn:aws:sts::" + account + ":assumed-role/" + s.RoleName + "/" + s.Name
}

// UserID is aws:userid and GetCallerIdentity's UserId: <RoleId>:<session>.
func (s *Session) UserID() string {
	if s.Service != "" {
		return s.Service
	}
	return s.RoleID + ":" + s.Name
}

// Store holds the sessions by access key ID. Expired sessions stay until swept, so that
// their use is refused as expired rather than treated as a key localaws never issued.
type Store struct {
	now func() time.Time

	mu    sync.RWMutex
	byKey map[string]*Session
	// services maps "<service> <source ARN>" to the access key of its current session.
	services map[string]string
	dir      Directory
	res      map[string]ResourcePolicies
}

// NewStore returns an empty store on the given clock.
func NewStore(now func() time.Time) *Store {
	return &Store{now: now, byKey: map[string]*Session{}, services: map[string]string{}, res: map[string]ResourcePolicies{}}
}

// keep is how long expired sessions are remembered, so that their use is an ExpiredToken.
const keep = 24 * time.Hour

// Issue stores s with new keys, issued now and valid for ttl, and returns it.
func (st *Store) Issue(s Session, ttl time.Duration) Session {
	now := st.now()
	s.AccessKeyID = "ASIA" + randomID(16)
	s.SecretAccessKey = randomToken(30)
	s.SessionToken = randomToken(96)
	s.Issued, s.Expires = now.UTC().Truncate(time.Second), now.Add(ttl).UTC().Truncate(time.Second)
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, old := range st.byKey {
		if now.Sub(old.Expires) > keep {
			delete(st.byKey, k)
		}
	}
	stored := s
	st.byKey[s.AccessKeyID] = &stored
	return s
}

// Lookup returns the session of an access key ID; ok is false for keys localaws did not
// issue.
func (st *Store) Lookup(accessKeyID string) (Session, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	s, ok := st.byKey[accessKeyID]
	if !ok {
		return Session{}, false
	}
	return *s, true
}

// Now is the store's clock.
func (st *Store) Now() time.Time { return st.now() }

// keyAlphabet is the character set of access key IDs.
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func randomID(n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}

func randomToken(n int) string {
	return strings.TrimRight(base64.StdEncoding.EncodeToString(randomBytes(n)), "=")
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return b
}

// serviceTTL is how long a service principal's credentials last; they are issued again
// when less than serviceRenew is left.
const (
	serviceTTL   = 12 * time.Hour
	serviceRenew = time.Hour
)

// ServiceSession returns the credentials of a service principal acting for sourceARN,
// issued once and again shortly before they expire.
func (st *Store) ServiceSession(service, sourceARN, sourceAccount string) Session {
	k := service + " " + sourceARN
	st.mu.RLock()
	key, ok := st.services[k]
	var s *Session
	if ok {
		s = st.byKey[key]
	}
	st.mu.RUnlock()
	if s != nil && s.Expires.Sub(st.now()) > serviceRenew {
		return *s
	}
	issued := st.Issue(Session{Service: service, SourceARN: sourceARN, SourceAccount: sourceAccount}, serviceTTL)
	st.mu.Lock()
	st.services[k] = issued.AccessKeyID
	st.mu.Unlock()
	return issued
}
