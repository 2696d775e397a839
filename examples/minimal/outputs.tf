output "source_queue_url" {
  description = "URL of the SQS source queue; put the tenant in the tenantId message attribute."
  value       = module.tenant_isolation.sqs_source_queue_urls["orders"]
}

output "evidence_queue_url" {
  description = "URL of the evidence queue, which receives one record per backend invocation."
  value       = aws_sqs_queue.evidence.url
}

output "quarantine_queue_url" {
  description = "URL of the quarantine queue, which receives rejected messages with their reason."
  value       = module.tenant_isolation.quarantine_queue_url
}

output "dlq_url" {
  description = "URL of the SQS source's dead-letter queue."
  value       = module.tenant_isolation.sqs_source_dlq_urls["orders"]
}

output "on_failure_queue_url" {
  description = "URL of the backend's on-failure queue for asynchronous invocations that failed after retries."
  value       = module.tenant_isolation.on_failure_queue_url
}

output "router_function_name" {
  description = "Name of the router function."
  value       = module.tenant_isolation.router_function_name
}

output "backend_function_name" {
  description = "Name of the tenant-isolated backend function."
  value       = module.tenant_isolation.backend_function_name
}
