package dynamodb

import (
	"context"
	"net/url"
	"strconv"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// tagging is DynamoDB's tag rules: AWS's limits and character set, "aws:" reserved.
var tagging = shape.Tagging{Charset: true, ReserveAWSPrefix: true, Err: tagError}

func tagError(e shape.TagError) error {
	switch e.Fault {
	case shape.TooManyTags:
		return ddbError("LimitExceededException", "Too many tags: a resource can have at most %d tags",
			shape.MaxTags)
	case shape.TagKeyReserved:
		return protocol.Validation("User-defined tag keys can not start with aws:")
	case shape.TagKeyDuplicate:
		return protocol.Validation("Duplicate tag keys found: %s", e.Tag.Key)
	case shape.TagKeyLength:
		return shape.ConstraintError(protocol.Validation, e.Tag.Key, "tags."+strconv.Itoa(e.Index+1)+".member.key",
			"Member must have length less than or equal to 128")
	case shape.TagValueLength:
		return shape.ConstraintError(protocol.Validation, e.Tag.Value, "tags."+strconv.Itoa(e.Index+1)+".member.value",
			"Member must have length less than or equal to 256")
	}
	return protocol.Validation("Invalid tag: key %q, value %q: only letters, spaces, digits and _.:/=+-@ "+
		"are allowed", e.Tag.Key, e.Tag.Value)
}

type ttlSpecification struct {
	Enabled       bool
	AttributeName string
}

type updateTTLInput struct {
	TableName               string
	TimeToLiveSpecification *ttlSpecification
}

type updateTTLOutput struct {
	TimeToLiveSpecification ttlSpecification
}

type ttlDescription struct {
	TimeToLiveStatus string
	AttributeName    string `json:",omitempty"`
}

type describeTTLOutput struct {
	TimeToLiveDescription ttlDescription
}

// DescribeTimeToLive reports the table's TTL setting.
func (s *Service) DescribeTimeToLive(ctx context.Context, in *tableNameInput) (*describeTTLOutput, error) {
	name := s.nameOf(in.TableName)
	return inTable(s, name, func(t *table) (*describeTTLOutput, error) {
		if !t.ttlEnabled {
			return &describeTTLOutput{TimeToLiveDescription: ttlDescription{TimeToLiveStatus: "DISABLED"}}, nil
		}
		return &describeTTLOutput{TimeToLiveDescription: ttlDescription{TimeToLiveStatus: "ENABLED",
			AttributeName: t.ttlAttr}}, nil
	})
}

// UpdateTimeToLive turns TTL on or off. Expiry itself is not emulated: items with a
// past TTL stay, which AWS also allows for up to a few days.
func (s *Service) UpdateTimeToLive(ctx context.Context, in *updateTTLInput) (*updateTTLOutput, error) {
	var v shape.Violations
	spec := in.TimeToLiveSpecification
	if spec == nil {
		v.Null("timeToLiveSpecification")
	} else {
		v.Length("timeToLiveSpecification.attributeName", spec.AttributeName, 1, 255)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	name := s.nameOf(in.TableName)
	return inTable(s, name, func(t *table) (*updateTTLOutput, error) {
		switch {
		case spec.Enabled && t.ttlEnabled:
			return nil, protocol.Validation("TimeToLive is already enabled")
		case !spec.Enabled && !t.ttlEnabled:
			return nil, protocol.Validation("TimeToLive is already disabled")
		case !spec.Enabled && spec.AttributeName != t.ttlAttr:
			return nil, protocol.Validation("TimeToLive is active on a different AttributeName: current "+
				"AttributeName is %s", t.ttlAttr)
		}
		t.ttlEnabled, t.ttlAttr = spec.Enabled, spec.AttributeName
		return &updateTTLOutput{TimeToLiveSpecification: *spec}, nil
	})
}

type pitrSpecification struct {
	PointInTimeRecoveryEnabled *bool
	RecoveryPeriodInDays       *int32
}

type updateBackupsInput struct {
	TableName                        string
	PointInTimeRecoverySpecification *pitrSpecification
}

type pitrDescription struct {
	PointInTimeRecoveryStatus  string
	RecoveryPeriodInDays       *int32                 `json:",omitempty"`
	EarliestRestorableDateTime *protocol.EpochSeconds `json:",omitempty"`
	LatestRestorableDateTime   *protocol.EpochSeconds `json:",omitempty"`
}

type backupsDescription struct {
	ContinuousBackupsStatus        string
	PointInTimeRecoveryDescription pitrDescription
}

type backupsOutput struct {
	ContinuousBackupsDescription backupsDescription
}

// defaultRecoveryDays is how far back point-in-time recovery reaches unless set.
const defaultRecoveryDays = 35

func (t *table) backups(now func() protocol.EpochSeconds) *backupsOutput {
	d := backupsDescription{ContinuousBackupsStatus: "ENABLED",
		PointInTimeRecoveryDescription: pitrDescription{PointInTimeRecoveryStatus: "DISABLED"}}
	if t.pitr {
		days := t.pitrDays
		latest := now()
		d.PointInTimeRecoveryDescription = pitrDescription{PointInTimeRecoveryStatus: "ENABLED",
			RecoveryPeriodInDays: &days, EarliestRestorableDateTime: protocol.Epoch(t.created),
			LatestRestorableDateTime: &latest}
	}
	return &backupsOutput{ContinuousBackupsDescription: d}
}

func (s *Service) epochNow() protocol.EpochSeconds {
	return protocol.EpochSeconds{Time: s.env.Clock.Now()}
}

// DescribeContinuousBackups reports point-in-time recovery. Backups themselves are not
// emulated; continuous backups always read as ENABLED, as they do in AWS.
func (s *Service) DescribeContinuousBackups(ctx context.Context, in *tableNameInput) (*backupsOutput, error) {
	name := s.nameOf(in.TableName)
	return inBackups(s, name, func(t *table) (*backupsOutput, error) { return t.backups(s.epochNow), nil })
}

// inBackups is inTable for the backup operations, whose not-found is TableNotFoundException.
func inBackups[T any](s *Service, name string, fn func(*table) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*table, error) {
		if t, ok := s.tables[name]; ok {
			return t, nil
		}
		return nil, ddbError("TableNotFoundException", "Table not found: %s", name)
	}, fn)
}

// UpdateContinuousBackups turns point-in-time recovery on or off.
func (s *Service) UpdateContinuousBackups(ctx context.Context, in *updateBackupsInput) (*backupsOutput, error) {
	var v shape.Violations
	spec := in.PointInTimeRecoverySpecification
	switch {
	case spec == nil:
		v.Null("pointInTimeRecoverySpecification")
	case spec.PointInTimeRecoveryEnabled == nil:
		v.Null("pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled")
	case spec.RecoveryPeriodInDays != nil:
		v.Range("pointInTimeRecoverySpecification.recoveryPeriodInDays", int(*spec.RecoveryPeriodInDays), 1, 35)
	}
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	name := s.nameOf(in.TableName)
	return inBackups(s, name, func(t *table) (*backupsOutput, error) {
		t.pitr, t.pitrDays = *spec.PointInTimeRecoveryEnabled, defaultRecoveryDays
		if spec.RecoveryPeriodInDays != nil && t.pitr {
			t.pitrDays = *spec.RecoveryPeriodInDays
		}
		return t.backups(s.epochNow), nil
	})
}

type tagResourceInput struct {
	ResourceArn string
	Tags        []tag
}

type untagResourceInput struct {
	ResourceArn string
	TagKeys     []string
}

type listTagsInput struct {
	ResourceArn string
	NextToken   string
}

type listTagsOutput struct {
	Tags      []tag
	NextToken *string `json:",omitempty"`
}

// byARN finds the table a tagging call names by its ARN. The caller holds s.mu.
func (s *Service) byARN(arn string) (*table, error) {
	var v shape.Violations
	v.Length("resourceArn", arn, 1, 1283)
	if err := v.Err(protocol.Validation); err != nil {
		return nil, err
	}
	name, ok := s.tableFromARN(arn)
	if !ok {
		return nil, protocol.Validation("Invalid TableArn: Invalid ResourceArn provided as input %s", arn)
	}
	t, ok := s.tables[name]
	if !ok {
		return nil, ddbError("ResourceNotFoundException", "Requested resource not found: ResourcArn: %s not found", arn)
	}
	return t, nil
}

func inTagged[T any](s *Service, arn string, fn func(*table) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*table, error) { return s.byARN(arn) }, fn)
}

// TagResource adds or overwrites tags.
func (s *Service) TagResource(ctx context.Context, in *tagResourceInput) (*struct{}, error) {
	return inTagged(s, in.ResourceArn, func(t *table) (*struct{}, error) {
		add := make([]shape.Tag, len(in.Tags))
		for i, tg := range in.Tags {
			add[i] = shape.Tag{Key: tg.Key, Value: tg.Value}
		}
		return nil, tagging.Merge(&t.tags, add)
	})
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, in *untagResourceInput) (*struct{}, error) {
	return inTagged(s, in.ResourceArn, func(t *table) (*struct{}, error) {
		tagging.Remove(&t.tags, in.TagKeys)
		return nil, nil
	})
}

// ListTagsOfResource lists a table's tags, all on one page.
func (s *Service) ListTagsOfResource(ctx context.Context, in *listTagsInput) (*listTagsOutput, error) {
	return inTagged(s, in.ResourceArn, func(t *table) (*listTagsOutput, error) {
		out := &listTagsOutput{Tags: []tag{}}
		for _, tg := range t.tags.List() {
			out.Tags = append(out.Tags, tag{Key: tg.Key, Value: tg.Value})
		}
		return out, nil
	})
}

type describeLimitsOutput struct {
	AccountMaxReadCapacityUnits  int64
	AccountMaxWriteCapacityUnits int64
	TableMaxReadCapacityUnits    int64
	TableMaxWriteCapacityUnits   int64
}

// DescribeLimits reports AWS's default quotas for provisioned capacity.
func (s *Service) DescribeLimits(ctx context.Context, _ *struct{}) (*describeLimitsOutput, error) {
	return &describeLimitsOutput{AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000,
		TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000}, nil
}

type endpoint struct {
	Address              string
	CachePeriodInMinutes int64
}

type describeEndpointsOutput struct {
	Endpoints []endpoint
}

// DescribeEndpoints names this server, for SDKs with endpoint discovery turned on.
func (s *Service) DescribeEndpoints(context.Context, *struct{}) (*describeEndpointsOutput, error) {
	host := s.env.BaseURL()
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = u.Host
	}
	return &describeEndpointsOutput{Endpoints: []endpoint{{Address: host, CachePeriodInMinutes: 1440}}}, nil
}
