package traffic

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// ReadTable reads every item of the tenant data table with cfg's credentials (the test's own, not a tenant's), so
// that the verdict sees what each tenant's credentials could not.
func ReadTable(ctx context.Context, cfg aws.Config, table string) ([]verdict.Item, error) {
	items := []verdict.Item{}
	p := dynamodb.NewScanPaginator(dynamodb.NewFromConfig(cfg), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		for _, it := range page.Items {
			items = append(items, verdict.Item{TenantID: str(it["tenant_id"]), SK: str(it["sk"]),
				EnvironmentID: str(it["environment_id"]), MessageID: str(it["message_id"])})
		}
	}
	return items, nil
}

func str(av ddbtypes.AttributeValue) string {
	if s, ok := av.(*ddbtypes.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// sendProbes sends, for every tenant of p, one message that asks the worker to read the next tenant's data: over
// SQS for the SQS tenants, as an event for the others.
func sendProbes(ctx context.Context, c Clients, s Stack, p Plan) ([]verdict.Sent, error) {
	tenants := p.Tenants()
	overSQS := map[string]bool{}
	for _, t := range p.SQSTenants {
		overSQS[t] = true
	}
	var sent []verdict.Sent
	for i, tenant := range tenants {
		other := tenants[(i+1)%len(tenants)]
		body := map[string]any{"seq": "probe", "tenantId": tenant, "probe_tenant": other}
		via := verdict.ViaSQSBody
		var id string
		var err error
		if overSQS[tenant] {
			id, err = sendSQS(ctx, c, s, body, "")
		} else {
			via = verdict.ViaEventBridge
			id, err = putEvent(ctx, c, s, body)
		}
		if err != nil {
			return nil, err
		}
		sent = append(sent, verdict.Sent{MessageID: id, Tenant: tenant, Via: via, Probe: other})
	}
	return sent, nil
}
