package iam

// awsManagedDocument is the document of an AWS managed policy that localaws carries.
func awsManagedDocument(arn string) (string, bool) { return "", false }
