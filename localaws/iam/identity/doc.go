// Package identity holds who may sign requests to localaws: the temporary credentials
// it issued (role sessions from AssumeRole and the service principals its services act
// as), and the interfaces through which the services that own roles and resource
// policies let the authorizer read them. It evaluates nothing itself.
package identity
