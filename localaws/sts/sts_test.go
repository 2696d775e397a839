package sts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	localsts "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sts"
)

func newClient(t *testing.T, account string) *sts.Client {
	t.Helper()
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Account: account,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		localaws.Use(localsts.New))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	return sts.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("any", "keys", ""),
		BaseEndpoint: aws.String(srv.URL()),
	})
}

func TestGetCallerIdentityOfKeysNotIssuedIsTheAdminUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		account string
		want    string
	}{
		{"default account", "", "000000000000"},
		{"configured account", "123456789012", "123456789012"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := newClient(t, tt.account).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, aws.ToString(out.Account))
			assert.Equal(t, "arn:aws:iam::"+tt.want+":user/localaws-admin", aws.ToString(out.Arn))
			assert.Equal(t, "AIDALOCALAWSADMIN0000", aws.ToString(out.UserId))
		})
	}
}

func TestUnknownActionNamesServiceAndAction(t *testing.T) {
	t.Parallel()
	_, err := newClient(t, "").GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Equal(t, "InvalidAction", apiErr.ErrorCode())
	assert.Contains(t, apiErr.ErrorMessage(), `sts: action "GetSessionToken"`)
}
