provider "aws" {
  region = var.region
}

locals {
  # make build names its output directories after GOARCH.
  goarch     = var.architecture == "arm64" ? "arm64" : "amd64"
  router_zip = "${var.dist_dir}/${local.goarch}/router.zip"

  # The same evidence worker in three runtimes; make build writes all three zips.
  workers = {
    go     = { zip = "tenant-worker.zip", runtime = null, handler = null }
    python = { zip = "tenant-worker-python.zip", runtime = "python3.12", handler = "worker.handler" }
    node   = { zip = "tenant-worker-node.zip", runtime = "nodejs22.x", handler = "index.handler" }
  }
  worker     = local.workers[var.worker_runtime]
  worker_zip = "${var.dist_dir}/${local.goarch}/${local.worker.zip}"

  tags = {
    Example = "complete"
    Module  = "terraform-aws-lambda-tenant-isolation"
  }
}

################################################################################
# Evidence queue: the example worker writes one record per invocation here
################################################################################

resource "aws_sqs_queue" "evidence" {
  name                    = "${var.name}-evidence"
  sqs_managed_sse_enabled = true
  tags                    = local.tags
}

data "aws_iam_policy_document" "backend" {
  statement {
    sid       = "WriteEvidenceRecords"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.evidence.arn]
  }
}

################################################################################
# Tenant isolation: SQS and EventBridge sources -> router -> PER_TENANT backend
################################################################################

module "tenant_isolation" {
  source = "../../"

  name          = var.name
  architectures = [var.architecture]

  router_package = {
    filename         = local.router_zip
    source_code_hash = filebase64sha256(local.router_zip)
  }

  backend_package = {
    filename         = local.worker_zip
    source_code_hash = filebase64sha256(local.worker_zip)
  }

  backend_runtime = local.worker.runtime
  backend_handler = local.worker.handler

  backend_environment_variables = {
    EVIDENCE_QUEUE_URL = aws_sqs_queue.evidence.url
  }
  backend_policy_json = data.aws_iam_policy_document.backend.json

  invocation_mode = var.invocation_mode
  router_timeout  = var.router_timeout
  tenant_pattern  = var.tenant_pattern
  known_tenants   = var.known_tenants
  tenant_id_case  = var.tenant_id_case

  create_tenant_registry            = var.create_tenant_registry
  tenant_registry_cache_ttl_seconds = var.tenant_registry_cache_ttl_seconds

  # The worker writes an item per invocation to the tenant data table with
  # credentials scoped to its tenant (isolation.TenantAccess).
  create_tenant_access_role = var.create_tenant_data_table
  create_tenant_data_table  = var.create_tenant_data_table

  sqs_sources = {
    # The tenant may come in the tenantId message attribute or at /tenantId in
    # the JSON body; when both are present they must agree.
    orders = {
      tenant_rules = [
        { type = "message_attribute", name = "tenantId" },
        { type = "body_pointer", pointer = "/tenantId" },
      ]
      batch_size = var.batch_size
    }
  }

  eventbridge_sources = {
    # Events go to a buffer queue first, so they get SQS retries, a DLQ and
    # partial batch responses like any queued message.
    events = {
      rules = {
        tenant_work = {
          description   = "Tenant work items for the isolated backend."
          event_pattern = jsonencode({ source = [var.event_source] })
        }
      }
      target       = "queue"
      tenant_rules = [{ type = "event_pointer", pointer = "/detail/tenantId" }]
      batch_size   = var.batch_size
    }
  }

  tags = local.tags
}
