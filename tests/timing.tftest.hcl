# The router's timeout against the queues' visibility timeouts and, in sync
# mode, against the backend calls of a whole batch.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.txt", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.txt", source_code_hash = "YmFja2VuZA==" }
  router_timeout  = 60
}

run "visibility_timeout_defaults_to_six_router_timeouts_plus_the_batching_window" {
  command = plan

  variables {
    sqs_sources = {
      orders = { batch_size = 100, maximum_batching_window_in_seconds = 5 }
      events = { fifo_queue = true }
    }
    eventbridge_sources = {
      bus = { rules = { work = { event_pattern = jsonencode({ source = ["my.app"] }) } }, maximum_batching_window_in_seconds = 20 }
    }
  }

  assert {
    condition     = module.sqs_source["orders"].visibility_timeout_seconds == 365 && module.sqs_source["events"].visibility_timeout_seconds == 360
    error_message = "SQS sources must default to 6 x router_timeout + batching window."
  }

  assert {
    condition     = module.eventbridge_source["bus"].buffer_visibility_timeout_seconds == 380
    error_message = "Buffer queues must default to 6 x router_timeout + batching window."
  }
}

run "visibility_timeout_below_router_timeout_is_refused" {
  command = plan

  variables {
    sqs_sources = { orders = { visibility_timeout_seconds = 30 } }
  }

  expect_failures = [data.aws_partition.current]
}

run "buffer_visibility_timeout_below_router_timeout_is_refused" {
  command = plan

  variables {
    eventbridge_sources = {
      bus = { rules = { work = { event_pattern = jsonencode({ source = ["my.app"] }) } }, visibility_timeout_seconds = 59 }
    }
  }

  expect_failures = [data.aws_partition.current]
}

run "visibility_timeout_equal_to_router_timeout_plans" {
  command = plan

  variables {
    sqs_sources = { orders = { visibility_timeout_seconds = 60 } }
  }
}

# ceil(10 / 10) x 30 + 5 = 35 <= 60.
run "sync_mode_with_defaults_plans" {
  command = plan

  variables {
    invocation_mode = "sync"
    sqs_sources     = { orders = {} }
  }
}

# ceil(100 / 10) x 30 + 5 = 305 > 60.
run "sync_mode_batch_that_outlives_the_router_is_refused" {
  command = plan

  variables {
    invocation_mode = "sync"
    sqs_sources     = { orders = { batch_size = 100, maximum_batching_window_in_seconds = 1 } }
  }

  expect_failures = [data.aws_partition.current]
}

# A FIFO batch may be one message group, whose records run one after another:
# 10 x 30 + 5 = 305 > 60, however many invokes may run in parallel.
run "sync_mode_fifo_batch_counts_every_record" {
  command = plan

  variables {
    invocation_mode = "sync"
    sqs_sources     = { orders = { fifo_queue = true, batch_size = 10 } }
  }

  expect_failures = [data.aws_partition.current]
}

run "sync_mode_direct_eventbridge_needs_one_backend_timeout" {
  command = plan

  variables {
    invocation_mode = "sync"
    backend_timeout = 58
    eventbridge_sources = {
      bus = { target = "router", rules = { work = { event_pattern = jsonencode({ source = ["my.app"] }) } } }
    }
  }

  expect_failures = [data.aws_partition.current]
}

run "async_mode_does_not_bound_the_batch" {
  command = plan

  variables {
    invocation_mode = "async"
    sqs_sources     = { orders = { fifo_queue = true, batch_size = 10 } }
  }
}
