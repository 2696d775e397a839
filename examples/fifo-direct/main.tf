provider "aws" {
  region = var.region
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # make build names its output directories after GOARCH.
  goarch = var.architecture == "arm64" ? "arm64" : "amd64"
  zips = {
    router = "${var.dist_dir}/${local.goarch}/router.zip"
    worker = "${var.dist_dir}/${local.goarch}/tenant-worker.zip"
  }

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  tags = {
    Example = "fifo-direct"
    Module  = "terraform-aws-lambda-tenant-isolation"
  }
}

################################################################################
# KMS key: every queue and both log groups
################################################################################

data "aws_iam_policy_document" "key" {
  # IAM policies decide who in the account may use the key; the module grants
  # its roles exactly the key ARN (an alias would not authorise them).
  statement {
    sid       = "AccountAdministersAndDelegatesToIAM"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # EventBridge sends undeliverable events to the encrypted dead-letter queue.
  statement {
    sid       = "EventBridgeSendsToEncryptedQueues"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "LogsEncryptTheFunctionsLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${var.name}-*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description         = "Queues and logs of ${var.name}."
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

################################################################################
# Packages in S3: versioned, so that every upload is a new object version
################################################################################

resource "aws_s3_bucket" "packages" {
  bucket_prefix = "${var.name}-packages-"
  force_destroy = true
  tags          = local.tags
}

resource "aws_s3_bucket_versioning" "packages" {
  bucket = aws_s3_bucket.packages.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "packages" {
  bucket                  = aws_s3_bucket.packages.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "package" {
  for_each = local.zips

  bucket      = aws_s3_bucket.packages.id
  key         = "${local.goarch}/${basename(each.value)}"
  source      = each.value
  source_hash = filebase64sha256(each.value)
  tags        = local.tags

  # The version ID exists only once versioning is on.
  depends_on = [aws_s3_bucket_versioning.packages]
}

################################################################################
# Evidence queue: the example worker writes one record per invocation here
################################################################################

resource "aws_sqs_queue" "evidence" {
  name              = "${var.name}-evidence"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "backend" {
  statement {
    sid       = "WriteEvidenceRecords"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.evidence.arn]
  }

  statement {
    sid       = "EncryptEvidenceRecords"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
  }
}

################################################################################
# Tenant isolation: a FIFO source and a direct EventBridge target, in sync mode
################################################################################

module "tenant_isolation" {
  source = "../../"

  name          = var.name
  architectures = [var.architecture]

  # The object version changes with every upload, so a new build is deployed.
  router_package = {
    s3_bucket         = aws_s3_bucket.packages.id
    s3_key            = aws_s3_object.package["router"].key
    s3_object_version = aws_s3_object.package["router"].version_id
  }

  backend_package = {
    s3_bucket         = aws_s3_bucket.packages.id
    s3_key            = aws_s3_object.package["worker"].key
    s3_object_version = aws_s3_object.package["worker"].version_id
  }

  backend_environment_variables = {
    EVIDENCE_QUEUE_URL = aws_sqs_queue.evidence.url
  }
  backend_policy_json = data.aws_iam_policy_document.backend.json

  # sync keeps each message group in order end to end. A FIFO batch may be one
  # group, run record by record: router_timeout >= 10 x backend_timeout + 5 s.
  invocation_mode = "sync"
  backend_timeout = var.backend_timeout
  router_timeout  = var.router_timeout

  sqs_sources = {
    # The producer's MessageGroupId is the tenant: one ordered stream per tenant.
    orders = {
      fifo_queue                  = true
      content_based_deduplication = true
      tenant_rules                = [{ type = "message_group_id" }]
      batch_size                  = 10
      metrics                     = ["EventCount"]
    }
  }

  eventbridge_sources = {
    # The default bus, straight to the router: Lambda's async retries, then the
    # source's dead-letter queue (shared with EventBridge's own delivery failures).
    events = {
      create_bus   = false
      bus_name     = "default"
      target       = "router"
      rules        = { tenant_work = { event_pattern = jsonencode({ source = [var.event_source] }) } }
      tenant_rules = [{ type = "event_pointer", pointer = "/detail/tenantId" }]
    }
  }

  sqs_kms_master_key_id = aws_kms_key.this.arn
  log_kms_key_arn       = aws_kms_key.this.arn

  tags = local.tags
}
