# Checks across inputs (see the root module's main.tf for why they hang here).
data "aws_partition" "current" {
  lifecycle {
    precondition {
      condition     = var.create_table ? var.table_name != null && var.table_arn == null : var.table_arn != null
      error_message = var.create_table ? "With create_table = true set table_name and leave table_arn null: the module creates the table or uses yours, not both." : "With create_table = false set table_arn to your registry table's ARN."
    }
  }
}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # The table the router reads: the one created here, or the caller's.
  table_arn  = var.create_table ? "arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:table/${var.table_name}" : var.table_arn
  table_name = var.create_table ? var.table_name : try(regex("table/([^/]+)$", var.table_arn)[0], null)
}

################################################################################
# Registry table: one item per tenant, keyed by tenant_id (docs/contracts.md)
################################################################################

resource "aws_dynamodb_table" "this" {
  count = var.create_table ? 1 : 0

  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenant_id"

  attribute {
    name = "tenant_id"
    type = "S"
  }

  # tenantctl's replay ledger items expire on their own.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  dynamic "server_side_encryption" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      enabled     = true
      kms_key_arn = server_side_encryption.value
    }
  }

  deletion_protection_enabled = var.deletion_protection_enabled

  tags = var.tags
}

################################################################################
# Held queue: messages of suspended tenants, kept like a dead-letter queue
################################################################################

module "held_queue" {
  source = "../queue"

  name                      = var.held_queue_name
  message_retention_seconds = var.held_message_retention_seconds
  kms_master_key_id         = var.held_queue_kms_master_key_id
  tags                      = var.tags
}
