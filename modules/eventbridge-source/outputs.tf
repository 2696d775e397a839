################################################################################
# Event bus and rules
################################################################################

output "bus_name" {
  description = "Name of the event bus the rules are on."
  value       = local.bus_name
}

output "bus_arn" {
  description = "ARN of the event bus the rules are on."
  value       = local.bus_arn

  depends_on = [aws_cloudwatch_event_bus.this]
}

output "rule_arns" {
  description = "ARNs of the rules, keyed like var.rules."
  value       = { for k, r in aws_cloudwatch_event_rule.this : k => r.arn }
}

output "rule_names" {
  description = "Names of the rules, keyed like var.rules."
  value       = { for k, r in aws_cloudwatch_event_rule.this : k => r.name }
}

output "target" {
  description = "Where the rules deliver: \"queue\" or \"router\"."
  value       = var.target
}

################################################################################
# Queues
################################################################################

output "buffer_queue_url" {
  description = "URL of the buffer queue, or null when the rules target the router directly."
  value       = try(module.buffer_queue[0].url, null)
}

output "buffer_queue_arn" {
  description = "ARN of the buffer queue (known at plan time), or null when the rules target the router directly."
  value       = try(module.buffer_queue[0].arn, null)
}

output "buffer_visibility_timeout_seconds" {
  description = "Visibility timeout of the buffer queue in seconds, or null when the rules target the router directly."
  value       = try(module.buffer_queue[0].visibility_timeout_seconds, null)
}

output "dlq_url" {
  description = "URL of the dead-letter queue for undeliverable events and, with a buffer queue, events the router keeps failing."
  value       = module.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue (known at plan time)."
  value       = module.dlq.arn
}

################################################################################
# Event source mapping
################################################################################

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping from the buffer queue to the router, or null when the rules target the router directly."
  value       = try(aws_lambda_event_source_mapping.this[0].uuid, null)
}
