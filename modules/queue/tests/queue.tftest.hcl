# Who may use a queue as its dead-letter queue. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name = "ti-orders-dlq"
}

run "a_queue_is_nobodys_dead_letter_queue_by_default" {
  command = plan

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_allow_policy) == { redrivePermission = "denyAll" }
    error_message = "Without named source queues, no queue may redrive into this one."
  }
}

run "a_dead_letter_queue_allows_only_its_source_queues" {
  command = plan

  variables {
    redrive_allow_source_queue_names = ["ti-orders"]
  }

  assert {
    condition = jsondecode(aws_sqs_queue.this.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:eu-west-1:123456789012:ti-orders"]
    }
    error_message = "A dead-letter queue must allow redrive from its source queues only (byQueue)."
  }
}

run "more_than_ten_source_queues_are_refused" {
  command = plan

  variables {
    redrive_allow_source_queue_names = [for i in range(11) : "q${i}"]
  }

  expect_failures = [var.redrive_allow_source_queue_names]
}
