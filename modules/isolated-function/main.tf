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

  # ARNs built from names are known at plan time, so the role policy and the
  # function ARN that the router's policy names can be reviewed in the plan.
  function_arn  = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${var.function_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  is_image = var.package_type == "Image"

  # The handler forms each runtime family accepts, as its runtime client resolves them.
  runtime_family = var.runtime == null ? null : regex("^[a-z]+", var.runtime)
  handler_forms = {
    provided = { pattern = "^bootstrap$", example = "\"bootstrap\" (the zip's executable)" }
    python   = { pattern = "^[A-Za-z0-9_][A-Za-z0-9_./-]*\\.[A-Za-z_][A-Za-z0-9_]*$", example = "file.function, such as \"app.handler\" or \"src/app.handler\"" }
    nodejs   = { pattern = "^[A-Za-z0-9_@][A-Za-z0-9_./@-]*\\.[A-Za-z_$][A-Za-z0-9_$]*$", example = "file.function, such as \"index.handler\" or \"src/index.handler\"" }
    ruby     = { pattern = "^[A-Za-z0-9_][A-Za-z0-9_./-]*\\.[A-Za-z_][A-Za-z0-9_:]*$", example = "file.method, such as \"app.handler\"" }
    java     = { pattern = "^[A-Za-z_$][A-Za-z0-9_$.]*(::[A-Za-z_$][A-Za-z0-9_$]*)?$", example = "package.Class::method, such as \"example.Handler::handleRequest\"" }
    dotnet   = { pattern = "^[^:\\s]+(::[^:\\s]+::[^:\\s]+)?$", example = "Assembly::Namespace.Class::Method, such as \"Worker::Worker.Function::Handle\"" }
  }
  handler_form = local.runtime_family == null ? null : local.handler_forms[local.runtime_family]
  handler_fits = local.is_image || can(regex(local.handler_form.pattern, var.handler))

  on_failure_destination_arn = var.create_on_failure_queue ? module.on_failure_queue[0].arn : var.on_failure_destination_arn

  # Lambda sends failure records with the function's role, so the role needs the
  # key of an encrypted destination: the module's queue uses sqs_kms_master_key_id,
  # a given one on_failure_destination_kms_key_arn.
  on_failure_destination_kms_key_arn = var.create_on_failure_queue ? var.sqs_kms_master_key_id : (var.on_failure_destination_arn == null ? null : var.on_failure_destination_kms_key_arn)
}

################################################################################
# Execution role: logs, the async on-failure destination, and what the caller adds
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
  # The caller's statements for what the handler itself does.
  source_policy_documents = var.policy_json == null ? [] : [var.policy_json]

  # The log group is created by Terraform, so the role gets no logs:CreateLogGroup.
  statement {
    sid       = "WriteOwnLogStreams"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  # Tenant-scoped credentials: the handler assumes the tenant-access role with
  # its invocation's tenant as session tag TenantId. The role's trust policy
  # decides which tags it accepts.
  dynamic "statement" {
    for_each = var.tenant_access_role_arn == null ? [] : [var.tenant_access_role_arn]

    content {
      sid       = "AssumeTenantAccessRoleWithTenantTag"
      actions   = ["sts:AssumeRole", "sts:TagSession"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.on_failure_destination_arn == null ? [] : [local.on_failure_destination_arn]

    content {
      sid       = "SendFailedAsyncInvocationsToDestination"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.on_failure_destination_kms_key_arn == null ? [] : [local.on_failure_destination_kms_key_arn]

    content {
      sid       = "EncryptForOnFailureDestination"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "function-permissions"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# Keyed by the caller's static keys rather than by list position, so that
# reordering or removing one policy does not detach and reattach the others.
resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.policy_arns

  role       = aws_iam_role.this.name
  policy_arn = each.value
}

################################################################################
# Log group (created here so that retention, KMS and tags apply from the first log line)
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

################################################################################
# Function
#
# Tenant isolation is fixed at creation: AWS cannot change tenancy_config on an
# existing function, so Terraform replaces it. AWS also forbids function URLs,
# provisioned concurrency and SnapStart on tenant-isolated functions, so this
# module offers none of them.
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  package_type  = var.package_type
  runtime       = var.runtime
  handler       = var.handler
  layers        = local.is_image ? null : var.layers
  image_uri     = var.image_uri
  architectures = var.architectures
  memory_size   = var.memory_size
  timeout       = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename          = var.filename
  source_code_hash  = local.source_code_hash
  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = var.s3_object_version

  tenancy_config {
    tenant_isolation_mode = "PER_TENANT"
  }

  # JSON logs: Lambda adds tenantId to platform events, and the handler's own
  # slog JSON lines carry it too.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_application_level
    system_log_level      = var.log_system_level
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.this,
    aws_iam_role_policy_attachment.this,
  ]

  lifecycle {
    precondition {
      condition     = local.is_image || (var.filename != null ? alltrue([for v in [var.s3_bucket, var.s3_key, var.s3_object_version] : v == null]) : var.s3_bucket != null && var.s3_key != null)
      error_message = "Give exactly one deployment package (backend_package in the root module): filename, or s3_bucket and s3_key (with optional s3_object_version), not a mix."
    }

    precondition {
      condition     = local.is_image ? var.image_uri != null && alltrue([for v in [var.filename, var.s3_bucket, var.s3_key, var.s3_object_version, var.runtime, var.handler] : v == null]) && length(var.layers) == 0 : var.image_uri == null && var.runtime != null
      error_message = local.is_image ? "An Image package needs image_uri and takes its runtime and entry point from the image: set runtime and handler to null, layers to [] and leave filename and s3_* unset (in the root module: backend_image_uri, and backend_runtime, backend_handler and backend_package null, backend_layers empty)." : "A Zip package needs a runtime and no image_uri (backend_image_uri in the root module): set it to null, or package_type = \"Image\"."
    }

    precondition {
      condition     = local.handler_fits
      error_message = local.is_image || var.runtime == null ? "Set handler for the runtime." : "Set handler (backend_handler in the root module) to the form ${var.runtime} expects: ${try(local.handler_form.example, "")}; it is ${var.handler == null ? "null" : "\"${var.handler}\""}."
    }

    precondition {
      condition     = !(var.create_on_failure_queue && var.on_failure_destination_arn != null)
      error_message = "Set on_failure_destination_arn only with create_on_failure_queue = false, or leave it null to use the queue the module creates."
    }

    precondition {
      condition     = var.on_failure_destination_kms_key_arn == null || (!var.create_on_failure_queue && var.on_failure_destination_arn != null)
      error_message = "Set on_failure_destination_kms_key_arn only with on_failure_destination_arn (and create_on_failure_queue = false); the queue the module creates uses sqs_kms_master_key_id."
    }
  }
}

################################################################################
# Asynchronous invocation: retries, event age and the on-failure destination
################################################################################

module "on_failure_queue" {
  source = "../queue"
  count  = var.create_on_failure_queue ? 1 : 0

  name                      = coalesce(var.on_failure_queue_name, "${var.function_name}-on-failure")
  message_retention_seconds = var.on_failure_message_retention_seconds
  kms_master_key_id         = var.sqs_kms_master_key_id
  tags                      = var.tags
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
  maximum_retry_attempts       = var.maximum_retry_attempts

  dynamic "destination_config" {
    for_each = local.on_failure_destination_arn == null ? [] : [local.on_failure_destination_arn]

    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }
}
