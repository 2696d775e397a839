package logs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// logGroup is one log group and its streams.
type logGroup struct {
	name               string
	created            int64
	retention          *int32
	kmsKeyID           string
	class              string
	deletionProtection bool
	tags               shape.TagSet
	streams            map[string]*logStream
}

// LogGroup is the service's LogGroup shape.
type LogGroup struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	RetentionInDays           *int32 `json:"retentionInDays,omitempty"`
	MetricFilterCount         int    `json:"metricFilterCount"`
	Arn                       string `json:"arn"`
	StoredBytes               int64  `json:"storedBytes"`
	KmsKeyID                  string `json:"kmsKeyId,omitempty"`
	LogGroupClass             string `json:"logGroupClass"`
	LogGroupArn               string `json:"logGroupArn"`
	DeletionProtectionEnabled bool   `json:"deletionProtectionEnabled"`
}

func (s *Service) groupView(g *logGroup) LogGroup {
	var stored int64
	for _, st := range g.streams {
		stored += st.storedBytes
	}
	arn := s.groupARN(g.name)
	return LogGroup{
		LogGroupName: g.name, CreationTime: g.created, RetentionInDays: g.retention, Arn: arn + ":*",
		StoredBytes: stored, KmsKeyID: g.kmsKeyID, LogGroupClass: g.class, LogGroupArn: arn,
		DeletionProtectionEnabled: g.deletionProtection,
	}
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
	2922, 3288, 3653}

var logGroupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

// validateKMSKey accepts what the service accepts: the ARN of a KMS key. The key itself
// is not checked, as localaws has no KMS; it is stored and echoed.
func validateKMSKey(id string) error {
	if !strings.HasPrefix(id, "arn:") || !strings.Contains(id, ":kms:") || len(id) > 256 {
		return invalidParameter("Specified KMS key %q is not a KMS key ARN.", id)
	}
	return nil
}

// CreateLogGroupInput is the CreateLogGroup request.
type CreateLogGroupInput struct {
	LogGroupName              string            `json:"logGroupName"`
	KmsKeyID                  *string           `json:"kmsKeyId"`
	Tags                      map[string]string `json:"tags"`
	LogGroupClass             *string           `json:"logGroupClass"`
	DeletionProtectionEnabled *bool             `json:"deletionProtectionEnabled"`
}

// CreateLogGroup creates a log group; the class defaults to STANDARD.
func (s *Service) CreateLogGroup(_ context.Context, in *CreateLogGroupInput) (*struct{}, error) {
	if err := validateGroupName(in.LogGroupName); err != nil {
		return nil, err
	}
	g := &logGroup{name: in.LogGroupName, created: s.nowMillis(), class: "STANDARD",
		streams: map[string]*logStream{}}
	if in.KmsKeyID != nil {
		if err := validateKMSKey(*in.KmsKeyID); err != nil {
			return nil, err
		}
		g.kmsKeyID = *in.KmsKeyID
	}
	if in.LogGroupClass != nil {
		if !slices.Contains(logGroupClasses, *in.LogGroupClass) {
			return nil, constraintError(*in.LogGroupClass, "logGroupClass",
				"Member must satisfy enum value set: ["+strings.Join(logGroupClasses, ", ")+"]")
		}
		g.class = *in.LogGroupClass
	}
	if in.DeletionProtectionEnabled != nil {
		g.deletionProtection = *in.DeletionProtectionEnabled
	}
	if err := mergeTags(&g.tags, in.Tags, invalidParameter); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.groups[g.name]; exists {
		return nil, resourceAlreadyExists("The specified log group already exists")
	}
	s.groups[g.name] = g
	return nil, nil
}

// DeleteLogGroupInput is the DeleteLogGroup request.
type DeleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// DeleteLogGroup deletes a group with its streams and events, unless it is protected.
func (s *Service) DeleteLogGroup(_ context.Context, in *DeleteLogGroupInput) (*struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if err := g.checkDeletable(); err != nil {
		return nil, err
	}
	delete(s.groups, g.name)
	return nil, nil
}

// checkDeletable enforces deletion protection, which blocks deleting the group and its streams.
func (g *logGroup) checkDeletable() error {
	if g.deletionProtection {
		return protocol.Validation("Cannot delete log group with deletion protection enabled. Disable deletion protection first.")
	}
	return nil
}

// DescribeLogGroupsInput is the DescribeLogGroups request.
type DescribeLogGroupsInput struct {
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	LogGroupClass       *string  `json:"logGroupClass"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
}

// DescribeLogGroupsOutput is the DescribeLogGroups response.
type DescribeLogGroupsOutput struct {
	LogGroups []LogGroup `json:"logGroups"`
	NextToken *string    `json:"nextToken,omitempty"`
}

// DescribeLogGroups lists groups in name order, filtered by prefix (case-sensitive),
// pattern (a case-insensitive substring), identifiers or class.
func (s *Service) DescribeLogGroups(_ context.Context, in *DescribeLogGroupsInput) (*DescribeLogGroupsOutput, error) {
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	if in.LogGroupIdentifiers != nil && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, invalidParameter("LogGroup identifiers and LogGroup name prefix or pattern are mutually exclusive parameters.")
	}
	limit, err := groupPages.Size(in.Limit)
	if err != nil {
		return nil, err
	}
	var pattern *regexp.Regexp
	if in.LogGroupNamePattern != nil {
		pattern = regexp.MustCompile(`(?i)` + regexp.QuoteMeta(*in.LogGroupNamePattern))
	}
	wanted := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		if name, ok := s.groupNameFromARN(id); ok {
			id = name
		}
		wanted[id] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []LogGroup
	for _, g := range s.groups {
		switch {
		case in.LogGroupNamePrefix != nil && !strings.HasPrefix(g.name, *in.LogGroupNamePrefix),
			pattern != nil && !pattern.MatchString(g.name),
			in.LogGroupIdentifiers != nil && !wanted[g.name],
			in.LogGroupClass != nil && g.class != *in.LogGroupClass:
			continue
		}
		out = append(out, s.groupView(g))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogGroupName < out[j].LogGroupName })
	page, next, err := shape.Page(groupPages, out, aws.ToString(in.NextToken), limit)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []LogGroup{}
	}
	return &DescribeLogGroupsOutput{LogGroups: page, NextToken: shape.OrNil(next)}, nil
}

// PutRetentionPolicyInput is the PutRetentionPolicy request.
type PutRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays *int32 `json:"retentionInDays"`
}

// PutRetentionPolicy sets the retention to one of the allowed day counts.
func (s *Service) PutRetentionPolicy(_ context.Context, in *PutRetentionPolicyInput) (*struct{}, error) {
	if in.RetentionInDays == nil || !slices.Contains(retentionDays, *in.RetentionInDays) {
		var v any = "null"
		if in.RetentionInDays != nil {
			v = *in.RetentionInDays
		}
		return nil, constraintError(v, "retentionInDays", "Member must satisfy enum value set: "+
			strings.Join(strings.Fields(fmt.Sprint(retentionDays)), ", "))
	}
	days := *in.RetentionInDays
	return nil, s.withGroup(in.LogGroupName, func(g *logGroup) error { g.retention = &days; return nil })
}

// DeleteRetentionPolicyInput is the DeleteRetentionPolicy request.
type DeleteRetentionPolicyInput struct {
	LogGroupName string `json:"logGroupName"`
}

// DeleteRetentionPolicy makes the group's events never expire.
func (s *Service) DeleteRetentionPolicy(_ context.Context, in *DeleteRetentionPolicyInput) (*struct{}, error) {
	return nil, s.withGroup(in.LogGroupName, func(g *logGroup) error { g.retention = nil; return nil })
}

// PutLogGroupDeletionProtectionInput is the PutLogGroupDeletionProtection request.
type PutLogGroupDeletionProtectionInput struct {
	LogGroupIdentifier        string `json:"logGroupIdentifier"`
	DeletionProtectionEnabled *bool  `json:"deletionProtectionEnabled"`
}

// PutLogGroupDeletionProtection turns deletion protection on or off.
func (s *Service) PutLogGroupDeletionProtection(_ context.Context, in *PutLogGroupDeletionProtectionInput) (*struct{}, error) {
	if in.DeletionProtectionEnabled == nil {
		return nil, nullError("deletionProtectionEnabled")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByIdentifier(in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	g.deletionProtection = *in.DeletionProtectionEnabled
	return nil, nil
}

// KMSKeyInput is the AssociateKmsKey and DisassociateKmsKey request.
type KMSKeyInput struct {
	LogGroupName       *string `json:"logGroupName"`
	KmsKeyID           string  `json:"kmsKeyId"`
	ResourceIdentifier *string `json:"resourceIdentifier"`
}

// kmsTarget resolves the group of an (Dis)AssociateKmsKey request. resourceIdentifier
// may also name Logs Insights query results, which localaws does not keep; those
// requests succeed without effect. The caller holds s.mu.
func (s *Service) kmsTarget(in *KMSKeyInput) (*logGroup, error) {
	switch {
	case in.LogGroupName != nil && in.ResourceIdentifier != nil:
		return nil, invalidParameter("logGroupName and resourceIdentifier are mutually exclusive parameters.")
	case in.LogGroupName != nil:
		return s.group(*in.LogGroupName)
	case in.ResourceIdentifier != nil:
		if _, ok := s.groupNameFromARN(*in.ResourceIdentifier); ok {
			return s.groupByIdentifier(*in.ResourceIdentifier)
		}
		return nil, nil
	}
	return nil, invalidParameter("Either logGroupName or resourceIdentifier must be specified.")
}

// AssociateKmsKey records the group's KMS key.
func (s *Service) AssociateKmsKey(_ context.Context, in *KMSKeyInput) (*struct{}, error) {
	if err := validateKMSKey(in.KmsKeyID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.kmsTarget(in)
	if g != nil {
		g.kmsKeyID = in.KmsKeyID
	}
	return nil, err
}

// DisassociateKmsKey forgets the group's KMS key.
func (s *Service) DisassociateKmsKey(_ context.Context, in *KMSKeyInput) (*struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.kmsTarget(in)
	if g != nil {
		g.kmsKeyID = ""
	}
	return nil, err
}
