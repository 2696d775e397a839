// Package testserver starts an in-process localaws for the services' tests, so that they
// drive it with the real SDK clients.
package testserver

import (
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// Start starts a server with the given services and returns it with the configuration of
// SDK clients that call it. cfg's unset Addr is a free port and its unset Logger discards.
// The server closes when the test ends.
func Start(t testing.TB, cfg localaws.Config, factories ...localaws.Factory) (*localaws.Server, aws.Config) {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := localaws.New(cfg, factories...)
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	return srv, aws.Config{
		Region:       srv.Env().Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.URL()),
	}
}
