package localaws_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
)

// TestControlCalls checks that calls to localaws's own endpoints are counted, and that
// AWS API calls and the paths standing in for AWS's internals are not.
func TestControlCalls(t *testing.T) {
	t.Parallel()
	srv, cfg := testserver.Start(t, localaws.Config{})
	get := func(path string) {
		t.Helper()
		resp, err := http.Get(srv.URL() + path)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	steps := []struct {
		name string
		call func()
		want int64
	}{
		{"an AWS API call is not counted", func() {
			_, err := sqs.NewFromConfig(cfg).ListQueues(context.Background(), &sqs.ListQueuesInput{})
			require.NoError(t, err)
		}, 0},
		{"the Runtime API is not counted", func() { get("/_localaws/runtime/env-1/2018-06-01/runtime/invocation/next") }, 0},
		{"a code download is not counted", func() { get("/_localaws/lambda/packages/none.zip") }, 0},
		{"health is counted", func() { get("/_localaws/health") }, 1},
		{"the environment table is counted", func() { get("/_localaws/environments") }, 2},
		{"an unknown control path is counted", func() { get("/_localaws/nothing-here") }, 3},
	}
	for _, s := range steps {
		s.call()
		require.Equal(t, s.want, srv.ControlCalls(), s.name)
	}
}
