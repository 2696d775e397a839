package pattern_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge/pattern"
)

// ec2Event is the sample event of AWS's content-filtering docs.
const ec2Event = `{
  "version": "0",
  "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "012345679012",
  "time": "2017-10-02T16:24:49Z",
  "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  "detail": {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    "state": "running",
    "FileName": "image.PNG",
    "service": "EventBridge",
    "nothing": null,
    "enabled": true,
    "tags": ["blue", "green"],
    "employees": [
      {"firstName": "John", "lastName": "Doe"},
      {"firstName": "Anna", "lastName": "Smith"},
      {"firstName": "Peter", "lastName": "Jones"}
    ],
    "nested": {"c1": 100},
    "empty": [],
    "path": "/usr/lib/x*y\\z",
    "account-number": 123456789012345678
  }
}`

func TestPatternMatchesDocumentedExamples(t *testing.T) {
	ev, err := pattern.ParseEvent([]byte(ec2Event))
	require.NoError(t, err)
	tests := []struct {
		name    string
		pattern string
		want    bool
	}{
		{"exact values on several fields are ANDed", `{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],"detail":{"state":["initializing","running"]}}`, true},
		{"one failing field fails the AND", `{"source":["aws.ec2"],"detail":{"state":["stopped"]}}`, false},
		{"values of one field are ORed", `{"source":["aws.s3","aws.ec2"]}`, true},
		{"matching is case sensitive", `{"source":["AWS.EC2"]}`, false},
		{"a field missing from the event fails", `{"detail":{"missing":["x"]}}`, false},
		{"exact number", `{"detail":{"c-count":[5]}}`, true},
		{"exact number compares numerically", `{"detail":{"x-limit":[3.018e2]}}`, true},
		{"a number does not match its string form", `{"detail":{"c-count":["5"]}}`, false},
		{"a string does not match a number", `{"detail":{"state":[5]}}`, false},
		{"a number beyond the numeric range matches by its text", `{"detail":{"account-number":[123456789012345678]}}`, true},
		{"null matches null", `{"detail":{"nothing":[null]}}`, true},
		{"null does not match a missing field", `{"detail":{"missing":[null]}}`, false},
		{"boolean true", `{"detail":{"enabled":[true]}}`, true},
		{"boolean false does not match true", `{"detail":{"enabled":[false]}}`, false},
		{"empty string does not match null", `{"detail":{"nothing":[""]}}`, false},
		{"array field matches when any element matches", `{"detail":{"tags":["green","red"]}}`, true},
		{"array field without a common element", `{"detail":{"tags":["red"]}}`, false},
		{"prefix", `{"time":[{"prefix":"2017-10-02"}]}`, true},
		{"prefix mismatch", `{"time":[{"prefix":"2017-10-03"}]}`, false},
		{"prefix equals-ignore-case", `{"detail":{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}}`, true},
		{"prefix without ignore-case is case sensitive", `{"detail":{"service":[{"prefix":"eventb"}]}}`, false},
		{"suffix", `{"source":[{"suffix":"ec2"}]}`, true},
		{"suffix is case sensitive", `{"detail":{"FileName":[{"suffix":".png"}]}}`, false},
		{"suffix equals-ignore-case", `{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`, true},
		{"equals-ignore-case", `{"source":[{"equals-ignore-case":"AWS.EC2"}]}`, true},
		{"equals-ignore-case is not a prefix", `{"source":[{"equals-ignore-case":"AWS.EC"}]}`, false},
		{"prefix does not apply to numbers", `{"detail":{"c-count":[{"prefix":"5"}]}}`, false},
		{"wildcard in the middle", `{"detail-type":[{"wildcard":"EC2*Notification"}]}`, true},
		{"wildcard with several stars", `{"detail":{"instance-id":[{"wildcard":"i-*aaa*0"}]}}`, true},
		{"wildcard must match the whole value", `{"detail-type":[{"wildcard":"EC2*State"}]}`, false},
		{"wildcard star matches the empty string", `{"source":[{"wildcard":"aws.*ec2"}]}`, true},
		{"wildcard escaped star and backslash are literal", `{"detail":{"path":[{"wildcard":"*/lib/x\\*y\\\\z"}]}}`, true},
		{"wildcard escaped star does not match other characters", `{"detail":{"state":[{"wildcard":"run\\*"}]}}`, false},
		{"anything-but string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, true},
		{"anything-but excludes the value", `{"detail":{"state":[{"anything-but":"running"}]}}`, false},
		{"anything-but number", `{"detail":{"x-limit":[{"anything-but":123}]}}`, true},
		{"anything-but number list", `{"detail":{"c-count":[{"anything-but":[100,200,5]}]}}`, false},
		{"anything-but string list", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, true},
		{"anything-but does not match a missing field", `{"detail":{"missing":[{"anything-but":"x"}]}}`, false},
		{"anything-but on an array matches another element", `{"detail":{"tags":[{"anything-but":"blue"}]}}`, true},
		{"anything-but on an array excluding every element", `{"detail":{"tags":[{"anything-but":["blue","green"]}]}}`, false},
		{"anything-but prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, true},
		{"anything-but prefix excludes", `{"source":[{"anything-but":{"prefix":"aws."}}]}`, false},
		{"anything-but prefix list", `{"source":[{"anything-but":{"prefix":["aws.s3","aws.ec"]}}]}`, false},
		{"anything-but suffix", `{"detail":{"FileName":[{"anything-but":{"suffix":".png"}}]}}`, true},
		{"anything-but suffix excludes", `{"detail":{"FileName":[{"anything-but":{"suffix":".PNG"}}]}}`, false},
		{"anything-but equals-ignore-case", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":"RUNNING"}}]}}`, false},
		{"anything-but equals-ignore-case list", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":["STOPPED","PENDING"]}}]}}`, true},
		{"anything-but wildcard", `{"detail":{"path":[{"anything-but":{"wildcard":"*/lib/*"}}]}}`, false},
		{"anything-but wildcard not matching", `{"detail":{"path":[{"anything-but":{"wildcard":"*/bin/*"}}]}}`, true},
		{"numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`, true},
		{"numeric open top excludes the bound", `{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, false},
		{"numeric closed bottom includes the bound", `{"detail":{"c-count":[{"numeric":[">=",5]}]}}`, true},
		{"numeric open bottom excludes the bound", `{"detail":{"c-count":[{"numeric":[">",5]}]}}`, false},
		{"numeric does not match strings", `{"detail":{"state":[{"numeric":[">",0]}]}}`, false},
		{"numeric does not match beyond the comparable range", `{"detail":{"account-number":[{"numeric":[">",0]}]}}`, false},
		{"cidr", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, true},
		{"cidr outside the block", `{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}`, false},
		{"an IP address value matches its other spellings", `{"detail":{"source-ip":["::ffff:10.0.0.33"]}}`, true},
		{"exists true", `{"detail":{"c-count":[{"exists":true}]}}`, true},
		{"exists true on a missing field", `{"detail":{"missing":[{"exists":true}]}}`, false},
		{"exists false on a missing field", `{"detail":{"c-count-missing":[{"exists":false}]}}`, true},
		{"exists false on a present field", `{"detail":{"c-count":[{"exists":false}]}}`, false},
		{"exists false on an object: it is not a leaf", `{"detail":{"nested":[{"exists":false}]}}`, true},
		{"exists true on an object: it is not a leaf", `{"detail":{"nested":[{"exists":true}]}}`, false},
		{"exists true on null", `{"detail":{"nothing":[{"exists":true}]}}`, true},
		{"exists false on an empty array", `{"detail":{"empty":[{"exists":false}]}}`, true},
		{"exists false below a missing parent", `{"missing":{"child":[{"exists":false}]}}`, true},
		{"nested field", `{"detail":{"nested":{"c1":[100]}}}`, true},
		{"nested field mismatch", `{"detail":{"nested":{"c1":[101]}}}`, false},
		{"objects inside arrays", `{"detail":{"employees":{"firstName":["Anna"]}}}`, true},
		{"fields of one array element must match together", `{"detail":{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}}`, false},
		{"fields of the same array element", `{"detail":{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}}`, true},
		{"$or of two fields", `{"source":["aws.ec2"],"$or":[{"detail-type":["nope"]},{"region":["us-east-1"]}]}`, true},
		{"$or where no branch matches", `{"$or":[{"detail-type":["nope"]},{"region":["eu-west-1"]}]}`, false},
		{"$or nested in an object", `{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"d-count":[{"numeric":["<",10]}]}]}}`, true},
		{"$or branch with an AND inside", `{"$or":[{"source":["aws.ec2"],"region":["eu-west-1"]},{"detail":{"state":["running"],"c-count":[5]}}]}`, true},
		{"nested $or", `{"source":["aws.ec2"],"$or":[{"region":["eu-west-1"]},{"account":["012345679012"],"$or":[{"detail":{"c-count":[1]}},{"detail":{"d-count":[3]}}]}]}`, true},
		{"complex example of the docs", `{"time":[{"prefix":"2017-10-02"}],"detail":{"state":[{"anything-but":"initializing"}],"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"anything-but":[100,200,300]}],"source-ip":[{"cidr":"10.0.0.0/8"}]}}`, true},
		{"exactly matches a string literally", `{"source":[{"exactly":"aws.ec2"}]}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := pattern.Compile(tc.pattern)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Matches(ev))
		})
	}
}

func TestPatternRejectsInvalid(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		message string
	}{
		{"not JSON", `{"source":`, "not valid JSON"},
		{"not an object", `["aws.ec2"]`, "Filter is not an object"},
		{"empty pattern", `{}`, "Empty objects are not allowed"},
		{"empty nested object", `{"detail":{}}`, "Empty objects are not allowed"},
		{"scalar instead of array", `{"source":"aws.ec2"}`, `"source" must be an object or an array`},
		{"empty array", `{"source":[]}`, "Empty arrays are not allowed"},
		{"nested array value", `{"source":[["a"]]}`, "Match value must be String, number, true, false, or null"},
		{"unknown operator", `{"source":[{"contains":"ec2"}]}`, "Unrecognized match type contains"},
		{"two operators in one expression", `{"source":[{"prefix":"a","suffix":"b"}]}`, "Only one key allowed in match expression"},
		{"prefix of a number", `{"source":[{"prefix":5}]}`, "prefix match pattern must be a string"},
		{"prefix with an unknown modifier", `{"source":[{"prefix":{"wildcard":"a"}}]}`, "Unsupported prefix pattern: wildcard"},
		{"consecutive wildcards", `{"source":[{"wildcard":"aws.**"}]}`, "Consecutive wildcard characters at pos 4"},
		{"invalid wildcard escape", `{"source":[{"wildcard":"a\\b"}]}`, "Invalid escape character at pos 1"},
		{"trailing backslash in wildcard", `{"source":[{"wildcard":"a\\"}]}`, "Invalid escape character at pos 1"},
		{"anything-but mixed list", `{"source":[{"anything-but":["a",1]}]}`, "mixed type is not supported"},
		{"anything-but null", `{"source":[{"anything-but":null}]}`, "must be an array or single string/number value"},
		{"anything-but empty prefix", `{"source":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed"},
		{"anything-but unknown modifier", `{"source":[{"anything-but":{"numeric":[">",1]}}]}`, "Unsupported anything-but pattern: numeric"},
		{"anything-but bad wildcard", `{"source":[{"anything-but":{"wildcard":"**"}}]}`, "Consecutive wildcard characters"},
		{"numeric not an array", `{"n":[{"numeric":5}]}`, "Value of numeric must be an array."},
		{"numeric bad operator", `{"n":[{"numeric":["!=",5]}]}`, "Unrecognized numeric range operator: !="},
		{"numeric string operand", `{"n":[{"numeric":[">","5"]}]}`, "Value of > must be numeric"},
		{"numeric inverted range", `{"n":[{"numeric":[">",10,"<",5]}]}`, "Bottom must be less than top"},
		{"numeric wrong upper operator", `{"n":[{"numeric":[">",1,">",5]}]}`, "Bad numeric range operator"},
		{"numeric too many terms", `{"n":[{"numeric":["=",1,"<",5]}]}`, "Too many elements in numeric expression"},
		{"numeric out of range", `{"n":[{"numeric":[">",6e9]}]}`, "Value must be between -5.0E9 and 5.0E9"},
		{"numeric with seven decimals", `{"n":[{"numeric":[">",0.0000001]}]}`, "Only values up to 6 decimals"},
		{"exists not boolean", `{"n":[{"exists":"yes"}]}`, "exists match pattern must be either true or false."},
		{"bad cidr", `{"ip":[{"cidr":"10.0.0.0/33"}]}`, "Malformed CIDR"},
		{"$or not an array", `{"$or":{"a":["b"]}}`, "$or must be followed by an array"},
		{"$or with one object", `{"$or":[{"a":["b"]}]}`, "There must be at least 2 objects in $or"},
		{"$or with a non-object", `{"$or":[{"a":["b"]},"c"]}`, "Only JSON objects are allowed"},
		{"reserved keyword inside $or", `{"$or":[{"numeric":[1]},{"prefix":["abc"]}]}`, "reserved keyword"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pattern.Compile(tc.pattern)
			require.Error(t, err)
			var pe *pattern.Error
			require.True(t, errors.As(err, &pe), "error %T is not *pattern.Error", err)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestPatternErrorNamesThePath(t *testing.T) {
	_, err := pattern.Compile(`{"detail":{"state":[{"wildcard":"a**"}]}}`)
	require.Error(t, err)
	assert.Equal(t, `Event pattern is not valid. Reason: Consecutive wildcard characters at pos 1 at "detail.state"`, err.Error())
}

func TestMatchJSONRejectsNonObjectEvents(t *testing.T) {
	p, err := pattern.Compile(`{"source":["a"]}`)
	require.NoError(t, err)
	_, err = p.MatchJSON([]byte(`[1]`))
	assert.Error(t, err)
	ok, err := p.MatchJSON([]byte(`{"source":"a"}`))
	require.NoError(t, err)
	assert.True(t, ok)
}
