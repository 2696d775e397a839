################################################################################
# Queue
################################################################################

variable "name" {
  description = "Name of the queue: 1-80 letters, digits, hyphens or underscores, ending in .fifo exactly when fifo_queue is true."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,75}(\\.fifo)?$", var.name)) && length(var.name) <= 80
    error_message = "Use 1-80 letters, digits, hyphens or underscores for name, with an optional .fifo suffix."
  }
}

variable "fifo_queue" {
  description = "Whether the queue is FIFO (true) or standard (false)."
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
  description = "Visibility timeout of the queue in seconds, 0-43200."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "Set visibility_timeout_seconds to a whole number from 0 to 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message, in seconds, 60-1209600 (14 days)."
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

variable "dead_letter_target_arn" {
  description = "ARN of the dead-letter queue that receives messages after max_receive_count receives, or null for no redrive."
  type        = string
  default     = null
}

variable "max_receive_count" {
  description = "Number of receives after which a message moves to the dead-letter queue, 1-1000; used only with dead_letter_target_arn."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "Set max_receive_count to a whole number from 1 to 1000."
  }
}

################################################################################
# Encryption
################################################################################

variable "kms_master_key_id" {
  description = "ARN of a customer managed KMS key for server-side encryption, or null for SQS-managed encryption (SSE-SQS); encryption is always on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_master_key_id))
    error_message = "Set kms_master_key_id to a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null for SQS-managed encryption."
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
# Queue policy
################################################################################

variable "redrive_allow_source_queue_names" {
  description = "Names of the queues (same account and region, as SQS requires) that may use this queue as their dead-letter queue, at most 10; empty (default) lets no queue use it."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.redrive_allow_source_queue_names) <= 10
    error_message = "Name at most 10 queues in redrive_allow_source_queue_names: SQS allows no more."
  }
}

variable "allow_eventbridge_rule_arns" {
  description = "ARNs of EventBridge rules that may send to the queue (as a target or target dead-letter queue); empty allows no service."
  type        = list(string)
  default     = []
  nullable    = false
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for the queue."
  type        = map(string)
  default     = {}
  nullable    = false
}
