package policy

import (
	"slices"
	"strings"
)

// ContextKeys lists the context keys the policy reads: those its conditions test and
// those its policy variables name, each once (IAM compares keys without regard to case,
// so the first spelling stands), sorted. GetContextKeysForCustomPolicy and
// GetContextKeysForPrincipalPolicy answer with these, and a simulation reports the ones
// the caller did not supply as MissingContextValues.
func (p *Policy) ContextKeys() []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if lk := strings.ToLower(k); !seen[lk] {
			seen[lk] = true
			out = append(out, k)
		}
	}
	vars := func(toks []tok) {
		for _, t := range toks {
			if t.kind == tVar {
				add(t.text)
			}
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, r := range st.resources {
			vars(r.toks)
		}
		for _, c := range st.Condition {
			add(c.Key)
			for _, v := range c.vals {
				vars(v.toks)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}
