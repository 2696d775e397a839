package shape

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ResourceIn returns the resource part of s when s is an ARN of service in region and
// account, as a service reads ARNs of its own resources. region "" is a global service.
func ResourceIn(s, service, region, account string) (string, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != service || a.Region != region || a.AccountID != account {
		return "", false
	}
	return a.Resource, true
}

// Queue is an SQS queue named by its ARN, arn:<partition>:sqs:<region>:<account>:<name>.
type Queue struct {
	Partition, Region, Account, Name string
}

var (
	accountPattern   = regexp.MustCompile(`^\d{12}$`)
	queueNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}(\.fifo)?$`)
)

// ParseQueueARN reads an SQS queue ARN, refusing any that names no queue SQS could hold.
func ParseQueueARN(s string) (Queue, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sqs" || a.Region == "" || !accountPattern.MatchString(a.AccountID) ||
		!queueNamePattern.MatchString(a.Resource) {
		return Queue{}, fmt.Errorf("%s is not an SQS queue ARN", s)
	}
	return Queue{Partition: a.Partition, Region: a.Region, Account: a.AccountID, Name: a.Resource}, nil
}

// ARN is the queue's ARN.
func (q Queue) ARN() string {
	return arn.ARN{Partition: q.Partition, Service: "sqs", Region: q.Region, AccountID: q.Account,
		Resource: q.Name}.String()
}

// FIFO reports whether the queue is a FIFO queue, which its name says.
func (q Queue) FIFO() bool { return strings.HasSuffix(q.Name, ".fifo") }

// URL is where an endpoint at base serves the queue: <base>/<account>/<name>, the path
// the SDK and the Terraform provider parse.
func (q Queue) URL(base string) string {
	return strings.TrimSuffix(base, "/") + "/" + q.Account + "/" + q.Name
}

// ParseQueueURL returns the account and name of a queue URL, /<account>/<name>
// whatever the host.
func ParseQueueURL(raw string) (account, name string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}
