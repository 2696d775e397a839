################################################################################
# Function
################################################################################

output "function_arn" {
  description = "ARN of the router function, known at plan time and available once the function and its role policy exist."
  value       = local.function_arn

  depends_on = [aws_lambda_function.this]
}

output "function_name" {
  description = "Name of the router function."
  value       = aws_lambda_function.this.function_name
}

output "environment_variables" {
  description = "Environment variables that carry the router's configuration (ROUTER_*), as docs/contracts.md defines them."
  value       = local.environment_variables
}

################################################################################
# Execution role
################################################################################

output "role_arn" {
  description = "ARN of the router's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the router's execution role."
  value       = aws_iam_role.this.name
}

output "role_policy_id" {
  description = "ID of the router role's inline policy; event source mappings depend on it so that they are created only once the role may read their queues."
  value       = aws_iam_role_policy.this.id
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the router's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the router's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.arn
}

################################################################################
# Quarantine queue
################################################################################

output "quarantine_queue_url" {
  description = "URL of the quarantine queue that receives rejected messages with their reason."
  value       = module.quarantine_queue.url
}

output "quarantine_queue_arn" {
  description = "ARN of the quarantine queue."
  value       = module.quarantine_queue.arn
}

output "quarantine_queue_name" {
  description = "Name of the quarantine queue."
  value       = module.quarantine_queue.name
}
