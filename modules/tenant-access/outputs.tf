################################################################################
# Role
################################################################################

output "role_arn" {
  description = "ARN of the tenant-access role, which the backend assumes with session tag TenantId."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the tenant-access role."
  value       = aws_iam_role.this.name
}

################################################################################
# Tenant data table
################################################################################

output "data_table_name" {
  description = "Name of the tenant data table, or null when create_data_table is false."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "data_table_arn" {
  description = "ARN of the tenant data table, or null when create_data_table is false."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}
