# Inputs that AWS or the provider would refuse at apply, or that would
# misbehave, must fail at plan with a message that names the root input to fix.
# Offline: `make test-module` (mock provider, no credentials, no endpoint).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.zip", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.zip", source_code_hash = "YmFja2VuZA==" }
  sqs_sources     = { orders = {} }
}

run "defaults_plan" {
  command = plan
}

run "package_with_filename_and_s3_bucket_is_refused" {
  command = plan

  variables {
    router_package = { filename = "tests/fixtures/package.zip", s3_bucket = "builds" }
  }

  expect_failures = [var.router_package]
}

run "package_with_s3_bucket_but_no_key_is_refused" {
  command = plan

  variables {
    backend_package = { s3_bucket = "builds" }
  }

  expect_failures = [var.backend_package]
}

run "package_from_s3_plans" {
  command = plan

  variables {
    backend_package = { s3_bucket = "builds", s3_key = "worker.zip", s3_object_version = "3" }
  }
}

run "sqs_kms_alias_arn_is_refused" {
  command = plan

  variables {
    sqs_kms_master_key_id = "arn:aws:kms:eu-west-1:123456789012:alias/queues"
  }

  expect_failures = [var.sqs_kms_master_key_id]
}

run "log_kms_alias_arn_is_refused" {
  command = plan

  variables {
    log_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/logs"
  }

  expect_failures = [var.log_kms_key_arn]
}

run "kms_key_arns_plan" {
  command = plan

  variables {
    sqs_kms_master_key_id = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    log_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  }
}

run "two_sources_creating_one_bus_are_refused" {
  command = plan

  variables {
    eventbridge_sources = {
      billing  = { bus_name = "shared", rules = { work = { event_pattern = jsonencode({ source = ["billing"] }) } } }
      shipping = { bus_name = "shared", rules = { work = { event_pattern = jsonencode({ source = ["shipping"] }) } } }
    }
  }

  expect_failures = [data.aws_partition.current]
}

run "two_sources_on_one_existing_bus_plan" {
  command = plan

  variables {
    eventbridge_sources = {
      billing  = { create_bus = false, bus_name = "shared", rules = { work = { event_pattern = jsonencode({ source = ["billing"] }) } } }
      shipping = { create_bus = false, bus_name = "shared", rules = { work = { event_pattern = jsonencode({ source = ["shipping"] }) } } }
    }
  }
}
