package verdict

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// stringOrList decodes IAM's "one string or a list of strings" fields.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

type policyDocument struct {
	Statement []struct {
		Sid      string
		Effect   string
		Action   stringOrList
		Resource stringOrList
	}
}

// CheckInvokeScope verifies that the policies together let their holder invoke exactly
// the backend (and its versions and aliases) and no other function, with no wildcard
// actions. Each document is a JSON policy, as IAM returns it once URL-decoded.
func CheckInvokeScope(backendARN string, docs ...string) error {
	var all policyDocument
	for i, doc := range docs {
		var p policyDocument
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return fmt.Errorf("policy %d is not JSON: %w", i+1, err)
		}
		all.Statement = append(all.Statement, p.Statement...)
	}
	want := []string{backendARN, backendARN + ":*"}
	var invoke []string
	for _, st := range all.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			la := strings.ToLower(a)
			switch {
			case la == "*" || la == "lambda:*" || strings.HasPrefix(la, "lambda:invoke") && strings.Contains(la, "*"):
				return fmt.Errorf("statement %q allows the wildcard action %q", st.Sid, a)
			case la == "lambda:invokefunction":
				invoke = append(invoke, st.Resource...)
			case strings.HasPrefix(la, "lambda:"):
				return fmt.Errorf("statement %q allows %q: the router needs only lambda:InvokeFunction", st.Sid, a)
			}
		}
	}
	sort.Strings(invoke)
	sort.Strings(want)
	if strings.Join(invoke, ",") != strings.Join(want, ",") {
		return fmt.Errorf("lambda:InvokeFunction is allowed on %v, want exactly %v", invoke, want)
	}
	return nil
}
