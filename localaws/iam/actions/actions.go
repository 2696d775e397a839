// Package actions is the one table from every operation localaws serves to what IAM
// authorises: its action, the ARNs of the resources it acts on and its request keys,
// as the Service Authorization Reference gives them. The codecs ask it through a
// protocol.Guard once a request is read and before the service acts, so no service
// calls the authorizer for its own operations.
package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Row is what one operation asks IAM.
type Row struct {
	// Action is the IAM action, e.g. "sqs:SendMessage".
	Action string
	// Resources are the ARNs the operation acts on; nil means "*" (no resource type).
	Resources func(ref Ref, in protocol.Input) []string
	// Keys are the request's own condition keys, nil when it has none.
	Keys func(in protocol.Input) map[string][]string
	// Also are further requests the operation makes, e.g. iam:PassRole for the role a
	// function is created with.
	Also func(ref Ref, in protocol.Input) []core.AccessRequest
}

// Ref builds the ARNs of one account and region.
type Ref struct {
	Region, Account string
}

// Lookup returns the row of an operation of a service, by SigV4 signing name.
func Lookup(service, op string) (Row, bool) {
	row, ok := table[service][op]
	return row, ok
}

// Services lists the signing names the table covers.
func Services() []string {
	out := make([]string, 0, len(table))
	for s := range table {
		out = append(out, s)
	}
	return out
}

// Requests are the access requests of one operation.
func (row Row) Requests(ref Ref, in protocol.Input) []core.AccessRequest {
	if row.Action == "" {
		return nil
	}
	resources := []string{"*"}
	if row.Resources != nil {
		resources = row.Resources(ref, in)
	}
	var keys map[string][]string
	if row.Keys != nil {
		keys = row.Keys(in)
	}
	reqs := make([]core.AccessRequest, 0, len(resources))
	for _, r := range resources {
		reqs = append(reqs, core.AccessRequest{Action: row.Action, Resource: r, Keys: keys})
	}
	if row.Also != nil {
		reqs = append(reqs, row.Also(ref, in)...)
	}
	return reqs
}

// Guard is the protocol.Guard of a server: every operation asks env.Authorize with its
// row's requests. An operation without a row is refused, so that nothing is served
// unauthorised; a test holds the table complete.
type Guard struct {
	Env *core.Env
}

// Check authorises op of service for the caller in ctx.
func (g Guard) Check(ctx context.Context, service, op string, in protocol.Input) error {
	if g.Env.Access == nil {
		return nil
	}
	row, ok := Lookup(service, op)
	if !ok {
		return protocol.Internal(fmt.Errorf("%s:%s has no IAM action in localaws's table", service, op))
	}
	return g.Env.Authorize(ctx, row.Requests(Ref{Region: g.Env.Region, Account: g.Env.Account}, in)...)
}

func (r Ref) arn(service, region, resource string) string {
	return arn.ARN{Partition: core.Partition, Service: service, Region: region, AccountID: r.Account,
		Resource: resource}.String()
}

// each maps the values at path to ARNs; none when the member is absent.
func each(path string, toARN func(Ref, string) string) func(Ref, protocol.Input) []string {
	return func(ref Ref, in protocol.Input) []string {
		vals := in.Strings(path)
		out := make([]string, 0, len(vals))
		for _, v := range vals {
			out = append(out, toARN(ref, v))
		}
		if len(out) == 0 {
			out = append(out, toARN(ref, ""))
		}
		return out
	}
}

// isARN says whether a member holds an ARN rather than a name.
func isARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// requestTags are aws:RequestTag/<k> and aws:TagKeys of a request's list of tags, read
// at "<list>.<key field>" and "<list>.<value field>".
func requestTags(list, keyField, valueField string) func(protocol.Input) map[string][]string {
	return func(in protocol.Input) map[string][]string {
		ks, vs := in.Strings(list+"."+keyField), in.Strings(list+"."+valueField)
		if len(ks) == 0 {
			return nil
		}
		keys := map[string][]string{"aws:TagKeys": ks}
		for i, k := range ks {
			if i < len(vs) {
				keys["aws:RequestTag/"+k] = []string{vs[i]}
			}
		}
		return keys
	}
}

// queueOf is the queue ARN of a QueueUrl.
func queueOf(ref Ref, u string) string {
	account, name, ok := shape.ParseQueueURL(u)
	if !ok {
		account, name = ref.Account, u
	}
	return shape.Queue{Partition: core.Partition, Region: ref.Region, Account: account, Name: name}.ARN()
}
