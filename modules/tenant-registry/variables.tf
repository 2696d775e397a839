################################################################################
# Registry table
################################################################################

variable "create_table" {
  description = "Whether to create the registry table table_name (true, default) or use the existing table_arn (false)."
  type        = bool
  default     = true
  nullable    = false
}

variable "table_name" {
  description = "Name of the registry table to create: 3-255 letters, digits, underscores, hyphens or dots; ignored with create_table = false."
  type        = string
  default     = null

  validation {
    condition     = var.table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "Use 3-255 letters, digits, underscores, hyphens or dots for table_name."
  }
}

variable "table_arn" {
  description = "ARN of an existing registry table (partition key tenant_id, a string) in this account and region, used with create_table = false; null otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.table_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}$", var.table_arn))
    error_message = "Set table_arn to a DynamoDB table ARN, arn:aws:dynamodb:<region>:<account>:table/<name> (not a stream or index ARN), or null to create the table."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Whether the created table keeps point-in-time recovery (true, default), so that a bad bulk change to tenants can be undone."
  type        = bool
  default     = true
  nullable    = false
}

variable "deletion_protection_enabled" {
  description = "Whether the created table refuses deletion until this is turned off (default false)."
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key that encrypts the created table, or null (default) for the key DynamoDB owns; the router's role is not given kms:Decrypt on it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "Set kms_key_arn to a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias, or null."
  }
}

################################################################################
# Held queue
################################################################################

variable "held_queue_name" {
  description = "Name of the held queue for messages of suspended tenants: 1-80 letters, digits, hyphens or underscores."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,80}$", var.held_queue_name))
    error_message = "Use 1-80 letters, digits, hyphens or underscores for held_queue_name (a standard queue, no .fifo)."
  }
}

variable "held_message_retention_seconds" {
  description = "How long the held queue keeps a message of a suspended tenant, in seconds, 60-1209600 (default 14 days, as a dead-letter queue); resume a tenant before then."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.held_message_retention_seconds >= 60 && var.held_message_retention_seconds <= 1209600 && floor(var.held_message_retention_seconds) == var.held_message_retention_seconds
    error_message = "Set held_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

variable "held_queue_kms_master_key_id" {
  description = "ARN of the KMS key that encrypts the held queue, or null for SQS-managed encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the table and the queue."
  type        = map(string)
  default     = {}
  nullable    = false
}
