package sqs

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

const (
	maxMessageAttributes = 10
	maxBatchEntries      = 10
	maxBatchBytes        = 1 << 20
)

// Message system attribute names.
const (
	sysSenderID              = "SenderId"
	sysSentTimestamp         = "SentTimestamp"
	sysReceiveCount          = "ApproximateReceiveCount"
	sysFirstReceive          = "ApproximateFirstReceiveTimestamp"
	sysSequenceNumber        = "SequenceNumber"
	sysDeduplicationID       = "MessageDeduplicationId"
	sysGroupID               = "MessageGroupId"
	sysAWSTraceHeader        = "AWSTraceHeader"
	sysDeadLetterSource      = "DeadLetterQueueSourceArn"
	transportString     byte = 1
	transportBinary     byte = 2
)

// message is one SQS message.
type message struct {
	id, body, md5Body   string
	attrs, sysAttrs     map[string]attributeValue
	md5Attrs, md5System string
	size                int
	groupID, dedupID    string
	sequenceNumber      string
	senderID            string
	dlqSourceArn        string

	sentAt     time.Time
	enqueuedAt time.Time // retention counts from here
	// visibleAt is when the message can next be received (delay or visibility timeout).
	visibleAt       time.Time
	receiveCount    int
	firstReceivedAt time.Time
	receivedAt      time.Time // the current receive, for the 12-hour visibility cap
	receipt         string    // the current receipt handle; older ones are stale
	deleted         bool
}

var (
	// Message group and deduplication IDs: 1-128 alphanumeric or punctuation characters.
	tokenPattern     = regexp.MustCompile("^[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}$")
	attrNamePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)
	customTypeSuffix = regexp.MustCompile(`^[A-Za-z0-9_.-]*$`)
	numberPattern    = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
	batchIDPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
)

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5OfAttributes is AWS's digest of message attributes: for each name in sorted
// order, the length-prefixed name, the length-prefixed data type, a transport byte
// (1 string, 2 binary) and the length-prefixed value; lengths are 4-byte big endian.
func md5OfAttributes(attrs map[string]attributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	for _, n := range names {
		v := attrs[n]
		writeLengthPrefixed(h, []byte(n))
		writeLengthPrefixed(h, []byte(v.DataType))
		if v.StringValue != nil {
			h.Write([]byte{transportString})
			writeLengthPrefixed(h, []byte(*v.StringValue))
		} else {
			h.Write([]byte{transportBinary})
			writeLengthPrefixed(h, v.BinaryValue)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeLengthPrefixed(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// validText reports whether s holds only the characters SQS accepts:
// #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// checkMessageAttributes validates user message attributes and returns their size.
func checkMessageAttributes(attrs map[string]attributeValue) (int, error) {
	if len(attrs) > maxMessageAttributes {
		return 0, errInvalidParameterValue("Number of message attributes [%d] exceeds the allowed maximum [%d].",
			len(attrs), maxMessageAttributes)
	}
	size := 0
	for name, v := range attrs {
		lower := strings.ToLower(name)
		if !attrNamePattern.MatchString(name) || strings.HasPrefix(lower, "aws.") ||
			strings.HasPrefix(lower, "amazon.") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") ||
			strings.Contains(name, "..") {
			return 0, errInvalidParameterValue("Message (user) attribute name '%s' is invalid.", name)
		}
		n, err := checkAttributeValue("Message (user)", name, v)
		if err != nil {
			return 0, err
		}
		size += len(name) + len(v.DataType) + n
	}
	return size, nil
}

// checkAttributeValue validates one value against its data type and returns the value's size.
func checkAttributeValue(kind, name string, v attributeValue) (int, error) {
	base, custom, _ := strings.Cut(v.DataType, ".")
	if v.DataType == "" {
		return 0, errInvalidParameterValue("The message attribute '%s' must contain non-empty message attribute type.", name)
	}
	if len(v.DataType) > 256 || !customTypeSuffix.MatchString(custom) {
		return 0, errInvalidParameterValue("The type of %s attribute '%s' is invalid.", strings.ToLower(kind), name)
	}
	switch base {
	case "String", "Number":
		if v.StringValue == nil || *v.StringValue == "" || v.BinaryValue != nil {
			return 0, errInvalidParameterValue("%s attribute '%s' must contain a non-empty value of type '%s'.",
				kind, name, base)
		}
		if !validText(*v.StringValue) {
			return 0, errInvalidMessageContents("%s attribute '%s' contains characters outside the allowed set.",
				kind, name)
		}
		if base == "Number" && !validNumber(*v.StringValue) {
			return 0, errInvalidParameterValue("Can't cast the value of %s attribute '%s' to a number.",
				strings.ToLower(kind), name)
		}
		return len(*v.StringValue), nil
	case "Binary":
		if len(v.BinaryValue) == 0 || v.StringValue != nil {
			return 0, errInvalidParameterValue("%s attribute '%s' must contain a non-empty value of type 'Binary'.",
				kind, name)
		}
		return len(v.BinaryValue), nil
	}
	return 0, errInvalidParameterValue("The type of %s attribute '%s' is invalid. You must use only the following "+
		"supported type prefixes: Binary, Number, String.", strings.ToLower(kind), name)
}

// validNumber accepts AWS's Number: up to 38 significant digits, 10^-128 to 10^+126.
func validNumber(s string) bool {
	if !numberPattern.MatchString(s) {
		return false
	}
	mantissa, exp, _ := strings.Cut(strings.ToLower(strings.TrimLeft(s, "+-")), "e")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.Trim(intPart+frac, "0")
	if len(digits) > 38 {
		return false
	}
	if digits == "" {
		return true // zero
	}
	e := 0
	if exp != "" {
		var err error
		if e, err = strconv.Atoi(exp); err != nil {
			return false
		}
	}
	// Decimal exponent of the leading significant digit.
	lead := len(strings.TrimLeft(intPart, "0")) - 1
	if lead < 0 {
		lead = -(len(frac) - len(strings.TrimLeft(frac, "0")) + 1)
	}
	mag := lead + e
	return mag >= -128 && mag <= 125
}

// checkSystemAttributes allows only AWSTraceHeader, as AWS does on sends.
func checkSystemAttributes(attrs map[string]attributeValue) error {
	for name, v := range attrs {
		if name != sysAWSTraceHeader {
			return errInvalidParameterValue("Message system attribute name '%s' is invalid.", name)
		}
		if v.DataType != "String" {
			return errInvalidParameterValue("Message system attribute '%s' must be of type 'String'.", name)
		}
		if _, err := checkAttributeValue("Message system", name, v); err != nil {
			return err
		}
	}
	return nil
}

// contentDedupID is the deduplication ID of content-based deduplication: SHA-256 of the body.
func contentDedupID(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// newReceiptHandle is opaque to clients; it names its queue and message so that a
// handle can be told apart from garbage and from an older receive of the same message.
func newReceiptHandle(queueName, messageID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(queueName + "\x00" + messageID + "\x00" + core.NewID(16)))
}

func parseReceiptHandle(handle string) (queueName, messageID string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(handle)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// attributeSelection says which attributes a ReceiveMessage asked for.
type attributeSelection struct {
	allSystem bool
	system    map[string]bool
	allUser   bool
	user      map[string]bool
	prefixes  []string
}

func newAttributeSelection(systemNames, userNames []string) attributeSelection {
	sel := attributeSelection{system: map[string]bool{}, user: map[string]bool{}}
	for _, n := range systemNames {
		if n == attrAll {
			sel.allSystem = true
		}
		sel.system[n] = true
	}
	for _, n := range userNames {
		switch {
		case n == attrAll || n == ".*":
			sel.allUser = true
		case strings.HasSuffix(n, ".*"):
			sel.prefixes = append(sel.prefixes, strings.TrimSuffix(n, "*"))
		default:
			sel.user[n] = true
		}
	}
	return sel
}

func (sel attributeSelection) wantsUser(name string) bool {
	if sel.allUser || sel.user[name] {
		return true
	}
	for _, p := range sel.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// output renders m as ReceiveMessage returns it.
func (m *message) output(sel attributeSelection) messageOutput {
	out := messageOutput{MessageId: m.id, ReceiptHandle: m.receipt, MD5OfBody: m.md5Body, Body: m.body}
	if sel.allSystem || len(sel.system) > 0 {
		out.Attributes = m.systemAttributes(sel)
	}
	for k, v := range m.attrs {
		if sel.wantsUser(k) {
			if out.MessageAttributes == nil {
				out.MessageAttributes = map[string]attributeValue{}
			}
			out.MessageAttributes[k] = v
		}
	}
	// The digest covers the attributes returned, so that clients can check what they got.
	if len(out.MessageAttributes) == len(m.attrs) {
		out.MD5OfMessageAttributes = m.md5Attrs
	} else {
		out.MD5OfMessageAttributes = md5OfAttributes(out.MessageAttributes)
	}
	return out
}

// systemAttributes returns the selected message system attributes, or nil.
func (m *message) systemAttributes(sel attributeSelection) map[string]string {
	millis := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	system := map[string]string{
		sysSenderID:      m.senderID,
		sysSentTimestamp: millis(m.sentAt),
		sysReceiveCount:  strconv.Itoa(m.receiveCount),
		sysFirstReceive:  millis(m.firstReceivedAt),
	}
	if m.groupID != "" {
		system[sysGroupID] = m.groupID
	}
	if m.dedupID != "" {
		system[sysDeduplicationID] = m.dedupID
	}
	if m.sequenceNumber != "" {
		system[sysSequenceNumber] = m.sequenceNumber
	}
	if m.dlqSourceArn != "" {
		system[sysDeadLetterSource] = m.dlqSourceArn
	}
	if v, ok := m.sysAttrs[sysAWSTraceHeader]; ok && v.StringValue != nil {
		system[sysAWSTraceHeader] = *v.StringValue
	}
	var out map[string]string
	for k, v := range system {
		if sel.allSystem || sel.system[k] {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}
