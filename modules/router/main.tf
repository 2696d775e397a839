data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id

  role_name      = coalesce(var.role_name, var.function_name)
  log_group_name = "/aws/lambda/${var.function_name}"

  # Without a hash, a rebuilt zip under the same filename would never be deployed.
  # (Only the chosen branch must succeed, so a missing file with a given hash is fine.)
  source_code_hash = var.source_code_hash != null || var.filename == null ? var.source_code_hash : filebase64sha256(var.filename)

  # Built from names, so that the role policy is known, and reviewable, at plan time.
  function_arn  = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${var.function_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  quarantine_queue_name = coalesce(var.quarantine_queue_name, "${var.function_name}-quarantine")

  source_queue_arns = distinct([for s in var.sources : s.queue_arn if s.queue_arn != ""])

  # ROUTER_SOURCES as docs/contracts.md describes it. Rule attributes that are
  # not set are left out rather than rendered as null.
  router_sources = [
    for s in var.sources : {
      name      = s.name
      kind      = s.kind
      queue_arn = s.queue_arn
      rules = [
        for r in s.rules : {
          for k, v in { type = r.type, name = r.name, pointer = r.pointer, required = r.required ? true : null } :
          k => v if v != null
        }
      ]
    }
  ]

  environment_variables = merge({
    ROUTER_BACKEND_FUNCTION     = var.backend_function_arn
    ROUTER_QUARANTINE_QUEUE_URL = module.quarantine_queue.url
    ROUTER_SOURCES              = jsonencode(local.router_sources)
    ROUTER_TENANT_PATTERN       = var.tenant_pattern
    ROUTER_KNOWN_TENANTS        = jsonencode(var.known_tenants)
    ROUTER_TENANT_ID_CASE       = var.tenant_id_case
    ROUTER_INVOCATION_MODE      = var.invocation_mode
    ROUTER_MAX_PARALLEL         = tostring(var.max_parallel_invokes)
    }, var.tenant_registry == null ? {} : {
    ROUTER_REGISTRY_TABLE             = var.tenant_registry.table_name
    ROUTER_HELD_QUEUE_URL             = var.tenant_registry.held_queue_url
    ROUTER_REGISTRY_CACHE_TTL_SECONDS = tostring(var.tenant_registry.cache_ttl_seconds)
    ROUTER_REGISTRY_STALE_SECONDS     = tostring(var.tenant_registry.stale_seconds)
  })

  # Lambda refuses an environment over 4 KB (names and values). Queue URLs are
  # known only once the queues exist, so they are counted at the length SQS
  # gives them: https://sqs.<region>.<dns suffix>/<account>/<name>.
  queue_url_names = merge(
    { ROUTER_QUARANTINE_QUEUE_URL = local.quarantine_queue_name },
    var.tenant_registry == null ? {} : { ROUTER_HELD_QUEUE_URL = var.tenant_registry.held_queue_name },
  )
  environment_size = sum(concat(
    [for k, v in local.environment_variables : length(k) + length(v) if !contains(keys(local.queue_url_names), k)],
    [for k, n in local.queue_url_names : length(k) + length("https://sqs.${local.region}.${data.aws_partition.current.dns_suffix}/${local.account_id}/${n}")],
  ))
}

################################################################################
# Quarantine queue: one per router, shared by every source
################################################################################

module "quarantine_queue" {
  source = "../queue"

  name                      = local.quarantine_queue_name
  message_retention_seconds = var.quarantine_message_retention_seconds
  kms_master_key_id         = var.sqs_kms_master_key_id
  tags                      = var.tags
}

################################################################################
# Execution role: invoke the backend only, quarantine rejects, read its own sources
################################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.role_name
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  # The log group is created by Terraform, so the role gets no logs:CreateLogGroup.
  statement {
    sid       = "WriteOwnLogStreams"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  # The backend and its versions and aliases; no other function.
  statement {
    sid       = "InvokeTenantIsolatedBackendOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.backend_function_arn, "${var.backend_function_arn}:*"]
  }

  statement {
    sid       = "SendRejectedMessagesToQuarantine"
    actions   = ["sqs:SendMessage"]
    resources = [module.quarantine_queue.arn]
  }

  # The router reads tenants' statuses with BatchGetItem only; it never calls
  # GetItem, writes, scans or queries, so it is given nothing else.
  dynamic "statement" {
    for_each = var.tenant_registry == null ? [] : [var.tenant_registry]

    content {
      sid       = "ReadTenantStatusFromRegistry"
      actions   = ["dynamodb:BatchGetItem"]
      resources = [statement.value.table_arn]
    }
  }

  dynamic "statement" {
    for_each = var.tenant_registry == null ? [] : [var.tenant_registry]

    content {
      sid       = "HoldSuspendedTenantsMessages"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value.held_queue_arn]
    }
  }

  # What the event source mappings need to read the router's own source queues.
  dynamic "statement" {
    for_each = length(local.source_queue_arns) > 0 ? [local.source_queue_arns] : []

    content {
      sid       = "ConsumeOwnSourceQueues"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = var.async_on_failure_destination_arn == null ? [] : [var.async_on_failure_destination_arn]

    content {
      sid       = "SendFailedAsyncInvocationsToDestination"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.sqs_kms_master_key_id == null ? [] : [var.sqs_kms_master_key_id]

    content {
      sid       = "UseQueueEncryptionKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "router-permissions"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Log group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = var.architectures
  memory_size   = var.memory_size
  timeout       = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename          = var.filename
  source_code_hash  = local.source_code_hash
  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = var.s3_object_version

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_application_level
    system_log_level      = var.log_system_level
  }

  environment {
    variables = local.environment_variables
  }

  tags = var.tags

  # The function, and so every event source mapping that names it, waits for
  # the role policy: a mapping created before the role may read its queue fails.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.this,
  ]

  lifecycle {
    precondition {
      condition     = var.filename != null ? alltrue([for v in [var.s3_bucket, var.s3_key, var.s3_object_version] : v == null]) : var.s3_bucket != null && var.s3_key != null
      error_message = "Give exactly one deployment package: filename, or s3_bucket and s3_key (with optional s3_object_version), not a mix."
    }

    precondition {
      condition     = alltrue([for t in var.known_tenants : length(regexall(var.tenant_pattern, t)) > 0])
      error_message = "Every tenant in known_tenants must match tenant_pattern: fix the tenant IDs or widen the pattern."
    }

    precondition {
      condition     = var.tenant_id_case != "lower" || alltrue([for t in var.known_tenants : t == lower(t)])
      error_message = "Write every tenant in known_tenants in lower case, or set tenant_id_case = \"preserve\"."
    }

    precondition {
      condition     = length(distinct([for t in var.known_tenants : lower(t)])) == length(distinct(var.known_tenants))
      error_message = "Keep one spelling of each tenant in known_tenants: two entries differ only in case."
    }

    precondition {
      condition     = local.environment_size <= 4096
      error_message = "The router's environment would take ${local.environment_size} bytes, over Lambda's 4 KB limit; ROUTER_KNOWN_TENANTS takes ${length(local.environment_variables.ROUTER_KNOWN_TENANTS)} of them for ${length(var.known_tenants)} known_tenants. List fewer known_tenants, or none (keep tenants in the tenant registry, create_tenant_registry, which has no such limit), or use fewer sources or tenant rules."
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
  maximum_retry_attempts       = var.maximum_retry_attempts

  dynamic "destination_config" {
    for_each = var.async_on_failure_destination_arn == null ? [] : [var.async_on_failure_destination_arn]

    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }
}
