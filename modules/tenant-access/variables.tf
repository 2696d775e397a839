################################################################################
# Role
################################################################################

variable "role_name" {
  description = "Name of the tenant-access role: 1-64 characters of letters, digits and +=,.@_-."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "Use 1-64 characters of letters, digits and +=,.@_- for role_name."
  }
}

variable "role_path" {
  description = "IAM path of the tenant-access role, starting and ending with a slash (default \"/\")."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([\\x21-\\x7e]*/)?$", var.role_path))
    error_message = "Start and end role_path with a slash, for example \"/\" or \"/tenant-isolation/\"."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of a managed policy used as the permissions boundary of the tenant-access role, or null for none."
  type        = string
  default     = null
}

variable "max_session_duration" {
  description = "Longest session, in seconds, that the backend may ask for when it assumes the role, 3600-43200."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "Set max_session_duration to a whole number of seconds from 3600 to 43200."
  }
}

variable "trusted_role_arn" {
  description = "ARN of the only role that may assume the tenant-access role: the tenant-isolated backend's execution role."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/", var.trusted_role_arn))
    error_message = "Set trusted_role_arn to an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "known_tenants" {
  description = "Tenant IDs the role may be assumed for, matched exactly in the trust policy; empty (default) admits any non-empty TenantId, because IAM conditions cannot express the tenant pattern."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for t in var.known_tenants : can(regex("^[a-zA-Z0-9._:/=+@ -]{1,256}$", t))])
    error_message = "Use tenant IDs of 1-256 characters from a-z, A-Z, 0-9 and ._:/=+-@ or space in known_tenants (AWS's rule)."
  }
}

variable "policy_statements" {
  description = "The role's permissions, keyed by statement ID (letters and digits): each Allow statement must name $${aws:PrincipalTag/TenantId} (or &{aws:PrincipalTag/TenantId}, as in aws_iam_policy_document) in a resource or condition value, unless tenant_scoped = false says it is meant for every tenant alike."
  type = map(object({
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
    tenant_scoped = optional(bool, true)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.policy_statements) : can(regex("^[a-zA-Z0-9]{1,100}$", k))])
    error_message = "Key policy_statements by statement IDs of 1-100 letters and digits."
  }

  validation {
    condition     = alltrue([for s in values(var.policy_statements) : contains(["Allow", "Deny"], s.effect) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Give each statement in policy_statements effect \"Allow\" or \"Deny\", at least one action and at least one resource."
  }

  # A tenant-scoped Allow that never names the tag grants every tenant the same
  # data, which is the bug the role exists to prevent.
  validation {
    condition = alltrue([
      for s in values(var.policy_statements) :
      s.effect == "Deny" || !s.tenant_scoped || anytrue([for v in concat(s.resources, flatten([for c in s.conditions : c.values])) : can(regex("(?i)[$&]\\{aws:PrincipalTag/TenantId\\}", v))])
    ])
    error_message = "Scope every Allow statement in policy_statements by tenant: name $${aws:PrincipalTag/TenantId} in a resource (for example \"arn:aws:s3:::bucket/tenants/$${aws:PrincipalTag/TenantId}/*\") or a condition value, or set tenant_scoped = false for a statement every tenant may share."
  }
}

################################################################################
# Tenant data table
################################################################################

variable "create_data_table" {
  description = "Whether to create a DynamoDB table with partition key tenant_id and sort key sk, and allow the role each tenant's own items in it."
  type        = bool
  default     = false
  nullable    = false
}

variable "data_table_name" {
  description = "Name of the tenant data table, 3-255 letters, digits, dots, hyphens or underscores; used only with create_data_table."
  type        = string
  default     = null

  validation {
    condition     = var.data_table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.data_table_name))
    error_message = "Use 3-255 letters, digits, dots, hyphens or underscores for data_table_name."
  }
}

variable "data_table_point_in_time_recovery" {
  description = "Whether the tenant data table keeps point-in-time recovery backups (35 days)."
  type        = bool
  default     = true
  nullable    = false
}

variable "data_table_deletion_protection" {
  description = "Whether DynamoDB refuses to delete the tenant data table until this is turned off again."
  type        = bool
  default     = false
  nullable    = false
}

variable "data_table_kms_key_arn" {
  description = "ARN of a customer managed KMS key that encrypts the tenant data table, or null for the AWS managed key aws/dynamodb."
  type        = string
  default     = null

  validation {
    condition     = var.data_table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.data_table_kms_key_arn))
    error_message = "Set data_table_kms_key_arn to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), or to null."
  }
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every resource the module creates; a TenantId tag is left off the role, whose sessions must get their tenant only from the session tag."
  type        = map(string)
  default     = {}
  nullable    = false
}
