package iam

import "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/managed"

// awsManagedDocument is the document of an AWS managed policy that localaws carries; one
// it does not carry grants nothing.
func awsManagedDocument(arn string) (string, bool) {
	doc, _, ok := managed.Lookup(arn)
	return doc, ok
}
