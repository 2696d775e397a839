################################################################################
# Backend
################################################################################

output "backend_function_arn" {
  description = "ARN of the tenant-isolated (PER_TENANT) backend function."
  value       = module.backend.function_arn
}

output "backend_function_name" {
  description = "Name of the tenant-isolated backend function."
  value       = module.backend.function_name
}

output "backend_function_invoke_arn" {
  description = "ARN with which API Gateway REST APIs invoke the backend (the integration must pass the tenant in X-Amz-Tenant-Id)."
  value       = module.backend.function_invoke_arn
}

output "backend_role_arn" {
  description = "ARN of the backend's execution role, which every tenant shares."
  value       = module.backend.role_arn
}

output "backend_log_group_name" {
  description = "Name of the backend's log group (JSON logs carrying tenantId)."
  value       = module.backend.log_group_name
}

output "backend_log_group_arn" {
  description = "ARN of the backend's log group, for subscription filters and IAM policies."
  value       = module.backend.log_group_arn
}

output "on_failure_queue_url" {
  description = "URL of the queue the module created for backend invocations that failed after Lambda's async retries, or null with backend_on_failure_destination_arn."
  value       = module.backend.on_failure_queue_url
}

output "on_failure_queue_arn" {
  description = "ARN of the backend's on-failure destination queue: the one the module created, or backend_on_failure_destination_arn."
  value       = module.backend.on_failure_queue_arn
}

################################################################################
# Tenant access
################################################################################

output "tenant_access_role_arn" {
  description = "ARN of the tenant-access role that the backend assumes with session tag TenantId (also in the backend's TENANT_ACCESS_ROLE_ARN), or null without create_tenant_access_role."
  value       = try(module.tenant_access[0].role_arn, null)
}

output "tenant_data_table_name" {
  description = "Name of the tenant data table (also in the backend's TENANT_DATA_TABLE), or null without create_tenant_data_table."
  value       = try(module.tenant_access[0].data_table_name, null)
}

output "tenant_data_table_arn" {
  description = "ARN of the tenant data table, or null without create_tenant_data_table."
  value       = try(module.tenant_access[0].data_table_arn, null)
}

################################################################################
# Router
################################################################################

output "router_function_arn" {
  description = "ARN of the router function."
  value       = module.router.function_arn
}

output "router_function_name" {
  description = "Name of the router function."
  value       = module.router.function_name
}

output "router_role_arn" {
  description = "ARN of the router's execution role."
  value       = module.router.role_arn
}

output "router_log_group_name" {
  description = "Name of the router's log group."
  value       = module.router.log_group_name
}

output "router_log_group_arn" {
  description = "ARN of the router's log group, for subscription filters and IAM policies."
  value       = module.router.log_group_arn
}

output "router_environment_variables" {
  description = "Environment variables that carry the router's configuration (ROUTER_*)."
  value       = module.router.environment_variables
}

output "quarantine_queue_url" {
  description = "URL of the quarantine queue, shared by all sources, that receives rejected messages with their reason."
  value       = module.router.quarantine_queue_url
}

output "quarantine_queue_arn" {
  description = "ARN of the quarantine queue."
  value       = module.router.quarantine_queue_arn
}

################################################################################
# SQS sources
################################################################################

output "sqs_source_queue_urls" {
  description = "URLs of the SQS source queues, keyed like var.sqs_sources."
  value       = { for k, m in module.sqs_source : k => m.queue_url }
}

output "sqs_source_queue_arns" {
  description = "ARNs of the SQS source queues, keyed like var.sqs_sources."
  value       = { for k, m in module.sqs_source : k => m.queue_arn }
}

output "sqs_source_dlq_urls" {
  description = "URLs of the SQS sources' dead-letter queues, keyed like var.sqs_sources."
  value       = { for k, m in module.sqs_source : k => m.dlq_url }
}

output "sqs_source_dlq_arns" {
  description = "ARNs of the SQS sources' dead-letter queues, keyed like var.sqs_sources."
  value       = { for k, m in module.sqs_source : k => m.dlq_arn }
}

output "sqs_source_event_source_mapping_uuids" {
  description = "UUIDs of the event source mappings from the SQS source queues to the router, keyed like var.sqs_sources."
  value       = { for k, m in module.sqs_source : k => m.event_source_mapping_uuid }
}

################################################################################
# EventBridge sources
################################################################################

output "eventbridge_bus_names" {
  description = "Names of the event buses, keyed like var.eventbridge_sources."
  value       = { for k, m in module.eventbridge_source : k => m.bus_name }
}

output "eventbridge_bus_arns" {
  description = "ARNs of the event buses, keyed like var.eventbridge_sources."
  value       = { for k, m in module.eventbridge_source : k => m.bus_arn }
}

output "eventbridge_rule_arns" {
  description = "ARNs of the rules, as a map per source (keyed like var.eventbridge_sources) of maps keyed like its rules."
  value       = { for k, m in module.eventbridge_source : k => m.rule_arns }
}

output "eventbridge_buffer_queue_urls" {
  description = "URLs of the buffer queues, keyed like var.eventbridge_sources; null for a source that targets the router directly."
  value       = { for k, m in module.eventbridge_source : k => m.buffer_queue_url }
}

output "eventbridge_buffer_queue_arns" {
  description = "ARNs of the buffer queues, keyed like var.eventbridge_sources; null for a source that targets the router directly."
  value       = { for k, m in module.eventbridge_source : k => m.buffer_queue_arn }
}

output "eventbridge_dlq_urls" {
  description = "URLs of the EventBridge sources' dead-letter queues, keyed like var.eventbridge_sources."
  value       = { for k, m in module.eventbridge_source : k => m.dlq_url }
}

output "eventbridge_dlq_arns" {
  description = "ARNs of the EventBridge sources' dead-letter queues, keyed like var.eventbridge_sources."
  value       = { for k, m in module.eventbridge_source : k => m.dlq_arn }
}

output "eventbridge_event_source_mapping_uuids" {
  description = "UUIDs of the event source mappings from the buffer queues to the router, keyed like var.eventbridge_sources; null for a source that targets the router directly."
  value       = { for k, m in module.eventbridge_source : k => m.event_source_mapping_uuid }
}

################################################################################
# Tenant registry
################################################################################

output "tenant_registry_table_name" {
  description = "Name of the tenant registry table, or null without a registry."
  value       = try(module.tenant_registry[0].table_name, null)
}

output "tenant_registry_table_arn" {
  description = "ARN of the tenant registry table, or null without a registry."
  value       = try(module.tenant_registry[0].table_arn, null)
}

output "held_queue_url" {
  description = "URL of the held queue of suspended tenants' messages, or null without a registry."
  value       = try(module.tenant_registry[0].held_queue_url, null)
}

output "held_queue_arn" {
  description = "ARN of the held queue, or null without a registry."
  value       = try(module.tenant_registry[0].held_queue_arn, null)
}

output "tenantctl" {
  description = "What cmd/tenantctl reads (terraform output -json tenantctl), or null without a registry: the table, the held queue, the cache TTL, and each source's kind, queue URL and bus, to replay held messages into."
  value = local.tenant_registry_enabled ? {
    table_name        = module.tenant_registry[0].table_name
    held_queue_url    = module.tenant_registry[0].held_queue_url
    cache_ttl_seconds = var.tenant_registry_cache_ttl_seconds
    sources = merge(
      { for k, m in module.sqs_source : k => { kind = "sqs", queue_url = m.queue_url, bus_name = null } },
      { for k, m in module.eventbridge_source : k => { kind = "eventbridge", queue_url = m.buffer_queue_url, bus_name = m.bus_name } },
    )
  } : null
}
