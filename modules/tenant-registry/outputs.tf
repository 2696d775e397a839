output "table_name" {
  description = "Name of the registry table."
  value       = local.table_name

  depends_on = [aws_dynamodb_table.this]
}

output "table_arn" {
  description = "ARN of the registry table, known at plan time."
  value       = local.table_arn

  depends_on = [aws_dynamodb_table.this]
}

output "held_queue_url" {
  description = "URL of the held queue."
  value       = module.held_queue.url
}

output "held_queue_arn" {
  description = "ARN of the held queue."
  value       = module.held_queue.arn
}

output "held_queue_name" {
  description = "Name of the held queue."
  value       = module.held_queue.name
}
