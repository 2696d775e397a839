data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Built from the name so that callers can put the ARN into IAM policies and
  # configuration that Terraform shows in full at plan time.
  arn_prefix = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
  arn        = "${local.arn_prefix}:${var.name}"
}

resource "aws_sqs_queue" "this" {
  name                        = var.name
  fifo_queue                  = var.fifo_queue ? true : null
  content_based_deduplication = var.fifo_queue ? var.content_based_deduplication : null
  visibility_timeout_seconds  = var.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds

  sqs_managed_sse_enabled           = var.kms_master_key_id == null ? true : null
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_master_key_id == null ? null : var.kms_data_key_reuse_period_seconds

  redrive_policy = var.dead_letter_target_arn == null ? null : jsonencode({
    deadLetterTargetArn = var.dead_letter_target_arn
    maxReceiveCount     = var.max_receive_count
  })

  # A queue is a dead-letter queue only for the queues named here; by default
  # for none, so that no other queue can redrive into it.
  redrive_allow_policy = length(var.redrive_allow_source_queue_names) == 0 ? jsonencode({ redrivePermission = "denyAll" }) : jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [for n in var.redrive_allow_source_queue_names : "${local.arn_prefix}:${n}"]
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.fifo_queue == endswith(var.name, ".fifo")
      error_message = "A FIFO queue's name must end in .fifo and a standard queue's name must not: fix name or fifo_queue."
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [local.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = length(var.allow_eventbridge_rule_arns) > 0 ? [var.allow_eventbridge_rule_arns] : []

    content {
      sid       = "AllowEventBridgeRulesToSend"
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [local.arn]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = statement.value
      }
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.this.json
}
