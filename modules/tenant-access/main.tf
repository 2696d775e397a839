data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Built from the name, so that the role's policy can be reviewed in the plan.
  data_table_arn = "arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:table/${coalesce(var.data_table_name, "none")}"

  # A role tag TenantId would become aws:PrincipalTag/TenantId of every session
  # that lacks the session tag; the tenant must come from the session tag alone.
  role_tags = { for k, v in var.tags : k => v if lower(k) != "tenantid" }

  has_permissions = length(var.policy_statements) > 0 || var.create_data_table
}

################################################################################
# Trust: only the backend's execution role, and only with its tenant as a session tag
#
# IAM conditions have no regular expressions, so the trust policy cannot check
# the module's tenant pattern. It requires exactly one session tag, TenantId,
# that is non-empty (StringLike "?*") or, with known_tenants, one of them
# exactly. The pattern itself is enforced before the tenant reaches the backend:
# the router validates it, Lambda passes it as the invocation's tenant, and
# isolation.TenantAccess tags the session with that tenant and no other.
################################################################################

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "BackendAssumesWithItsTenantAsSessionTag"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [var.trusted_role_arn]
    }

    condition {
      test     = length(var.known_tenants) > 0 ? "StringEquals" : "StringLike"
      variable = "aws:RequestTag/TenantId"
      values   = length(var.known_tenants) > 0 ? var.known_tenants : ["?*"]
    }

    # No other session tag: a second tag could be read by a policy as if it
    # named the tenant.
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = ["TenantId"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  max_session_duration = var.max_session_duration
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = local.role_tags

  lifecycle {
    precondition {
      condition     = local.has_permissions
      error_message = "Give the tenant-access role something to do: policy_statements, or create_data_table = true."
    }
  }
}

################################################################################
# Permissions: the caller's statements, and each tenant's own items in the data table
################################################################################

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.policy_statements

    content {
      sid       = statement.key
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # dynamodb:LeadingKeys holds the partition keys a request touches: every one
  # must be the session's tenant. Scan is left out on purpose: it reads the
  # whole table whatever the keys, and carries no LeadingKeys, which
  # ForAllValues would treat as a match. The Null condition refuses any request
  # without LeadingKeys, should such an action ever be added here.
  dynamic "statement" {
    for_each = var.create_data_table ? [local.data_table_arn] : []

    content {
      sid = "OwnTenantItemsOnly"
      actions = [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ]
      resources = [statement.value]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:LeadingKeys"
        values   = ["$${aws:PrincipalTag/TenantId}"]
      }

      condition {
        test     = "Null"
        variable = "dynamodb:LeadingKeys"
        values   = ["false"]
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "tenant-scoped-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Tenant data table: partition key tenant_id, so that LeadingKeys is the tenant
################################################################################

resource "aws_dynamodb_table" "this" {
  count = var.create_data_table ? 1 : 0

  # "" only reaches the precondition below, which refuses it.
  name         = var.data_table_name == null ? "" : var.data_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenant_id"
  range_key    = "sk"

  attribute {
    name = "tenant_id"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.data_table_point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.data_table_kms_key_arn
  }

  deletion_protection_enabled = var.data_table_deletion_protection

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.data_table_name != null
      error_message = "Set data_table_name with create_data_table = true."
    }
  }
}
