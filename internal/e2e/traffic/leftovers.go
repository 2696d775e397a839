package traffic

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Leftovers lists what carries the name prefix of a stack after its destroy: functions,
// event source mappings, queues, DynamoDB tables, roles, event buses, rules on the
// default bus and log groups. Every resource the examples create is named after their name variable,
// so an empty list means the destroy left nothing behind.
func Leftovers(ctx context.Context, cfg aws.Config, prefix string) ([]string, error) {
	var found []string
	add := func(kind, name string) {
		if strings.HasPrefix(name, prefix) {
			found = append(found, kind+" "+name)
		}
	}
	lc := lambda.NewFromConfig(cfg)
	for p := lambda.NewListFunctionsPaginator(lc, &lambda.ListFunctionsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list functions: %w", err)
		}
		for _, f := range page.Functions {
			add("function", aws.ToString(f.FunctionName))
		}
	}
	for p := lambda.NewListEventSourceMappingsPaginator(lc, &lambda.ListEventSourceMappingsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list event source mappings: %w", err)
		}
		for _, m := range page.EventSourceMappings {
			fn := aws.ToString(m.FunctionArn)
			add("event source mapping of", fn[strings.LastIndex(fn, ":function:")+len(":function:"):])
		}
	}
	for p := sqs.NewListQueuesPaginator(sqs.NewFromConfig(cfg), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(prefix)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list queues: %w", err)
		}
		for _, u := range page.QueueUrls {
			add("queue", u[strings.LastIndex(u, "/")+1:])
		}
	}
	for p := dynamodb.NewListTablesPaginator(dynamodb.NewFromConfig(cfg), &dynamodb.ListTablesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		for _, name := range page.TableNames {
			add("table", name)
		}
	}
	for p := iam.NewListRolesPaginator(iam.NewFromConfig(cfg), &iam.ListRolesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list roles: %w", err)
		}
		for _, r := range page.Roles {
			add("role", aws.ToString(r.RoleName))
		}
	}
	eb := eventbridge.NewFromConfig(cfg)
	buses, err := eb.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String(prefix)})
	if err != nil {
		return nil, fmt.Errorf("list event buses: %w", err)
	}
	for _, b := range buses.EventBuses {
		add("event bus", aws.ToString(b.Name))
	}
	rules, err := eb.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String(prefix)})
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	for _, r := range rules.Rules {
		add("rule", aws.ToString(r.Name))
	}
	logPrefix := "/aws/lambda/" + prefix
	for p := cloudwatchlogs.NewDescribeLogGroupsPaginator(cloudwatchlogs.NewFromConfig(cfg),
		&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(logPrefix)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			if name := aws.ToString(g.LogGroupName); strings.HasPrefix(name, logPrefix) {
				found = append(found, "log group "+name)
			}
		}
	}
	sort.Strings(found)
	return found, nil
}
