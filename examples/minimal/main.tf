provider "aws" {
  region = var.region
}

locals {
  # make build names its output directories after GOARCH.
  goarch     = var.architecture == "arm64" ? "arm64" : "amd64"
  router_zip = "${var.dist_dir}/${local.goarch}/router.zip"
  worker_zip = "${var.dist_dir}/${local.goarch}/tenant-worker.zip"
}

# The example worker writes one evidence record per invocation; a real backend
# would do its own work here instead.
resource "aws_sqs_queue" "evidence" {
  name                    = "${var.name}-evidence"
  sqs_managed_sse_enabled = true
}

data "aws_iam_policy_document" "backend" {
  statement {
    sid       = "WriteEvidenceRecords"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.evidence.arn]
  }
}

# One SQS source; the tenant comes from the tenantId message attribute.
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

  backend_environment_variables = {
    EVIDENCE_QUEUE_URL = aws_sqs_queue.evidence.url
  }
  backend_policy_json = data.aws_iam_policy_document.backend.json

  sqs_sources = {
    orders = {}
  }
}
