package lambda

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

var (
	accountPattern      = regexp.MustCompile(`^\d{12}$`)
	servicePrincipal    = regexp.MustCompile(`^[a-z0-9.-]+\.(amazonaws\.com|amazon\.com)$`)
	iamPrincipalPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$`)
)

// renderPrincipal writes a principal the way Lambda's policies show it.
func renderPrincipal(p string) (any, error) {
	switch {
	case p == "*":
		return "*", nil
	case accountPattern.MatchString(p):
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}, nil
	case iamPrincipalPattern.MatchString(p):
		return map[string]string{"AWS": p}, nil
	case servicePrincipal.MatchString(p):
		return map[string]string{"Service": p}, nil
	}
	return nil, invalidParameter("The provided principal was invalid. Please check the principal and try again.")
}

// resourceARN is the function ARN a statement grants, qualified when the request was.
func (f *function) resourceARN(qualifier string) string {
	if qualifier == "" {
		return f.arn
	}
	return f.arn + ":" + qualifier
}

// AddPermission adds a statement to the resource policy of the function or a version.
func (s *Service) AddPermission(r *http.Request) (int, any, error) {
	var in AddPermissionInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	var errs shape.Violations
	for field, v := range map[string]string{"statementId": in.StatementID, "action": in.Action, "principal": in.Principal} {
		if v == "" {
			errs.Null(field)
		}
	}
	if in.StatementID != "" {
		errs.Length("statementId", in.StatementID, 1, 100)
		errs.Pattern("statementId", in.StatementID, statementIDPattern)
	}
	if in.Action != "" {
		errs.Pattern("action", in.Action, actionPattern)
	}
	if in.SourceAccount != "" {
		errs.Pattern("sourceAccount", in.SourceAccount, accountPattern)
	}
	errs.Enum("functionUrlAuthType", in.FunctionURLAuthType, "NONE", "AWS_IAM")
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	principal, err := renderPrincipal(in.Principal)
	if err != nil {
		return 0, nil, err
	}
	cond := map[string]map[string]string{}
	setCond := func(op, key, v string) {
		if v == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]string{}
		}
		cond[op][key] = v
	}
	setCond("ArnLike", "AWS:SourceArn", in.SourceArn)
	setCond("StringEquals", "AWS:SourceAccount", in.SourceAccount)
	setCond("StringEquals", "lambda:EventSourceToken", in.EventSourceToken)
	setCond("StringEquals", "aws:PrincipalOrgID", in.PrincipalOrgID)
	setCond("StringEquals", "lambda:FunctionUrlAuthType", in.FunctionURLAuthType)
	if in.InvokedViaFunctionURL != nil && *in.InvokedViaFunctionURL {
		setCond("Bool", "lambda:InvokedViaFunctionUrl", "true")
	}

	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		if err := checkRevision(in.RevisionID, v.cfg.RevisionID); err != nil {
			return 0, nil, err
		}
		if slices.ContainsFunc(v.policy, func(st PolicyStatement) bool { return st.Sid == in.StatementID }) {
			return 0, nil, resourceConflict("The statement id (%s) provided already exists. Please choose a new statement id, or remove the existing statement.", in.StatementID)
		}
		st := PolicyStatement{Sid: in.StatementID, Effect: "Allow", Principal: principal, Action: in.Action,
			Resource: f.resourceARN(ref.Qualifier)}
		if len(cond) > 0 {
			st.Condition = cond
		}
		v.policy = append(v.policy, st)
		v.cfg.RevisionID = core.NewUUID()
		b, err := json.Marshal(st)
		if err != nil {
			return 0, nil, protocol.Internal(err)
		}
		return http.StatusCreated, AddPermissionOutput{Statement: string(b)}, nil
	})
}

// GetPolicy returns the resource policy as a JSON string; no statements is a 404.
func (s *Service) GetPolicy(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(_ *function, v *version, _ functionRef) (int, any, error) {
		if len(v.policy) == 0 {
			return 0, nil, resourceNotFound("The resource you requested does not exist.")
		}
		b, err := json.Marshal(PolicyDocument{Version: "2012-10-17", ID: "default", Statement: v.policy})
		if err != nil {
			return 0, nil, protocol.Internal(err)
		}
		return http.StatusOK, GetPolicyOutput{Policy: string(b), RevisionID: v.cfg.RevisionID}, nil
	})
}

// RemovePermission removes one statement by its Sid.
func (s *Service) RemovePermission(r *http.Request) (int, any, error) {
	sid := r.PathValue("StatementId")
	return s.withFunction(r, func(_ *function, v *version, _ functionRef) (int, any, error) {
		if err := checkRevision(r.URL.Query().Get("RevisionId"), v.cfg.RevisionID); err != nil {
			return 0, nil, err
		}
		i := slices.IndexFunc(v.policy, func(st PolicyStatement) bool { return st.Sid == sid })
		if i < 0 {
			return 0, nil, resourceNotFound("Statement %s is not found in resource policy.", strings.TrimSpace(sid))
		}
		v.policy = slices.Delete(v.policy, i, i+1)
		v.cfg.RevisionID = core.NewUUID()
		return http.StatusNoContent, nil, nil
	})
}
