locals {
  suffix = var.fifo_queue ? ".fifo" : ""
}

################################################################################
# Queues: the source queue and its dead-letter queue
################################################################################

# Only the source queue may use the dead-letter queue (redrive allow policy).
module "dlq" {
  source = "../queue"

  name                              = "${var.name}-dlq${local.suffix}"
  redrive_allow_source_queue_names  = ["${var.name}${local.suffix}"]
  fifo_queue                        = var.fifo_queue
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  tags                              = var.tags
}

module "queue" {
  source = "../queue"

  name                              = "${var.name}${local.suffix}"
  fifo_queue                        = var.fifo_queue
  content_based_deduplication       = var.content_based_deduplication
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  dead_letter_target_arn            = module.dlq.arn
  max_receive_count                 = var.dlq_max_receive_count
  tags                              = var.tags
}

################################################################################
# Event source mapping: queue -> router, with partial batch responses
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = module.queue.arn
  function_name    = var.router_function_arn
  enabled          = var.enabled
  batch_size       = var.batch_size

  # AWS supports no batching window on FIFO queues.
  maximum_batching_window_in_seconds = var.fifo_queue ? null : var.maximum_batching_window_in_seconds

  # The router reports failed records one by one; the others are deleted.
  function_response_types = ["ReportBatchItemFailures"]

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
      condition     = !var.fifo_queue || var.batch_size <= 10
      error_message = "Set batch_size to at most 10: AWS allows no larger batches from a FIFO queue."
    }

    precondition {
      condition     = !var.fifo_queue || var.maximum_batching_window_in_seconds == 0
      error_message = "Set maximum_batching_window_in_seconds to 0: AWS supports no batching window on FIFO queues."
    }

    precondition {
      condition     = var.fifo_queue || var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
      error_message = "Set maximum_batching_window_in_seconds to at least 1 when batch_size is above 10, as AWS requires."
    }
  }
}
