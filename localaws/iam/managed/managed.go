// Package managed holds copies of the AWS managed policies that this project and its
// users attach: each default version's document, version ID, policy ID and dates, as
// IAM reports them (the AWS Managed Policy Reference Guide,
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/). AWS revises these
// policies; update a document together with its version and dates.
package managed

import (
	"embed"
	"slices"
	"strings"
	"time"
)

// Policy is one AWS managed policy at its default version.
type Policy struct {
	Name        string
	ID          string
	Path        string
	Description string
	// Version is the default version's ID, e.g. "v12".
	Version string
	// Created is when AWS created the policy; Updated when its default version was made.
	Created, Updated time.Time
	// Document is the default version's policy document.
	Document string
}

// ARN is the policy's ARN: arn:aws:iam::aws:policy<path><name>.
func (p Policy) ARN() string { return "arn:aws:iam::aws:policy" + p.Path + p.Name }

//go:embed documents/*.json
var documents embed.FS

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// catalogue is keyed by ARN.
var catalogue = func() map[string]Policy {
	const serviceRole = "/service-role/"
	list := []Policy{
		{Name: "AdministratorAccess", ID: "ANPAIWMBCKSKIEE64ZLYK", Path: "/", Version: "v1",
			Description: "Provides full access to AWS services and resources.",
			Created:     at("2015-02-06T18:39:46Z"), Updated: at("2015-02-06T18:39:46Z")},
		{Name: "PowerUserAccess", ID: "ANPAJYRXTHIB4FOVS3ZXS", Path: "/", Version: "v12",
			Description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
			Created:     at("2015-02-06T18:39:47Z"), Updated: at("2026-02-12T17:59:14Z")},
		{Name: "AWSLambdaBasicExecutionRole", ID: "ANPAJNCQGXC42545SKXIK", Path: serviceRole, Version: "v1",
			Description: "Provides write permissions to CloudWatch Logs.",
			Created:     at("2015-04-09T15:03:43Z"), Updated: at("2015-04-09T15:03:43Z")},
		{Name: "AWSLambdaDynamoDBExecutionRole", ID: "ANPAIP7WNAGMIPYNW4WQG", Path: serviceRole, Version: "v1",
			Description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
			Created:     at("2015-04-09T15:09:29Z"), Updated: at("2015-04-09T15:09:29Z")},
		{Name: "AWSLambdaKinesisExecutionRole", ID: "ANPAJHOLKJPXV4GBRMJUQ", Path: serviceRole, Version: "v2",
			Description: "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
			Created:     at("2015-04-09T15:14:16Z"), Updated: at("2018-11-19T20:09:24Z")},
		{Name: "AWSLambdaSQSQueueExecutionRole", ID: "ANPAJFWJZI6JNND4TSELK", Path: serviceRole, Version: "v1",
			Description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
			Created:     at("2018-06-14T21:50:45Z"), Updated: at("2018-06-14T21:50:45Z")},
		{Name: "AWSLambdaVPCAccessExecutionRole", ID: "ANPAJVTME3YLVNL72YR2K", Path: serviceRole, Version: "v3",
			Description: "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
			Created:     at("2016-02-11T23:15:26Z"), Updated: at("2024-01-05T22:38:26Z")},
		{Name: "AWSXRayDaemonWriteAccess", ID: "ANPAIOE47HSUE5AVBNEDM", Path: "/", Version: "v2",
			Description: "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
			Created:     at("2018-08-28T23:00:33Z"), Updated: at("2024-02-13T21:58:30Z")},
	}
	m := make(map[string]Policy, len(list))
	for _, p := range list {
		doc, err := documents.ReadFile("documents/" + p.Name + ".json")
		if err != nil {
			panic(err)
		}
		p.Document = strings.TrimSpace(string(doc))
		m[strings.ToLower(p.ARN())] = p
	}
	return m
}()

// Get returns the AWS managed policy with this ARN. IAM matches policy ARNs without
// regard to case.
func Get(arn string) (Policy, bool) {
	p, ok := catalogue[strings.ToLower(arn)]
	return p, ok
}

// Lookup returns the document and default version ID of the AWS managed policy with
// this ARN.
func Lookup(arn string) (doc, version string, ok bool) {
	p, ok := Get(arn)
	return p.Document, p.Version, ok
}

// All returns every policy held, by name.
func All() []Policy {
	out := make([]Policy, 0, len(catalogue))
	for _, p := range catalogue {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Policy) int { return strings.Compare(a.Name, b.Name) })
	return out
}
