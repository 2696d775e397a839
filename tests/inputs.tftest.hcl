# Inputs that AWS or the provider would refuse at apply, or that would
# misbehave, must fail at plan with a message that names the root input to fix.
# Offline: `make test-module` (mock provider, no credentials, no endpoint).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.txt", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.txt", source_code_hash = "YmFja2VuZA==" }
  sqs_sources     = { orders = {} }
}

run "defaults_plan" {
  command = plan
}

################################################################################
# Packages
################################################################################

run "package_with_filename_and_s3_bucket_is_refused" {
  command = plan

  variables {
    router_package = { filename = "tests/fixtures/package.txt", s3_bucket = "builds" }
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

################################################################################
# KMS: an IAM grant on an alias does not authorise the key
################################################################################

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

run "on_failure_destination_kms_key_without_destination_is_refused" {
  command = plan

  variables {
    backend_on_failure_destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  expect_failures = [data.aws_partition.current]
}

################################################################################
# Sources
################################################################################

# Fair queues: a standard queue whose producers set MessageGroupId.
run "message_group_id_on_a_standard_queue_plans" {
  command = plan

  variables {
    sqs_sources = {
      orders = { tenant_rules = [{ type = "message_group_id" }] }
    }
  }

  assert {
    condition     = [for r in jsondecode(output.router_environment_variables.ROUTER_SOURCES)[0].rules : r.type] == ["message_group_id"]
    error_message = "ROUTER_SOURCES must carry the message_group_id rule of the standard queue."
  }
}

# What examples/fifo-direct plans: the router's environment is unknown in a real
# plan (the quarantine URL comes after apply), so its contents are checked here.
run "fifo_source_routes_by_message_group_in_sync_mode" {
  command = plan

  variables {
    invocation_mode = "sync"
    backend_timeout = 10
    router_timeout  = 120
    sqs_sources = {
      orders = {
        fifo_queue                  = true
        content_based_deduplication = true
        batch_size                  = 10
        tenant_rules                = [{ type = "message_group_id" }]
      }
    }
  }

  assert {
    condition     = [for r in jsondecode(output.router_environment_variables.ROUTER_SOURCES)[0].rules : r.type] == ["message_group_id"]
    error_message = "ROUTER_SOURCES must carry the FIFO source's message_group_id rule."
  }

  assert {
    condition     = output.router_environment_variables.ROUTER_INVOCATION_MODE == "sync"
    error_message = "ROUTER_INVOCATION_MODE must be sync."
  }
}

run "unknown_mapping_metric_is_refused" {
  command = plan

  variables {
    sqs_sources = { orders = { metrics = ["EventCount", "Throttles"] } }
  }

  expect_failures = [var.sqs_sources]
}

run "eventbridge_rule_with_bad_key_is_refused" {
  command = plan

  variables {
    eventbridge_sources = {
      events = { rules = { "tenant work" = { event_pattern = jsonencode({ source = ["my.app"] }) } } }
    }
  }

  expect_failures = [var.eventbridge_sources]
}

run "eventbridge_rule_pattern_that_is_not_an_object_is_refused" {
  command = plan

  variables {
    eventbridge_sources = {
      events = { rules = { work = { event_pattern = "[\"my.app\"]" } } }
    }
  }

  expect_failures = [var.eventbridge_sources]
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

################################################################################
# Names: the submodules' limits, checked against root inputs
################################################################################

run "eventbridge_source_name_over_60_characters_is_refused" {
  command = plan

  variables {
    name = "a-thirty-two-character-name-abcd"
    eventbridge_sources = {
      a_thirty_two_character_source_ab = { rules = { w = { event_pattern = jsonencode({ source = ["my.app"] }) } } }
    }
  }

  expect_failures = [data.aws_partition.current]
}

run "eventbridge_rule_name_over_64_characters_is_refused" {
  command = plan

  variables {
    name = "a-thirty-two-character-name-abcd"
    eventbridge_sources = {
      events = { rules = { a_rule_key_of_twenty_six_ch = { event_pattern = jsonencode({ source = ["my.app"] }) } } }
    }
  }

  expect_failures = [data.aws_partition.current]
}

run "role_names_carry_the_region" {
  command = plan

  assert {
    condition     = module.router.role_name == "ti-router-eu-west-1" && module.backend.role_name == "ti-backend-eu-west-1"
    error_message = "Role names must include the region, so that one name in two regions of an account does not collide: got ${module.router.role_name} and ${module.backend.role_name}."
  }
}
