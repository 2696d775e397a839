# The mapping from a source queue to the router. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                = "ti-orders"
  router_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:ti-router"
}

run "mapping_reports_batch_item_failures_and_polls_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this.enabled
    error_message = "The mapping must poll and take partial batch responses from the router."
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this.metrics_config) == 0
    error_message = "No mapping metrics unless asked for."
  }
}

run "mapping_can_be_paused_and_report_metrics" {
  command = plan

  variables {
    enabled = false
    metrics = ["EventCount"]
  }

  assert {
    condition     = !aws_lambda_event_source_mapping.this.enabled
    error_message = "enabled = false must pause the mapping."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.metrics_config[0].metrics == toset(["EventCount"])
    error_message = "metrics must turn on the mapping's metrics_config."
  }
}

run "fifo_mapping_has_no_batching_window" {
  command = plan

  variables {
    fifo_queue = true
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == null
    error_message = "AWS supports no batching window on FIFO queues."
  }
}

run "unknown_metric_is_refused" {
  command = plan

  variables {
    metrics = ["Throttles"]
  }

  expect_failures = [var.metrics]
}
