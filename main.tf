################################################################################
# Wiring only: every resource lives in a submodule.
#
# Order without cycles: the router's role and environment name the backend and
# the source queues by ARNs built from names (known at plan time). The event
# source mappings and EventBridge targets then name the router and wait for its
# role policy.
################################################################################

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# Checks across inputs, which variable validations can make only from Terraform
# 1.9. They hang on this data source because every plan reads it, and it makes no
# API call; each message names the root inputs to change.
data "aws_partition" "current" {
  lifecycle {
    # AWS refuses an event source mapping from a queue whose visibility timeout
    # is shorter than the function's timeout.
    precondition {
      condition     = length(local.short_visibility_timeouts) == 0
      error_message = "Set visibility_timeout_seconds of source(s) ${join(", ", local.short_visibility_timeouts)} to at least router_timeout (${var.router_timeout} s), or leave it null for 6 x router_timeout + maximum_batching_window_in_seconds, as AWS advises."
    }

    # A sync batch longer than the router's timeout is cut short: the calls still
    # running are reported failed and retried, although the backend may finish
    # them, so those tenants' messages run twice.
    precondition {
      condition     = length(local.sync_too_slow) == 0
      error_message = "In sync mode router_timeout (${var.router_timeout} s) must cover a whole batch: ${join("; ", local.sync_too_slow)}. Raise router_timeout, or lower batch_size or backend_timeout, or raise max_parallel_invokes (which FIFO groups cannot use), or use invocation_mode = \"async\"."
    }

    precondition {
      condition     = var.backend_on_failure_destination_kms_key_arn == null || var.backend_on_failure_destination_arn != null
      error_message = "Set backend_on_failure_destination_kms_key_arn only with backend_on_failure_destination_arn; the on-failure queue the module creates uses sqs_kms_master_key_id."
    }

    precondition {
      condition     = !(var.create_tenant_registry && var.tenant_registry_table_arn != null)
      error_message = "Set create_tenant_registry = true to have the module create \"${var.name}-tenants\", or tenant_registry_table_arn to use your own table, not both."
    }

    precondition {
      condition     = length(local.duplicate_bus_names) == 0
      error_message = "EventBridge sources with create_bus = true would create the bus(es) ${join(", ", local.duplicate_bus_names)} more than once: give them distinct bus_name values, or create the bus in one source and set create_bus = false in the others."
    }

    precondition {
      condition     = length(local.long_eventbridge_names) == 0
      error_message = "Shorten name or the eventbridge_sources key: \"<name>-<key>\" may have at most 60 characters, and ${join(", ", local.long_eventbridge_names)} are longer."
    }

    precondition {
      condition     = !var.create_tenant_data_table || var.create_tenant_access_role
      error_message = "Set create_tenant_access_role = true with create_tenant_data_table: the table's items are reached only through the tenant-access role."
    }

    precondition {
      condition     = !var.create_tenant_access_role || length(var.tenant_access_policy_statements) > 0 || var.create_tenant_data_table
      error_message = "Give the tenant-access role something to do: tenant_access_policy_statements, or create_tenant_data_table = true."
    }

    precondition {
      condition     = length(local.long_rule_names) == 0
      error_message = "Shorten name, the eventbridge_sources key or the rule key: EventBridge rule names \"<name>-<key>-<rule>\" may have at most 64 characters, and ${join(", ", local.long_rule_names)} are longer."
    }
  }
}

locals {
  # The backend's runtime and entry point: provided.al2023 running "bootstrap"
  # unless the caller chose another runtime. An image's values pass unchanged, so
  # that the backend module refuses any the caller set. The backend module checks
  # that the handler fits the runtime: a precondition here, on the data source
  # that the plan's ARNs come from, would defer those ARNs to apply.
  backend_is_image = var.backend_package_type == "Image"
  backend_runtime  = local.backend_is_image ? var.backend_runtime : coalesce(var.backend_runtime, "provided.al2023")
  backend_handler  = var.backend_handler != null || local.backend_is_image || !startswith(coalesce(local.backend_runtime, "-"), "provided") ? var.backend_handler : "bootstrap"

  # The registry: created, brought by the caller, or none.
  tenant_registry_enabled = var.create_tenant_registry || var.tenant_registry_table_arn != null

  router_function_name  = "${var.name}-router"
  backend_function_name = "${var.name}-backend"

  # IAM is global: with the region in its name, a role cannot collide with the
  # same stack under the same name in another region of the account.
  router_role_name  = "${local.router_function_name}-${data.aws_region.current.region}"
  backend_role_name = "${local.backend_function_name}-${data.aws_region.current.region}"

  # The backend's policy and environment name the tenant-access role by an ARN
  # built from its name; the role's trust policy names the backend's role by
  # its real ARN, because IAM refuses a principal that does not exist yet.
  tenant_access_role_name = "${var.name}-tenant-access-${data.aws_region.current.region}"
  tenant_access_role_arn  = var.create_tenant_access_role ? "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role${var.role_path}${local.tenant_access_role_name}" : null
  tenant_data_table_name  = "${var.name}-tenant-data"

  # Through the data source that holds the checks, so that a role the root
  # refuses never reaches the submodule's own check and the root's message is
  # the only one.
  tenant_access_policy_statements = data.aws_partition.current.partition != "" ? var.tenant_access_policy_statements : {}

  # What a backend in any language needs to use tenant-scoped credentials; the
  # names are reserved in backend_environment_variables.
  tenant_access_environment = merge(
    var.create_tenant_access_role ? { TENANT_ACCESS_ROLE_ARN = local.tenant_access_role_arn } : {},
    var.create_tenant_data_table ? { TENANT_DATA_TABLE = local.tenant_data_table_name } : {},
  )

  # The router's role and ROUTER_SOURCES name the source queues by ARN, and the
  # sources' mappings name the router. To keep that free of cycles (a reference
  # into a for_each module by a dynamic key depends on the whole module, mapping
  # included), the root names every queue the router needs and builds its ARN
  # here; the submodules create the queues under exactly these names.
  queue_arn_prefix = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"

  sqs_queue_names = { for k, s in var.sqs_sources : k => "${var.name}-${k}${s.fifo_queue ? ".fifo" : ""}" }

  eventbridge_buffer_queue_names = { for k, s in var.eventbridge_sources : k => "${var.name}-${k}-buffer" }
  eventbridge_dlq_names          = { for k, s in var.eventbridge_sources : k => "${var.name}-${k}-dlq" }

  # At most one EventBridge source targets the router directly (validated).
  direct_eventbridge_source = one([for k, s in var.eventbridge_sources : k if s.target == "router"])

  # Every source the router reads through an event source mapping: the SQS
  # sources and the EventBridge buffer queues.
  mapped_sources = merge(
    { for k, s in var.sqs_sources : k => {
      fifo                               = s.fifo_queue
      batch_size                         = s.batch_size
      maximum_batching_window_in_seconds = s.maximum_batching_window_in_seconds
      visibility_timeout_seconds         = s.visibility_timeout_seconds
    } },
    { for k, s in var.eventbridge_sources : k => {
      fifo                               = false
      batch_size                         = s.batch_size
      maximum_batching_window_in_seconds = s.maximum_batching_window_in_seconds
      visibility_timeout_seconds         = s.visibility_timeout_seconds
    } if s.target == "queue" },
  )

  # AWS advises a visibility timeout of six times the function's timeout plus the
  # batching window, so that a batch retried after throttling is not received twice.
  visibility_timeouts = {
    for k, s in local.mapped_sources : k => coalesce(s.visibility_timeout_seconds, 6 * var.router_timeout + s.maximum_batching_window_in_seconds)
  }
  short_visibility_timeouts = [for k, v in local.visibility_timeouts : "${k} (${v} s)" if v < var.router_timeout]

  # In sync mode the router waits for every backend call of a batch, at most
  # max_parallel_invokes at a time, and the records of a FIFO message group one
  # after another (worst case: the whole batch is one group). A direct EventBridge
  # event is a batch of one. The margin covers the router's own stop before its
  # deadline (2 s), quarantine sends and the Invoke round trips.
  sync_margin_seconds = 5
  sync_batch_rounds = merge(
    { for k, s in local.mapped_sources : k => s.fifo ? s.batch_size : ceil(s.batch_size / var.max_parallel_invokes) },
    local.direct_eventbridge_source == null ? {} : { (local.direct_eventbridge_source) = 1 },
  )
  sync_too_slow = var.invocation_mode != "sync" ? [] : [
    for k, n in local.sync_batch_rounds : "${k} needs ${n} x backend_timeout (${var.backend_timeout} s) + ${local.sync_margin_seconds} s = ${n * var.backend_timeout + local.sync_margin_seconds} s"
    if var.router_timeout < n * var.backend_timeout + local.sync_margin_seconds
  ]

  created_bus_names   = [for k, s in var.eventbridge_sources : coalesce(s.bus_name, "${var.name}-${k}") if s.create_bus]
  duplicate_bus_names = distinct([for b in local.created_bus_names : b if length([for o in local.created_bus_names : o if o == b]) > 1])

  # The limits of modules/eventbridge-source, checked here so that errors name
  # the root inputs. The submodule gets its name through the data source that
  # holds the checks, so that a name they refuse never reaches its own checks.
  eventbridge_source_names = { for k, _ in var.eventbridge_sources : k => "${var.name}-${k}" if data.aws_partition.current.partition != "" }
  long_eventbridge_names   = [for k, _ in var.eventbridge_sources : "\"${var.name}-${k}\"" if length("${var.name}-${k}") > 60]
  long_rule_names = flatten([
    for k, s in var.eventbridge_sources : [for r, _ in s.rules : "\"${var.name}-${k}-${r}\"" if length("${var.name}-${k}-${r}") > 64]
  ])

  router_sources = concat(
    [
      for k, s in var.sqs_sources : {
        name      = k
        kind      = "sqs"
        queue_arn = "${local.queue_arn_prefix}:${local.sqs_queue_names[k]}"
        rules     = s.tenant_rules
      }
    ],
    [
      for k, s in var.eventbridge_sources : {
        name      = k
        kind      = "eventbridge"
        queue_arn = s.target == "queue" ? "${local.queue_arn_prefix}:${local.eventbridge_buffer_queue_names[k]}" : ""
        rules     = s.tenant_rules
      }
    ],
  )
}

################################################################################
# Backend: tenant-isolated (PER_TENANT) function
################################################################################

module "backend" {
  source = "./modules/isolated-function"

  function_name                  = local.backend_function_name
  architectures                  = var.architectures
  memory_size                    = var.backend_memory_size
  timeout                        = var.backend_timeout
  reserved_concurrent_executions = var.backend_reserved_concurrent_executions
  environment_variables          = merge(var.backend_environment_variables, local.tenant_access_environment)

  package_type      = var.backend_package_type
  runtime           = local.backend_runtime
  handler           = local.backend_handler
  layers            = var.backend_layers
  image_uri         = var.backend_image_uri
  filename          = try(var.backend_package.filename, null)
  source_code_hash  = try(var.backend_package.source_code_hash, null)
  s3_bucket         = try(var.backend_package.s3_bucket, null)
  s3_key            = try(var.backend_package.s3_key, null)
  s3_object_version = try(var.backend_package.s3_object_version, null)

  role_name                 = local.backend_role_name
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary
  policy_json               = var.backend_policy_json
  policy_arns               = var.backend_policy_arns
  tenant_access_role_arn    = local.tenant_access_role_arn

  log_retention_in_days = var.log_retention_in_days
  log_kms_key_arn       = var.log_kms_key_arn
  log_application_level = var.log_application_level
  log_system_level      = var.log_system_level

  maximum_retry_attempts             = var.backend_maximum_retry_attempts
  maximum_event_age_in_seconds       = var.backend_maximum_event_age_in_seconds
  create_on_failure_queue            = var.backend_on_failure_destination_arn == null
  on_failure_destination_arn         = var.backend_on_failure_destination_arn
  on_failure_destination_kms_key_arn = var.backend_on_failure_destination_arn == null ? null : var.backend_on_failure_destination_kms_key_arn
  sqs_kms_master_key_id              = var.sqs_kms_master_key_id

  tags = var.tags
}

################################################################################
# Tenant access: a role the backend assumes with its tenant as session tag, and
# an optional table in which each tenant reaches only its own items
################################################################################

module "tenant_access" {
  source = "./modules/tenant-access"
  count  = var.create_tenant_access_role ? 1 : 0

  role_name                 = local.tenant_access_role_name
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary
  max_session_duration      = var.tenant_access_max_session_duration
  trusted_role_arn          = module.backend.role_arn
  known_tenants             = var.known_tenants
  policy_statements         = local.tenant_access_policy_statements

  create_data_table                 = var.create_tenant_data_table
  data_table_name                   = local.tenant_data_table_name
  data_table_point_in_time_recovery = var.tenant_data_table_point_in_time_recovery
  data_table_deletion_protection    = var.tenant_data_table_deletion_protection
  data_table_kms_key_arn            = var.tenant_data_table_kms_key_arn

  tags = var.tags
}

################################################################################
# Tenant registry: tenants' statuses, and the held queue of suspended tenants
################################################################################

module "tenant_registry" {
  source = "./modules/tenant-registry"
  count  = local.tenant_registry_enabled ? 1 : 0

  create_table = var.create_tenant_registry
  table_name   = var.create_tenant_registry ? "${var.name}-tenants" : null
  # Through the data source that holds the checks, so that both a table ARN and
  # create_tenant_registry never reach the submodule.
  table_arn = data.aws_partition.current.partition != "" ? var.tenant_registry_table_arn : null

  held_queue_name                = "${var.name}-held"
  held_message_retention_seconds = var.held_message_retention_seconds
  held_queue_kms_master_key_id   = var.sqs_kms_master_key_id

  tags = var.tags
}

################################################################################
# Router: extracts and validates the tenant, invokes the backend with it
################################################################################

module "router" {
  source = "./modules/router"

  function_name                  = local.router_function_name
  architectures                  = var.architectures
  memory_size                    = var.router_memory_size
  timeout                        = var.router_timeout
  reserved_concurrent_executions = var.router_reserved_concurrent_executions

  filename          = var.router_package.filename
  source_code_hash  = var.router_package.source_code_hash
  s3_bucket         = var.router_package.s3_bucket
  s3_key            = var.router_package.s3_key
  s3_object_version = var.router_package.s3_object_version

  role_name                 = local.router_role_name
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  log_retention_in_days = var.log_retention_in_days
  log_kms_key_arn       = var.log_kms_key_arn
  log_application_level = var.log_application_level
  log_system_level      = var.log_system_level

  backend_function_arn = module.backend.function_arn
  sources              = local.router_sources
  tenant_pattern       = var.tenant_pattern
  known_tenants        = var.known_tenants
  tenant_id_case       = var.tenant_id_case
  invocation_mode      = var.invocation_mode
  max_parallel_invokes = var.max_parallel_invokes

  tenant_registry = local.tenant_registry_enabled ? {
    table_name        = module.tenant_registry[0].table_name
    table_arn         = module.tenant_registry[0].table_arn
    held_queue_name   = module.tenant_registry[0].held_queue_name
    held_queue_url    = module.tenant_registry[0].held_queue_url
    held_queue_arn    = module.tenant_registry[0].held_queue_arn
    cache_ttl_seconds = var.tenant_registry_cache_ttl_seconds
    stale_seconds     = var.tenant_registry_stale_seconds
  } : null

  quarantine_queue_name                = "${var.name}-quarantine"
  quarantine_message_retention_seconds = var.quarantine_message_retention_seconds

  # Events the router fails to handle after Lambda's async retries (direct
  # EventBridge delivery) go to that source's dead-letter queue.
  async_on_failure_destination_arn = local.direct_eventbridge_source == null ? null : "${local.queue_arn_prefix}:${local.eventbridge_dlq_names[local.direct_eventbridge_source]}"

  sqs_kms_master_key_id = var.sqs_kms_master_key_id

  tags = var.tags
}

################################################################################
# SQS sources
################################################################################

module "sqs_source" {
  source   = "./modules/sqs-source"
  for_each = var.sqs_sources

  name                        = "${var.name}-${each.key}"
  fifo_queue                  = each.value.fifo_queue
  content_based_deduplication = each.value.content_based_deduplication
  visibility_timeout_seconds  = local.visibility_timeouts[each.key]
  message_retention_seconds   = each.value.message_retention_seconds

  dlq_max_receive_count         = each.value.dlq_max_receive_count
  dlq_message_retention_seconds = each.value.dlq_message_retention_seconds

  kms_master_key_id = var.sqs_kms_master_key_id

  router_function_arn                = module.router.function_arn
  router_role_policy_id              = module.router.role_policy_id
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  maximum_concurrency                = each.value.maximum_concurrency
  enabled                            = each.value.enabled
  metrics                            = each.value.metrics

  tags = var.tags
}

################################################################################
# EventBridge sources
################################################################################

module "eventbridge_source" {
  source   = "./modules/eventbridge-source"
  for_each = var.eventbridge_sources

  name              = local.eventbridge_source_names[each.key]
  buffer_queue_name = local.eventbridge_buffer_queue_names[each.key]
  dlq_name          = local.eventbridge_dlq_names[each.key]
  create_bus        = each.value.create_bus
  bus_name          = coalesce(each.value.bus_name, "${var.name}-${each.key}")
  rules             = each.value.rules

  target                             = each.value.target
  router_function_arn                = module.router.function_arn
  router_role_policy_id              = module.router.role_policy_id
  retry_maximum_attempts             = each.value.retry_maximum_attempts
  retry_maximum_event_age_in_seconds = each.value.retry_maximum_event_age_in_seconds

  buffer_visibility_timeout_seconds  = lookup(local.visibility_timeouts, each.key, 6 * var.router_timeout)
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  maximum_concurrency                = each.value.maximum_concurrency
  enabled                            = each.value.enabled
  metrics                            = each.value.metrics

  dlq_max_receive_count         = each.value.dlq_max_receive_count
  dlq_message_retention_seconds = each.value.dlq_message_retention_seconds

  kms_master_key_id = var.sqs_kms_master_key_id

  tags = var.tags
}
