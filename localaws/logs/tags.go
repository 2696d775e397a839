package logs

import (
	"context"
	"net/http"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// tagging is CloudWatch Logs' tag rules and words. tooMany builds the error for
// exceeding the limit, which differs between operations.
func tagging(tooMany shape.ErrorFunc) shape.Tagging {
	return shape.Tagging{Charset: true, ReserveAWSPrefix: true, Err: func(e shape.TagError) error {
		switch e.Fault {
		case shape.TooManyTags:
			return tooMany("A resource can have no more than %d tags.", shape.MaxTags)
		case shape.TagKeyReserved:
			return invalidParameter("Tag keys beginning with 'aws:' are reserved: %q", e.Tag.Key)
		case shape.TagValueLength, shape.TagValueCharset:
			return invalidParameter("Invalid tag value for key %q", e.Tag.Key)
		}
		return invalidParameter("Invalid tag key: %q", e.Tag.Key)
	}}
}

// mergeTags validates tags and adds them to dst, changing nothing on error.
func mergeTags(dst *shape.TagSet, add map[string]string, tooMany shape.ErrorFunc) error {
	return tagging(tooMany).Merge(dst, shape.TagsOf(add))
}

func tooManyTags(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "TooManyTagsException", format, args...)
}

// inTaggedGroup runs fn under s.mu on the log group of a tagging API's resourceArn.
func inTaggedGroup[T any](s *Service, arn string, fn func(*logGroup) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*logGroup, error) { return s.groupByResourceARN(arn) }, fn)
}

// inGroup runs fn under s.mu on the named log group.
func inGroup[T any](s *Service, name string, fn func(*logGroup) (T, error)) (T, error) {
	return core.Locked(&s.mu, func() (*logGroup, error) { return s.group(name) }, fn)
}

// groupByResourceARN resolves the resourceArn of the tagging APIs; only log groups are
// held. The caller holds s.mu.
func (s *Service) groupByResourceARN(arn string) (*logGroup, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, invalidParameter("Invalid resource ARN: %s", arn)
	}
	name, ok := s.groupNameFromARN(arn)
	if !ok {
		return nil, resourceNotFound("The specified resource does not exist: %s", arn)
	}
	return s.group(name)
}

// The tagging APIs name a log group by ARN, the deprecated ones by name; both do the same
// to it, except that the deprecated TagLogGroup reports too many tags differently.

func tagGroup(add map[string]string, tooMany shape.ErrorFunc) func(*logGroup) (*struct{}, error) {
	return func(g *logGroup) (*struct{}, error) { return nil, mergeTags(&g.tags, add, tooMany) }
}

func untagGroup(keys []string) func(*logGroup) (*struct{}, error) {
	return func(g *logGroup) (*struct{}, error) {
		tagging(nil).Remove(&g.tags, keys)
		return nil, nil
	}
}

func listGroupTags(g *logGroup) (*TagsOutput, error) { return &TagsOutput{Tags: g.tags.Map()}, nil }

// TagResourceInput is the TagResource request.
type TagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

// TagResource adds or overwrites tags on a log group named by ARN.
func (s *Service) TagResource(_ context.Context, in *TagResourceInput) (*struct{}, error) {
	return inTaggedGroup(s, in.ResourceArn, tagGroup(in.Tags, tooManyTags))
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// UntagResource removes tags; unknown keys are ignored.
func (s *Service) UntagResource(_ context.Context, in *UntagResourceInput) (*struct{}, error) {
	return inTaggedGroup(s, in.ResourceArn, untagGroup(in.TagKeys))
}

// ListTagsForResourceInput is the ListTagsForResource request.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

// TagsOutput is the ListTagsForResource and ListTagsLogGroup response.
type TagsOutput struct {
	Tags map[string]string `json:"tags"`
}

// ListTagsForResource returns a log group's tags.
func (s *Service) ListTagsForResource(_ context.Context, in *ListTagsForResourceInput) (*TagsOutput, error) {
	return inTaggedGroup(s, in.ResourceArn, listGroupTags)
}

// TagLogGroupInput is the deprecated TagLogGroup request.
type TagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

// TagLogGroup is the deprecated, name-based TagResource.
func (s *Service) TagLogGroup(_ context.Context, in *TagLogGroupInput) (*struct{}, error) {
	return inGroup(s, in.LogGroupName, tagGroup(in.Tags, invalidParameter))
}

// UntagLogGroupInput is the deprecated UntagLogGroup request; its tags are keys.
type UntagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

// UntagLogGroup is the deprecated, name-based UntagResource.
func (s *Service) UntagLogGroup(_ context.Context, in *UntagLogGroupInput) (*struct{}, error) {
	return inGroup(s, in.LogGroupName, untagGroup(in.Tags))
}

// ListTagsLogGroupInput is the deprecated ListTagsLogGroup request.
type ListTagsLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// ListTagsLogGroup is the deprecated, name-based ListTagsForResource.
func (s *Service) ListTagsLogGroup(_ context.Context, in *ListTagsLogGroupInput) (*TagsOutput, error) {
	return inGroup(s, in.LogGroupName, listGroupTags)
}
