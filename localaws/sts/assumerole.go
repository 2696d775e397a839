package sts

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// AssumeRole's limits (API_AssumeRole, id_session-tags).
const (
	minDuration        = 900
	defaultDuration    = 3600
	chainedMaxDuration = 3600
	// serviceMaxDuration bounds the sessions AWS services take for their own work (a
	// function's environment), which the role's MaxSessionDuration does not limit.
	serviceMaxDuration = 43200
	maxSessionPolicy   = 2048
	maxPolicyARNs      = 10
	// packedLimit is the packed size that session policies and tags may use, in
	// localaws's plaintext measure (AWS packs them into a binary form of its own).
	packedLimit = 4096
)

var (
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	sessionNameChars   = shape.Anchored(`[\w+=,.@-]*`)
)

// Credentials is the Credentials element.
type Credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

// AssumedRoleUser is the AssumedRoleUser element.
type AssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

// AssumeRoleResult is the AssumeRoleResult element.
type AssumeRoleResult struct {
	Credentials      Credentials     `xml:"Credentials"`
	AssumedRoleUser  AssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize *int            `xml:"PackedPolicySize"`
}

// assumeRequest is AssumeRole's parameters, checked.
type assumeRequest struct {
	roleARN, name, policy string
	duration              int // 0: not given
	policyARNs            []string
	tags                  []identity.Tag
	transitive            []string
}

// AssumeRole issues credentials for a role session once the role's trust policy allows
// the caller sts:AssumeRole (and sts:TagSession when tags are passed).
func (s *Service) AssumeRole(ctx context.Context, form url.Values) (any, error) {
	in, err := readAssume(form)
	if err != nil {
		return nil, err
	}
	caller, fromSession := s.session(ctx)
	if fromSession && caller.Expired(s.env.Identity.Now()) {
		return nil, &core.ExpiredTokenError{}
	}
	chained := fromSession && caller.Service == ""
	tags, transitive, err := inherit(in, caller, chained)
	if err != nil {
		return nil, err
	}
	packed := packedPercent(in, tags)
	if packed > 100 {
		return nil, protocol.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of session tags consumes %d%% of allotted space.", packed)
	}
	keys := requestKeys(in, tags)
	reqs := []core.AccessRequest{{Action: "sts:AssumeRole", Resource: in.roleARN, Keys: keys}}
	if len(in.tags) > 0 || len(in.transitive) > 0 {
		reqs = append(reqs, core.AccessRequest{Action: "sts:TagSession", Resource: in.roleARN, Keys: keys})
	}
	if err := s.env.Authorize(ctx, reqs...); err != nil {
		return nil, err
	}
	role, ok := s.role(in.roleARN)
	if !ok {
		// With enforcement off nothing refused it above; AWS never finds a missing role.
		return nil, &core.AccessDeniedError{Caller: s.callerARN(caller, fromSession), Action: "sts:AssumeRole",
			Resource: in.roleARN, Because: "because no resource-based policy allows the sts:AssumeRole action"}
	}
	duration, err := sessionDuration(in.duration, role.MaxSessionDuration, chained, fromSession && !chained)
	if err != nil {
		return nil, err
	}
	sess := s.env.Identity.Issue(identity.Session{RoleARN: role.ARN, RoleName: role.Name, RoleID: role.ID,
		Name: in.name, Tags: tags, TransitiveKeys: transitive, Policy: in.policy, PolicyARNs: in.policyARNs,
		Chained: chained}, time.Duration(duration)*time.Second)
	out := &AssumeRoleResult{
		Credentials: Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey,
			SessionToken: sess.SessionToken, Expiration: formatTime(sess.Expires)},
		AssumedRoleUser: AssumedRoleUser{AssumedRoleID: sess.UserID(), Arn: sess.ARN(s.env.Account)},
	}
	if in.policy != "" || len(in.policyARNs) > 0 || len(in.tags) > 0 {
		out.PackedPolicySize = &packed
	}
	return out, nil
}

func (s *Service) role(arn string) (identity.Role, bool) {
	dir := s.env.Identity.Directory()
	if dir == nil {
		return identity.Role{}, false
	}
	return dir.RoleByARN(arn)
}

func (s *Service) callerARN(caller identity.Session, fromSession bool) string {
	if fromSession {
		return caller.ARN(s.env.Account)
	}
	return s.env.ARN("iam", "", "user/"+identity.AdminUser)
}

// readAssume reads and checks AssumeRole's parameters against the API model.
func readAssume(form url.Values) (assumeRequest, error) {
	in := assumeRequest{roleARN: form.Get("RoleArn"), name: form.Get("RoleSessionName"), policy: form.Get("Policy")}
	var errs shape.Violations
	if _, ok := form["RoleArn"]; !ok {
		errs.Null("roleArn")
	} else {
		errs.Length("roleArn", in.roleARN, 20, 2048)
	}
	if _, ok := form["RoleSessionName"]; !ok {
		errs.Null("roleSessionName")
	} else if !sessionNamePattern.MatchString(in.name) {
		errs.Length("roleSessionName", in.name, 2, 64)
		errs.Pattern("roleSessionName", in.name, sessionNameChars)
	}
	if raw := form.Get("DurationSeconds"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < minDuration || n > serviceMaxDuration {
			errs.Add(raw, "durationSeconds", fmt.Sprintf("Member must have value greater than or equal to %d", minDuration))
		}
		in.duration = n
	}
	if len([]rune(in.policy)) > maxSessionPolicy {
		errs.Length("policy", in.policy, 1, maxSessionPolicy)
	}
	for _, m := range protocol.Members(form, "PolicyArns.member") {
		in.policyARNs = append(in.policyARNs, m["arn"])
	}
	if len(in.policyARNs) > maxPolicyARNs {
		errs.Add(len(in.policyARNs), "policyArns", fmt.Sprintf("Member must have length less than or equal to %d", maxPolicyARNs))
	}
	for _, m := range protocol.Members(form, "Tags.member") {
		in.tags = append(in.tags, identity.Tag{Key: m["Key"], Value: m["Value"]})
	}
	for _, m := range protocol.Members(form, "TransitiveTagKeys.member") {
		in.transitive = append(in.transitive, m[""])
	}
	if err := errs.Err(validationError); err != nil {
		return in, err
	}
	if in.policy != "" && !isJSONObject(in.policy) {
		return in, protocol.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
	}
	return in, checkTags(in)
}

func isJSONObject(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	return strings.HasPrefix(s, "{")
}

// sessionTagging is STS's rules for session tags: AWS's limits and character set.
var sessionTagging = shape.Tagging{Charset: true, FoldCase: true, Err: func(e shape.TagError) error {
	switch e.Fault {
	case shape.TagKeyDuplicate:
		return protocol.Errorf(http.StatusBadRequest, "InvalidParameterValue",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	case shape.TooManyTags:
		return validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: " +
			"Member must have length less than or equal to 50")
	}
	return shape.ConstraintError(validationError, e.Tag.Key, fmt.Sprintf("tags.%d.member", e.Index+1),
		"Member must satisfy the tag constraints (key 1-128 and value 0-256 characters of "+shape.TagCharsetPattern+")")
}}

func checkTags(in assumeRequest) error {
	tags := make([]shape.Tag, 0, len(in.tags))
	for _, t := range in.tags {
		tags = append(tags, shape.Tag{Key: t.Key, Value: t.Value})
	}
	if err := sessionTagging.Check(tags); err != nil {
		return err
	}
	for _, k := range in.transitive {
		if !hasKey(in.tags, k) {
			return protocol.Errorf(http.StatusBadRequest, "InvalidParameterValue",
				"The specified transitive tag key %s must be included in the requested tags.", k)
		}
	}
	return nil
}

func hasKey(tags []identity.Tag, k string) bool {
	for _, t := range tags {
		if strings.EqualFold(t.Key, k) {
			return true
		}
	}
	return false
}

// inherit adds the caller session's transitive tags to a chained session's: they pass
// on and stay transitive, and the request may not set a key it inherits.
func inherit(in assumeRequest, caller identity.Session, chained bool) ([]identity.Tag, []string, error) {
	tags, transitive := append([]identity.Tag{}, in.tags...), append([]string{}, in.transitive...)
	if !chained {
		return tags, transitive, nil
	}
	for _, k := range caller.TransitiveKeys {
		for _, t := range caller.Tags {
			if !strings.EqualFold(t.Key, k) {
				continue
			}
			if hasKey(in.tags, t.Key) {
				return nil, nil, protocol.Errorf(http.StatusBadRequest, "InvalidParameterValue",
					"One or more of the specified transitive tag keys can't be set because it conflicts with a transitive tag inherited from the calling session: %s", t.Key)
			}
			tags = append(tags, t)
			transitive = append(transitive, t.Key)
		}
	}
	return tags, transitive, nil
}

// requestKeys are the condition keys the trust policy sees: the tags requested
// (inherited ones included), their keys, the transitive keys and the session name.
func requestKeys(in assumeRequest, tags []identity.Tag) map[string][]string {
	keys := map[string][]string{"sts:RoleSessionName": {in.name}}
	if len(tags) > 0 {
		names := make([]string, 0, len(tags))
		for _, t := range tags {
			keys["aws:RequestTag/"+t.Key] = []string{t.Value}
			names = append(names, t.Key)
		}
		keys["aws:TagKeys"] = names
	}
	if len(in.transitive) > 0 {
		keys["sts:TransitiveTagKeys"] = in.transitive
	}
	return keys
}

// sessionDuration checks DurationSeconds against the role's maximum, the one hour of
// role chaining, or a service's own bound.
func sessionDuration(asked, roleMax int, chained, service bool) (int, error) {
	switch {
	case asked == 0:
		return defaultDuration, nil
	case service:
		return asked, nil
	case chained && asked > chainedMaxDuration:
		return 0, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case asked > roleMax:
		return 0, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return asked, nil
}

// packedPercent is the share of the packed space the session policies and tags use:
// characters of policy, ARNs and tags against packedLimit. Transitive keys do not count.
func packedPercent(in assumeRequest, tags []identity.Tag) int {
	n := len(compact(in.policy))
	for _, a := range in.policyARNs {
		n += len(a)
	}
	for _, t := range tags {
		n += len(t.Key) + len(t.Value)
	}
	return int(math.Ceil(100 * float64(n) / packedLimit))
}

// compact drops the white space outside strings that AWS does not count.
func compact(doc string) string {
	var b strings.Builder
	inString, escaped := false, false
	for _, r := range doc {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && inString:
			escaped = true
		case r == '"':
			inString = !inString
		case !inString && unicode.IsSpace(r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
