package lambda

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// executionSession is how long a function's role session lasts: as long as AWS lets a
// service session last, since an environment keeps the credentials it started with.
const executionSession = 12 * time.Hour

// executionRole returns the credentials a function's work runs with when IAM is
// enforced: a session of its execution role named after the function, which Lambda
// (lambda.amazonaws.com) assumes through STS, so the role's trust policy must allow it.
// Its environments, its event source mappings and its async destinations use them. nil
// when IAM is not enforced: internal calls then keep the server's own keys.
func (s *Service) executionRole(functionARN string) aws.CredentialsProvider {
	if s.env.Access == nil {
		return nil
	}
	s.credsMu.Lock()
	defer s.credsMu.Unlock()
	if p, ok := s.creds[functionARN]; ok {
		return p
	}
	p := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		return s.assumeExecutionRole(ctx, functionARN)
	}))
	s.creds[functionARN] = p
	return p
}

func (s *Service) assumeExecutionRole(ctx context.Context, functionARN string) (aws.Credentials, error) {
	ref, err := parseFunctionRef(functionARN, "")
	if err != nil {
		return aws.Credentials{}, err
	}
	s.mu.Lock()
	f, v, err := s.lookup(ref)
	var role string
	if err == nil {
		role = v.cfg.Role
	}
	s.mu.Unlock()
	if err != nil {
		return aws.Credentials{}, err
	}
	client := sts.NewFromConfig(s.env.AWSConfigAs(s.env.ServiceCredentials("lambda.amazonaws.com", f.arn)))
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role),
		RoleSessionName: aws.String(f.name), DurationSeconds: aws.Int32(int32(executionSession / time.Second))})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("lambda cannot assume the execution role %s of %s: %w", role, f.name, err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken: aws.ToString(c.SessionToken), CanExpire: true, Expires: aws.ToTime(c.Expiration),
		Source: "lambda execution role"}, nil
}
