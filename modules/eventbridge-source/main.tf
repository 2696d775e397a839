data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  buffered          = var.target == "queue"
  buffer_queue_name = coalesce(var.buffer_queue_name, "${var.name}-buffer")

  bus_name = var.create_bus ? aws_cloudwatch_event_bus.this[0].name : var.bus_name
  bus_arn  = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:event-bus/${var.bus_name}"

  rule_names = { for k, _ in var.rules : k => "${var.name}-${k}" }
}

################################################################################
# Event bus
################################################################################

resource "aws_cloudwatch_event_bus" "this" {
  count = var.create_bus ? 1 : 0

  name = var.bus_name
  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.bus_name != "default"
      error_message = "Set create_bus = false to use the default bus: it always exists and cannot be created."
    }
  }
}

################################################################################
# Rules
################################################################################

resource "aws_cloudwatch_event_rule" "this" {
  for_each = var.rules

  name           = local.rule_names[each.key]
  description    = each.value.description
  event_bus_name = local.bus_name
  event_pattern  = each.value.event_pattern
  state          = each.value.state
  tags           = var.tags

  lifecycle {
    precondition {
      condition     = length(local.rule_names[each.key]) <= 64
      error_message = "Rule name \"${local.rule_names[each.key]}\" is longer than 64 characters: shorten name or the rule's key."
    }
  }
}

################################################################################
# Queues: the dead-letter queue always, the buffer queue for target = "queue"
################################################################################

# Events that EventBridge cannot deliver after its retries land here, and, for
# target = "queue", so do buffered events the router keeps failing (only the
# buffer queue may redrive to it). For target = "router" the root module also
# makes it the router's on-failure destination.
module "dlq" {
  source = "../queue"

  name                              = coalesce(var.dlq_name, "${var.name}-dlq")
  redrive_allow_source_queue_names  = local.buffered ? [local.buffer_queue_name] : []
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  allow_eventbridge_rule_arns       = [for r in aws_cloudwatch_event_rule.this : r.arn]
  tags                              = var.tags
}

module "buffer_queue" {
  source = "../queue"
  count  = local.buffered ? 1 : 0

  name                              = local.buffer_queue_name
  visibility_timeout_seconds        = var.buffer_visibility_timeout_seconds
  message_retention_seconds         = var.buffer_message_retention_seconds
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  dead_letter_target_arn            = module.dlq.arn
  max_receive_count                 = var.dlq_max_receive_count
  allow_eventbridge_rule_arns       = [for r in aws_cloudwatch_event_rule.this : r.arn]
  tags                              = var.tags
}

################################################################################
# Targets
################################################################################

resource "aws_lambda_permission" "this" {
  for_each = local.buffered ? {} : var.rules

  statement_id  = "AllowEventBridgeRule-${local.rule_names[each.key]}"
  action        = "lambda:InvokeFunction"
  function_name = var.router_function_arn
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = var.rules

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = local.bus_name
  target_id      = local.buffered ? "buffer-queue" : "router"
  arn            = local.buffered ? module.buffer_queue[0].arn : var.router_function_arn

  retry_policy {
    maximum_retry_attempts       = var.retry_maximum_attempts
    maximum_event_age_in_seconds = var.retry_maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = module.dlq.arn
  }

  depends_on = [aws_lambda_permission.this]
}

################################################################################
# Event source mapping: buffer queue -> router, with partial batch responses
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  count = local.buffered ? 1 : 0

  event_source_arn                   = module.buffer_queue[0].arn
  function_name                      = var.router_function_arn
  enabled                            = var.enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.maximum_concurrency == null ? [] : [var.maximum_concurrency]

    content {
      maximum_concurrency = scaling_config.value
    }
  }

  dynamic "metrics_config" {
    for_each = length(var.metrics) > 0 ? [var.metrics] : []

    content {
      metrics = metrics_config.value
    }
  }

  tags = var.tags

  depends_on = [var.router_role_policy_id]

  lifecycle {
    precondition {
      condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
      error_message = "Set maximum_batching_window_in_seconds to at least 1 when batch_size is above 10, as AWS requires."
    }
  }
}
