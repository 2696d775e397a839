# Rules, targets and the buffer queue's mapping. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                = "ti-events"
  bus_name            = "ti-events"
  router_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:ti-router"
  rules = {
    work = { event_pattern = "{\"source\":[\"my.app\"]}" }
  }
}

run "buffered_source_maps_the_buffer_queue_to_the_router" {
  command = plan

  variables {
    enabled = false
    metrics = ["EventCount", "ErrorCount"]
  }

  assert {
    condition     = !aws_lambda_event_source_mapping.this[0].enabled && aws_lambda_event_source_mapping.this[0].metrics_config[0].metrics == toset(["EventCount", "ErrorCount"])
    error_message = "enabled and metrics must reach the buffer queue's mapping."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this["work"].target_id == "buffer-queue" && length(aws_lambda_permission.this) == 0
    error_message = "A buffered source targets its queue and gives EventBridge no right to invoke the router."
  }
}

run "direct_source_invokes_the_router_with_a_dead_letter_queue" {
  command = plan

  variables {
    target = "router"
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this) == 0 && aws_cloudwatch_event_target.this["work"].arn == var.router_function_arn
    error_message = "A direct source targets the router and has no buffer queue mapping."
  }

  assert {
    condition     = aws_lambda_permission.this["work"].principal == "events.amazonaws.com" && aws_lambda_permission.this["work"].action == "lambda:InvokeFunction"
    error_message = "EventBridge may invoke the router only from this source's rules."
  }
}

run "creating_the_default_bus_is_refused" {
  command = plan

  variables {
    bus_name = "default"
  }

  expect_failures = [aws_cloudwatch_event_bus.this]
}
