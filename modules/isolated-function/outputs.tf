################################################################################
# Function
################################################################################

output "function_arn" {
  description = "Unqualified ARN of the tenant-isolated function, known at plan time and available once the function exists."
  value       = local.function_arn

  depends_on = [aws_lambda_function.this]
}

output "function_name" {
  description = "Name of the tenant-isolated function."
  value       = aws_lambda_function.this.function_name
}

output "function_invoke_arn" {
  description = "ARN that API Gateway REST APIs use to invoke the function."
  value       = aws_lambda_function.this.invoke_arn
}

output "tenant_isolation_mode" {
  description = "Tenant isolation mode of the function (always PER_TENANT)."
  value       = one(aws_lambda_function.this.tenancy_config[*].tenant_isolation_mode)
}

output "package_type" {
  description = "Kind of deployment package: Zip or Image."
  value       = aws_lambda_function.this.package_type
}

output "runtime" {
  description = "Lambda runtime of a Zip package (such as provided.al2023 or python3.12); null for an Image package."
  value       = aws_lambda_function.this.runtime
}

output "handler" {
  description = "Entry point of a Zip package (bootstrap, file.function, ...); null for an Image package."
  value       = aws_lambda_function.this.handler
}

output "layers" {
  description = "Layer version ARNs of the function, in order; empty for none."
  value       = coalesce(aws_lambda_function.this.layers, [])
}

################################################################################
# Execution role
################################################################################

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.arn
}

################################################################################
# Asynchronous invocation
################################################################################

output "on_failure_queue_url" {
  description = "URL of the on-failure queue the module created, or null when it created none."
  value       = try(module.on_failure_queue[0].url, null)
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination of asynchronous invocations (created or given), or null when there is none."
  value       = local.on_failure_destination_arn
}
