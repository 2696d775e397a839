output "source_queue_url" {
  description = "URL of the FIFO source queue; send with MessageGroupId set to the tenant ID."
  value       = module.tenant_isolation.sqs_source_queue_urls["orders"]
}

output "event_source" {
  description = "Value of the source field that the rule on the default bus matches; put the tenant at detail.tenantId."
  value       = var.event_source
}

output "eventbridge_dlq_url" {
  description = "URL of the EventBridge source's dead-letter queue: EventBridge delivery failures and the router's failed asynchronous invocations."
  value       = module.tenant_isolation.eventbridge_dlq_urls["events"]
}

output "dlq_url" {
  description = "URL of the FIFO source's dead-letter queue."
  value       = module.tenant_isolation.sqs_source_dlq_urls["orders"]
}

output "quarantine_queue_url" {
  description = "URL of the quarantine queue, which receives rejected messages with their reason."
  value       = module.tenant_isolation.quarantine_queue_url
}

output "evidence_queue_url" {
  description = "URL of the evidence queue, which receives one record per backend invocation."
  value       = aws_sqs_queue.evidence.url
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the queues and the log groups."
  value       = aws_kms_key.this.arn
}

output "package_bucket" {
  description = "Name of the S3 bucket that holds the functions' zips."
  value       = aws_s3_bucket.packages.id
}

output "router_function_name" {
  description = "Name of the router function."
  value       = module.tenant_isolation.router_function_name
}

output "backend_function_name" {
  description = "Name of the tenant-isolated backend function."
  value       = module.tenant_isolation.backend_function_name
}
