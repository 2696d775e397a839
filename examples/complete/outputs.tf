################################################################################
# Where to send
################################################################################

output "source_queue_url" {
  description = "URL of the SQS source queue; put the tenant in the tenantId message attribute and/or at /tenantId in the body."
  value       = module.tenant_isolation.sqs_source_queue_urls["orders"]
}

output "source_queue_arn" {
  description = "ARN of the SQS source queue."
  value       = module.tenant_isolation.sqs_source_queue_arns["orders"]
}

output "event_bus_name" {
  description = "Name of the event bus; put events with source event_source and the tenant at detail.tenantId."
  value       = module.tenant_isolation.eventbridge_bus_names["events"]
}

output "event_bus_arn" {
  description = "ARN of the event bus."
  value       = module.tenant_isolation.eventbridge_bus_arns["events"]
}

output "event_source" {
  description = "Value of the source field that the rule matches."
  value       = var.event_source
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules, keyed by rule."
  value       = module.tenant_isolation.eventbridge_rule_arns["events"]
}

################################################################################
# Where records end up
################################################################################

output "evidence_queue_url" {
  description = "URL of the evidence queue, which receives one record per backend invocation."
  value       = aws_sqs_queue.evidence.url
}

output "evidence_queue_arn" {
  description = "ARN of the evidence queue."
  value       = aws_sqs_queue.evidence.arn
}

output "quarantine_queue_url" {
  description = "URL of the quarantine queue, which receives rejected messages with quarantine_reason and quarantine_source attributes."
  value       = module.tenant_isolation.quarantine_queue_url
}

output "dlq_url" {
  description = "URL of the SQS source's dead-letter queue."
  value       = module.tenant_isolation.sqs_source_dlq_urls["orders"]
}

output "buffer_queue_url" {
  description = "URL of the EventBridge source's buffer queue."
  value       = module.tenant_isolation.eventbridge_buffer_queue_urls["events"]
}

output "eventbridge_dlq_url" {
  description = "URL of the EventBridge source's dead-letter queue."
  value       = module.tenant_isolation.eventbridge_dlq_urls["events"]
}

output "on_failure_queue_url" {
  description = "URL of the backend's on-failure queue for asynchronous invocations that failed after retries."
  value       = module.tenant_isolation.on_failure_queue_url
}

################################################################################
# Functions and roles
################################################################################

output "router_function_name" {
  description = "Name of the router function."
  value       = module.tenant_isolation.router_function_name
}

output "router_function_arn" {
  description = "ARN of the router function."
  value       = module.tenant_isolation.router_function_arn
}

output "backend_function_name" {
  description = "Name of the tenant-isolated backend function."
  value       = module.tenant_isolation.backend_function_name
}

output "backend_function_arn" {
  description = "ARN of the tenant-isolated backend function."
  value       = module.tenant_isolation.backend_function_arn
}

output "router_role_arn" {
  description = "ARN of the router's execution role."
  value       = module.tenant_isolation.router_role_arn
}

output "backend_role_arn" {
  description = "ARN of the backend's execution role."
  value       = module.tenant_isolation.backend_role_arn
}

output "router_log_group_name" {
  description = "Name of the router's log group."
  value       = module.tenant_isolation.router_log_group_name
}

output "backend_log_group_name" {
  description = "Name of the backend's log group."
  value       = module.tenant_isolation.backend_log_group_name
}

output "tenantctl" {
  description = "What cmd/tenantctl reads to find the registry, the held queue and the sources (tenantctl -chdir examples/complete), or null without a registry."
  value       = module.tenant_isolation.tenantctl
}

################################################################################
# Tenant data
################################################################################

output "tenant_data_table_name" {
  description = "Name of the tenant data table, in which each tenant's credentials reach only its own items, or null without create_tenant_data_table."
  value       = module.tenant_isolation.tenant_data_table_name
}

output "tenant_access_role_arn" {
  description = "ARN of the role the worker assumes with its tenant as session tag, or null without create_tenant_data_table."
  value       = module.tenant_isolation.tenant_access_role_arn
}
