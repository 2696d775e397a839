package sqs

// Wire shapes of the AWS JSON 1.0 SQS API. Optional numbers are pointers so that an
// absent value (use the queue's default) differs from an explicit zero.

type createQueueInput struct {
	QueueName  string
	Attributes map[string]string
	Tags       map[string]string `json:"tags"`
}

type queueURLOutput struct {
	QueueUrl string
}

type getQueueURLInput struct {
	QueueName              string
	QueueOwnerAWSAccountId string
}

type queueURLInput struct {
	QueueUrl string
}

type listQueuesInput struct {
	QueueNamePrefix string
	MaxResults      *int
	NextToken       string
}

type listQueuesOutput struct {
	QueueUrls []string `json:",omitempty"`
	NextToken string   `json:",omitempty"`
}

type listDeadLetterSourceQueuesInput struct {
	QueueUrl   string
	MaxResults *int
	NextToken  string
}

type listDeadLetterSourceQueuesOutput struct {
	QueueUrls []string `json:"queueUrls"`
	NextToken string   `json:",omitempty"`
}

type getQueueAttributesInput struct {
	QueueUrl       string
	AttributeNames []string
}

type attributesOutput struct {
	Attributes map[string]string `json:",omitempty"`
}

type setQueueAttributesInput struct {
	QueueUrl   string
	Attributes map[string]string
}

type tagQueueInput struct {
	QueueUrl string
	Tags     map[string]string
}

type untagQueueInput struct {
	QueueUrl string
	TagKeys  []string
}

type listQueueTagsOutput struct {
	Tags map[string]string `json:",omitempty"`
}

// attributeValue is a message attribute or message system attribute value.
type attributeValue struct {
	DataType         string
	StringValue      *string  `json:",omitempty"`
	BinaryValue      []byte   `json:",omitempty"`
	StringListValues []string `json:",omitempty"`
	BinaryListValues [][]byte `json:",omitempty"`
}

type sendMessageInput struct {
	QueueUrl string
	sendEntry
}

// sendEntry is what SendMessage and each SendMessageBatch entry share.
type sendEntry struct {
	Id                      string
	MessageBody             *string
	DelaySeconds            *int
	MessageAttributes       map[string]attributeValue
	MessageSystemAttributes map[string]attributeValue
	MessageDeduplicationId  *string
	MessageGroupId          *string
}

type sendMessageOutput struct {
	Id                           string `json:",omitempty"`
	MessageId                    string
	MD5OfMessageBody             string
	MD5OfMessageAttributes       string `json:",omitempty"`
	MD5OfMessageSystemAttributes string `json:",omitempty"`
	SequenceNumber               string `json:",omitempty"`
}

type sendMessageBatchInput struct {
	QueueUrl string
	Entries  []sendEntry
}

type batchResultErrorEntry struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string `json:",omitempty"`
}

type sendMessageBatchOutput struct {
	Successful []sendMessageOutput
	Failed     []batchResultErrorEntry
}

type receiveMessageInput struct {
	QueueUrl                    string
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	ReceiveRequestAttemptId     string
}

type messageOutput struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string         `json:",omitempty"`
	MD5OfMessageAttributes string                    `json:",omitempty"`
	MessageAttributes      map[string]attributeValue `json:",omitempty"`
}

type receiveMessageOutput struct {
	Messages []messageOutput `json:",omitempty"`
}

type deleteMessageInput struct {
	QueueUrl      string
	ReceiptHandle string
}

// receiptEntry is a DeleteMessageBatch or ChangeMessageVisibilityBatch entry.
type receiptEntry struct {
	Id                string
	ReceiptHandle     string
	VisibilityTimeout *int
}

type receiptBatchInput struct {
	QueueUrl string
	Entries  []receiptEntry
}

type batchResultEntry struct {
	Id string
}

type receiptBatchOutput struct {
	Successful []batchResultEntry
	Failed     []batchResultErrorEntry
}

type changeMessageVisibilityInput struct {
	QueueUrl          string
	ReceiptHandle     string
	VisibilityTimeout *int
}
