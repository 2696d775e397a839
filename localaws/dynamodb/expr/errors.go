// Package expr parses and evaluates DynamoDB expressions: condition and filter
// expressions, update expressions, projection expressions and key condition
// expressions, with their ExpressionAttributeNames and ExpressionAttributeValues, and
// the legacy AttributeUpdates parameter. The parsers are hand-written recursive descent;
// every error is an *attr.ValidationError carrying DynamoDB's own message.
package expr

import (
	"fmt"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Kind names the request parameter an expression came from; it prefixes messages
// ("Invalid ConditionExpression: …").
type Kind string

// The expression parameters.
const (
	ConditionExpression    Kind = "ConditionExpression"
	FilterExpression       Kind = "FilterExpression"
	UpdateExpression       Kind = "UpdateExpression"
	ProjectionExpression   Kind = "ProjectionExpression"
	KeyConditionExpression Kind = "KeyConditionExpression"
)

func invalid(kind Kind, format string, args ...any) *attr.ValidationError {
	return attr.Errorf("Invalid %s: %s", kind, fmt.Sprintf(format, args...))
}

// errSlot is a class of semantic error. DynamoDB reports at most one error per
// expression, and when several are present it picks by class, not by position, so a
// parser records the first error of each class and reports by a per-kind priority.
type errSlot int

const (
	slotParens errSlot = iota
	slotUnknownFunction
	slotMisusedFunction
	slotReserved
	slotSection
	slotName
	slotValue
	slotPlaceholder // condition expressions: the first undefined name or value
	slotOverlap
	slotConflict
	slotOperand
	slotDistinct
	slotFunction
	slotCount
)

// Priorities observed in DynamoDB's answers (and kept by dynalite's grammars).
var (
	conditionOrder = []errSlot{slotParens, slotUnknownFunction, slotMisusedFunction, slotReserved, slotPlaceholder, slotOperand, slotDistinct, slotFunction}
	updateOrder    = []errSlot{slotReserved, slotUnknownFunction, slotSection, slotName, slotValue, slotOverlap, slotConflict, slotOperand, slotFunction}
)

type semErrors [slotCount]string

func (e *semErrors) flag(slot errSlot, format string, args ...any) {
	if e[slot] == "" {
		e[slot] = fmt.Sprintf(format, args...)
	}
}

func (e *semErrors) first(kind Kind, order []errSlot) error {
	for _, s := range order {
		if e[s] != "" {
			return invalid(kind, "%s", e[s])
		}
	}
	return nil
}
