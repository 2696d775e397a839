output "url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "arn" {
  description = "ARN of the queue, built from partition, region, account and name so that it is known at plan time; it becomes available once the queue exists."
  value       = local.arn

  depends_on = [aws_sqs_queue.this]
}

output "name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue in seconds."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}
