################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of the names of the rules and queues the module creates: 1-60 letters, digits, hyphens or underscores."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,60}$", var.name))
    error_message = "Use 1-60 letters, digits, hyphens or underscores for name."
  }
}

variable "buffer_queue_name" {
  description = "Name of the buffer queue (target \"queue\"): 1-80 letters, digits, hyphens or underscores, or null for \"<name>-buffer\"."
  type        = string
  default     = null

  validation {
    condition     = var.buffer_queue_name == null || can(regex("^[a-zA-Z0-9_-]{1,80}$", var.buffer_queue_name))
    error_message = "Use 1-80 letters, digits, hyphens or underscores for buffer_queue_name, or null for the default name."
  }
}

variable "dlq_name" {
  description = "Name of the dead-letter queue: 1-80 letters, digits, hyphens or underscores, or null for \"<name>-dlq\"."
  type        = string
  default     = null

  validation {
    condition     = var.dlq_name == null || can(regex("^[a-zA-Z0-9_-]{1,80}$", var.dlq_name))
    error_message = "Use 1-80 letters, digits, hyphens or underscores for dlq_name, or null for the default name."
  }
}

################################################################################
# Event bus
################################################################################

variable "create_bus" {
  description = "Whether to create the event bus named bus_name (true) or use an existing one, such as \"default\" (false)."
  type        = bool
  default     = true
  nullable    = false
}

variable "bus_name" {
  description = "Name of the event bus to create or use: 1-256 letters, digits and ._-, and not \"default\" when create_bus is true."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,256}$", var.bus_name))
    error_message = "Use 1-256 letters, digits, dots, hyphens or underscores for bus_name."
  }
}

################################################################################
# Rules
################################################################################

variable "rules" {
  description = "Rules on the bus, keyed by a short name (the rule is named \"<name>-<key>\", at most 64 characters), each with an event_pattern (JSON), an optional description and a state of ENABLED (default) or DISABLED."
  type = map(object({
    event_pattern = string
    description   = optional(string)
    state         = optional(string, "ENABLED")
  }))
  nullable = false

  validation {
    condition     = length(var.rules) > 0
    error_message = "Give at least one rule in rules, for example { tenant_events = { event_pattern = jsonencode({ source = [\"my.app\"] }) } }."
  }

  validation {
    condition     = alltrue([for k in keys(var.rules) : can(regex("^[a-zA-Z0-9_-]{1,40}$", k))])
    error_message = "Key each rule with 1-40 letters, digits, hyphens or underscores."
  }

  validation {
    condition     = alltrue([for r in values(var.rules) : can(keys(jsondecode(r.event_pattern)))])
    error_message = "Set each rule's event_pattern to a JSON object, for example jsonencode({ source = [\"my.app\"] })."
  }

  validation {
    condition     = alltrue([for r in values(var.rules) : contains(["ENABLED", "DISABLED"], r.state)])
    error_message = "Set each rule's state to ENABLED or DISABLED."
  }
}

################################################################################
# Target
################################################################################

variable "target" {
  description = "Where the rules deliver: \"queue\" (default; a buffer queue with its own dead-letter queue and an event source mapping to the router) or \"router\" (EventBridge invokes the router asynchronously)."
  type        = string
  default     = "queue"
  nullable    = false

  validation {
    condition     = contains(["queue", "router"], var.target)
    error_message = "Set target to \"queue\" or \"router\"."
  }
}

variable "router_function_arn" {
  description = "ARN of the router function the rules (target \"router\") or the buffer queue's mapping (target \"queue\") deliver to."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}$", var.router_function_arn))
    error_message = "Set router_function_arn to an unqualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)."
  }
}

variable "retry_maximum_attempts" {
  description = "How many times EventBridge retries a delivery to the target before it sends the event to the dead-letter queue, 0-185."
  type        = number
  default     = 185
  nullable    = false

  validation {
    condition     = var.retry_maximum_attempts >= 0 && var.retry_maximum_attempts <= 185 && floor(var.retry_maximum_attempts) == var.retry_maximum_attempts
    error_message = "Set retry_maximum_attempts to a whole number from 0 to 185."
  }
}

variable "retry_maximum_event_age_in_seconds" {
  description = "How long EventBridge keeps retrying a delivery, in seconds, 60-86400."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.retry_maximum_event_age_in_seconds >= 60 && var.retry_maximum_event_age_in_seconds <= 86400 && floor(var.retry_maximum_event_age_in_seconds) == var.retry_maximum_event_age_in_seconds
    error_message = "Set retry_maximum_event_age_in_seconds to a whole number from 60 to 86400."
  }
}

################################################################################
# Buffer queue and its event source mapping (target = "queue")
################################################################################

variable "router_role_policy_id" {
  description = "ID of the router role's policy that lets it read the buffer queue; the mapping waits for it. Null adds no wait."
  type        = string
  default     = null
}

variable "buffer_visibility_timeout_seconds" {
  description = "Visibility timeout of the buffer queue in seconds, 0-43200; AWS requires at least the router's timeout and advises six times it plus the batching window."
  type        = number
  default     = 360
  nullable    = false

  validation {
    condition     = var.buffer_visibility_timeout_seconds >= 0 && var.buffer_visibility_timeout_seconds <= 43200 && floor(var.buffer_visibility_timeout_seconds) == var.buffer_visibility_timeout_seconds
    error_message = "Set buffer_visibility_timeout_seconds to a whole number from 0 to 43200, at least the router's timeout."
  }
}

variable "buffer_message_retention_seconds" {
  description = "How long the buffer queue keeps an event, in seconds, 60-1209600."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.buffer_message_retention_seconds >= 60 && var.buffer_message_retention_seconds <= 1209600 && floor(var.buffer_message_retention_seconds) == var.buffer_message_retention_seconds
    error_message = "Set buffer_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

variable "batch_size" {
  description = "Largest number of events per router invocation from the buffer queue, 1-10000 (above 10 needs a batching window of at least 1 second)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "Set batch_size to a whole number from 1 to 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the mapping gathers events before it invokes the router, in seconds, 0-300."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300 && floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds
    error_message = "Set maximum_batching_window_in_seconds to a whole number from 0 to 300."
  }
}

variable "enabled" {
  description = "Whether the buffer queue's event source mapping polls the queue (true) or is paused (false); events then wait in the buffer queue."
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

variable "maximum_concurrency" {
  description = "Most concurrent router invocations the buffer queue's mapping may start, 2-1000, or null for no limit besides the router's own concurrency."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_concurrency == null || try(var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000 && floor(var.maximum_concurrency) == var.maximum_concurrency, false)
    error_message = "Set maximum_concurrency to a whole number from 2 to 1000, or to null."
  }
}

################################################################################
# Dead-letter queue
################################################################################

variable "dlq_max_receive_count" {
  description = "Number of receives after which an event that keeps failing moves from the buffer queue to the dead-letter queue, 1-1000."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.dlq_max_receive_count >= 1 && var.dlq_max_receive_count <= 1000 && floor(var.dlq_max_receive_count) == var.dlq_max_receive_count
    error_message = "Set dlq_max_receive_count to a whole number from 1 to 1000."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps an event, in seconds, 60-1209600."
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
  description = "ARN of a customer managed KMS key that encrypts the queues, or null for SQS-managed encryption (SSE-SQS); with a key, its policy must let events.amazonaws.com use it."
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
# Tags
################################################################################

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}
