// Package logs emulates CloudWatch Logs over AWS JSON 1.1: log groups with retention,
// KMS key, class, deletion protection and tags; log streams; and PutLogEvents,
// GetLogEvents and FilterLogEvents over events held in memory.
package logs

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Service holds every log group of the account and region localaws serves.
type Service struct {
	protocol.JSONService
	env *core.Env

	mu     sync.Mutex
	groups map[string]*logGroup
	// seq orders events ingested at the same timestamp and makes event IDs unique.
	seq int64
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env, groups: map[string]*logGroup{}}
	s.JSONService = protocol.JSONService{Name: "logs", TargetPrefix: "Logs_20140328", Version: "1.1",
		Logger: env.Logger,
		Ops: map[string]protocol.JSONOp{
			"CreateLogGroup":                protocol.Op(s.CreateLogGroup),
			"DeleteLogGroup":                protocol.Op(s.DeleteLogGroup),
			"DescribeLogGroups":             protocol.Op(s.DescribeLogGroups),
			"PutRetentionPolicy":            protocol.Op(s.PutRetentionPolicy),
			"DeleteRetentionPolicy":         protocol.Op(s.DeleteRetentionPolicy),
			"PutLogGroupDeletionProtection": protocol.Op(s.PutLogGroupDeletionProtection),
			"AssociateKmsKey":               protocol.Op(s.AssociateKmsKey),
			"DisassociateKmsKey":            protocol.Op(s.DisassociateKmsKey),
			"TagResource":                   protocol.Op(s.TagResource),
			"UntagResource":                 protocol.Op(s.UntagResource),
			"ListTagsForResource":           protocol.Op(s.ListTagsForResource),
			"TagLogGroup":                   protocol.Op(s.TagLogGroup),
			"UntagLogGroup":                 protocol.Op(s.UntagLogGroup),
			"ListTagsLogGroup":              protocol.Op(s.ListTagsLogGroup),
			"CreateLogStream":               protocol.Op(s.CreateLogStream),
			"DeleteLogStream":               protocol.Op(s.DeleteLogStream),
			"DescribeLogStreams":            protocol.Op(s.DescribeLogStreams),
			"PutLogEvents":                  protocol.Op(s.PutLogEvents),
			"GetLogEvents":                  protocol.Op(s.GetLogEvents),
			"FilterLogEvents":               protocol.Op(s.FilterLogEvents),
		}}
	return s
}

// nowMillis is the clock in epoch milliseconds, the unit of every Logs timestamp.
func (s *Service) nowMillis() int64 { return s.env.Clock.Now().UnixMilli() }

// The CloudWatch Logs error codes. All are HTTP 400, as in the service.

func resourceNotFound(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "ResourceNotFoundException", format, args...)
}

func resourceAlreadyExists(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "ResourceAlreadyExistsException", format, args...)
}

func invalidParameter(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func constraintError(value any, member, constraint string) error {
	return shape.ConstraintError(invalidParameter, value, member, constraint)
}

func nullError(member string) error {
	var v shape.Violations
	v.Null(member)
	return v.Err(invalidParameter)
}

var (
	groupNamePattern  = shape.Anchored(`[\.\-_/#A-Za-z0-9]+`)
	streamNamePattern = shape.Anchored(`[^:*]*`)
)

func validateName(name, member string, pattern *regexp.Regexp) error {
	var v shape.Violations
	v.Length(member, name, 1, 512)
	if v.Len() == 0 {
		v.Pattern(member, name, pattern)
	}
	return v.Err(invalidParameter)
}

func validateGroupName(name string) error {
	if strings.HasPrefix(name, "aws/") {
		return invalidParameter("Log group names can't start with the string aws/: %s", name)
	}
	return validateName(name, "logGroupName", groupNamePattern)
}

func validateStreamName(name string) error {
	return validateName(name, "logStreamName", streamNamePattern)
}

// groupARN is the log group ARN without the ":*" suffix (logGroupArn, and what the
// tagging APIs take).
func (s *Service) groupARN(name string) string {
	return s.env.ARN("logs", s.env.Region, "log-group:"+name)
}

// groupNameFromARN returns the log group named by an ARN of this account and region,
// with or without the ":*" suffix.
func (s *Service) groupNameFromARN(arn string) (string, bool) {
	resource, ok := shape.ResourceIn(arn, "logs", s.env.Region, s.env.Account)
	name, isGroup := strings.CutPrefix(resource, "log-group:")
	if !ok || !isGroup {
		return "", false
	}
	return strings.TrimSuffix(name, ":*"), true
}

// group returns a log group by name; the caller holds s.mu.
func (s *Service) group(name string) (*logGroup, error) {
	g, ok := s.groups[name]
	if !ok {
		return nil, resourceNotFound("The specified log group does not exist.")
	}
	return g, nil
}

// groupByNameOrIdentifier resolves the logGroupName / logGroupIdentifier pair that many
// operations take: exactly one must be given, and the identifier is a name or an ARN.
// The caller holds s.mu.
func (s *Service) groupByNameOrIdentifier(name, identifier *string) (*logGroup, error) {
	switch {
	case name != nil && identifier != nil:
		return nil, invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != nil:
		return s.group(*name)
	case identifier != nil:
		return s.groupByIdentifier(*identifier)
	}
	return nil, invalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
}

// groupByIdentifier resolves a log group name or ARN; the caller holds s.mu.
func (s *Service) groupByIdentifier(id string) (*logGroup, error) {
	if strings.HasPrefix(id, "arn:") {
		name, ok := s.groupNameFromARN(id)
		if !ok {
			return nil, resourceNotFound("The specified log group does not exist.")
		}
		return s.group(name)
	}
	return s.group(id)
}

// groupPages and streamPages page DescribeLogGroups and DescribeLogStreams; eventLimit
// checks the page size of the event reads, whose tokens are positions in a stream.
var (
	groupPages  = pager(50)
	streamPages = pager(50)
	eventLimit  = pager(maxReadEvents)
)

func pager(size int) shape.Pager {
	return shape.Pager{SizeMember: "limit", DefaultSize: size, MaxSize: size, Invalid: invalidParameter,
		BadToken: func(string) error { return invalidParameter("The specified nextToken is invalid.") }}
}

// day is a retention unit.
const day = 24 * time.Hour
