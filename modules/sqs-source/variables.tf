################################################################################
# Source queue
################################################################################

variable "name" {
  description = "Name of the source queue without the .fifo suffix (the module adds it for FIFO queues): 1-70 letters, digits, hyphens or underscores."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,70}$", var.name))
    error_message = "Use 1-70 letters, digits, hyphens or underscores for name, and leave off .fifo: the module adds it when fifo_queue is true."
  }
}

variable "fifo_queue" {
  description = "Whether the source queue (and its dead-letter queue) is FIFO (true) or standard (false); FIFO keeps each message group in order through the router."
  type        = bool
  default     = false
  nullable    = false
}

variable "content_based_deduplication" {
  description = "Whether a FIFO queue deduplicates by a SHA-256 of the body (true) or needs a MessageDeduplicationId on every send (false); ignored for standard queues."
  type        = bool
  default     = false
  nullable    = false
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the source queue in seconds, 0-43200; AWS requires at least the router's timeout and advises six times it plus the batching window."
  type        = number
  default     = 360
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "Set visibility_timeout_seconds to a whole number from 0 to 43200, at least the router's timeout."
  }
}

variable "message_retention_seconds" {
  description = "How long the source queue keeps a message, in seconds, 60-1209600."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "Set message_retention_seconds to a whole number from 60 to 1209600."
  }
}

################################################################################
# Dead-letter queue
################################################################################

variable "dlq_max_receive_count" {
  description = "Number of receives after which a message that keeps failing moves to the dead-letter queue, 1-1000."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.dlq_max_receive_count >= 1 && var.dlq_max_receive_count <= 1000 && floor(var.dlq_max_receive_count) == var.dlq_max_receive_count
    error_message = "Set dlq_max_receive_count to a whole number from 1 to 1000."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message, in seconds, 60-1209600; keep it longer than the source queue's retention."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds
    error_message = "Set dlq_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

################################################################################
# Encryption
################################################################################

variable "kms_master_key_id" {
  description = "ARN of a customer managed KMS key that encrypts both queues, or null for SQS-managed encryption (SSE-SQS); encryption is always on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_master_key_id))
    error_message = "Set kms_master_key_id to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null for SQS-managed encryption."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again, in seconds, 60-86400; used only with kms_master_key_id."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "Set kms_data_key_reuse_period_seconds to a number from 60 to 86400."
  }
}

################################################################################
# Event source mapping to the router
################################################################################

variable "router_function_arn" {
  description = "ARN (or name) of the router function that the event source mapping invokes."
  type        = string
  nullable    = false
}

variable "router_role_policy_id" {
  description = "ID of the router role's policy that lets it read this queue; the mapping waits for it, because a mapping created before the role may read the queue fails. Null adds no wait."
  type        = string
  default     = null
}

variable "batch_size" {
  description = "Largest number of messages per router invocation: 1-10000 for a standard queue (above 10 needs a batching window of at least 1 second), 1-10 for a FIFO queue."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "Set batch_size to a whole number from 1 to 10000 (at most 10 for a FIFO queue)."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the mapping gathers messages before it invokes the router, in seconds, 0-300; FIFO queues support only 0."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300 && floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds
    error_message = "Set maximum_batching_window_in_seconds to a whole number from 0 to 300."
  }
}

variable "maximum_concurrency" {
  description = "Most concurrent router invocations this mapping may start, 2-1000, or null for no limit besides the router's own concurrency."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_concurrency == null || try(var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000 && floor(var.maximum_concurrency) == var.maximum_concurrency, false)
    error_message = "Set maximum_concurrency to a whole number from 2 to 1000, or to null."
  }
}

variable "enabled" {
  description = "Whether the event source mapping polls the queue (true) or is paused (false)."
  type        = bool
  default     = true
  nullable    = false
}

variable "metrics" {
  description = "CloudWatch metrics of the event source mapping to turn on: \"EventCount\" and/or \"ErrorCount\"; empty (default) turns none on."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for m in var.metrics : contains(["EventCount", "ErrorCount"], m)])
    error_message = "List only \"EventCount\" and \"ErrorCount\" in metrics, or none."
  }
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}
