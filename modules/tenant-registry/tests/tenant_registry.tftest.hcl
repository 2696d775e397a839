# The registry's plan: the table's key and billing, the held queue, and the checks on a table brought by the caller.
# Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  table_name      = "ti-tenants"
  held_queue_name = "ti-held"
}

run "table_is_keyed_by_tenant_id_and_billed_per_request" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == "tenant_id" && aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && one(aws_dynamodb_table.this[0].attribute).type == "S"
    error_message = "The registry table must have the string partition key tenant_id and on-demand billing."
  }

  assert {
    condition     = one(aws_dynamodb_table.this[0].ttl).attribute_name == "expires_at" && one(aws_dynamodb_table.this[0].point_in_time_recovery).enabled
    error_message = "The table must expire ledger items by expires_at and keep point-in-time recovery by default."
  }

  assert {
    condition     = output.table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/ti-tenants" && output.table_name == "ti-tenants"
    error_message = "The table's ARN must be known at plan time, for the router's role."
  }
}

run "held_queue_keeps_messages_like_a_dead_letter_queue" {
  command = plan

  assert {
    condition     = module.held_queue.arn == "arn:aws:sqs:eu-west-1:123456789012:ti-held"
    error_message = "The held queue must be named held_queue_name."
  }
}

run "a_table_brought_by_the_caller_is_used_and_none_created" {
  command = plan

  variables {
    create_table = false
    table_name   = null
    table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants"
  }

  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && output.table_name == "platform-tenants"
    error_message = "With create_table = false the module must create no table and read the name from table_arn."
  }
}

run "a_table_arn_with_create_table_is_refused" {
  command = plan

  variables {
    table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants"
  }

  expect_failures = [data.aws_partition.current]
}

run "no_table_at_all_is_refused" {
  command = plan

  variables {
    create_table = false
    table_name   = null
  }

  expect_failures = [data.aws_partition.current]
}

run "a_stream_arn_is_not_a_table_arn" {
  command = plan

  variables {
    create_table = false
    table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants/stream/2026-01-01T00:00:00.000"
  }

  expect_failures = [var.table_arn]
}
