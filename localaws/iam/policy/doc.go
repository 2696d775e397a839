// Package policy parses IAM policy documents and evaluates requests against them, the
// way AWS does within one account. It is pure: no I/O, no clock, no other service.
//
// Parse (or a Cache's Parse, which parses each distinct document once) turns a document
// into a *Policy and reports IAM's MalformedPolicyDocument messages as *Error;
// Policy.Validate adds the rules of one kind (Identity, Trust, Resource). Evaluate takes
// a Request (action, resource, principal, condition keys) and the Set of policies that
// apply (identity, resource, permissions boundary, session) and returns a Decision: allowed,
// explicitly or implicitly denied, the statement that decided, and the end of AWS's
// AccessDenied sentence. For the policy simulator, Simulate also reports every statement
// that decided and whether the permissions boundary allows, each Statement carries its
// Start and End in the document, and Policy.ContextKeys lists the context keys a policy
// reads.
//
// Supported:
//   - Action/NotAction (case-insensitive) and Resource/NotResource with '*' and '?';
//     ARNs are matched part by part, a part ending in '*' may span colons.
//   - Principal/NotPrincipal: "*", an account ID or root ARN (the whole account), IAM
//     user and role ARNs (a role ARN also matches the role's sessions), session ARNs,
//     service and federated principals.
//   - Every condition operator of reference_policies_elements_condition_operators.html,
//     with IfExists and the ForAllValues:/ForAnyValue: qualifiers; values ORed, keys and
//     operators ANDed, negated operators NORed; case-insensitive key names.
//   - Policy variables in Resource and condition values of 2012-10-17 documents, with
//     defaults ${key, 'default'} and the escapes ${*}, ${?} and ${$}.
//
// Not supported: SCPs and RCPs, cross-account requests (where both the identity and the
// resource policy must allow), and the root user's implicit full access, which is the
// caller's to grant before asking.
package policy
