################################################################################
# Source queue
################################################################################

output "queue_url" {
  description = "URL of the source queue that producers send to."
  value       = module.queue.url
}

output "queue_arn" {
  description = "ARN of the source queue, known at plan time."
  value       = module.queue.arn
}

output "queue_name" {
  description = "Name of the source queue."
  value       = module.queue.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the source queue in seconds."
  value       = module.queue.visibility_timeout_seconds
}

################################################################################
# Dead-letter queue
################################################################################

output "dlq_url" {
  description = "URL of the dead-letter queue that receives messages after dlq_max_receive_count failed receives."
  value       = module.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = module.dlq.name
}

################################################################################
# Event source mapping
################################################################################

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping from the source queue to the router."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "event_source_mapping_arn" {
  description = "ARN of the event source mapping from the source queue to the router."
  value       = aws_lambda_event_source_mapping.this.arn
}
