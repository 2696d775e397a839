package dynamodb

import (
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// projector selects the attributes a read returns: a ProjectionExpression, or the
// legacy AttributesToGet. A nil projector returns whole items.
type projector struct {
	expr  *expr.Projection
	names []string // AttributesToGet
}

// parseProjection reads a read request's projection. names are its
// ExpressionAttributeNames, which only the projection may use.
func parseProjection(text string, toGet []string, names map[string]string) (*projector, error) {
	if text != "" && toGet != nil {
		return nil, protocol.Validation("Can not use both expression and non-expression parameters in the same " +
			"request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
	}
	ph, err := expr.NewPlaceholders(names, nil)
	if err != nil {
		return nil, asValidation(err)
	}
	var p *projector
	switch {
	case text != "":
		pe, err := expr.ParseProjection(text, ph)
		if err != nil {
			return nil, asValidation(err)
		}
		p = &projector{expr: pe}
	case toGet != nil:
		p = &projector{names: toGet}
	}
	if err := ph.Unused(); err != nil {
		return nil, asValidation(err)
	}
	return p, nil
}

func (p *projector) apply(it attr.Item) attr.Item {
	switch {
	case p == nil || it == nil:
		return it
	case p.expr != nil:
		return p.expr.Apply(it)
	}
	out := attr.Item{}
	for _, n := range p.names {
		if v, ok := it[n]; ok {
			out[n] = v
		}
	}
	return out
}

// attributes is the top-level names the projection selects, for dynamodb:Attributes.
func (p *projector) attributes() []string {
	switch {
	case p == nil:
		return nil
	case p.expr != nil:
		return p.expr.Attributes()
	}
	return p.names
}
