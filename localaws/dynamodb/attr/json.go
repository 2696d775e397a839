package attr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
)

// Messages for values with no type or several types; AWS sends them without the
// "One or more parameter values were invalid" prefix.
const (
	msgEmptyValue    = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgSeveralValues = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
)

// MarshalJSON writes the wire form, e.g. {"S":"x"}, {"M":{}}, {"B":"<base64>"}.
func (v Value) MarshalJSON() ([]byte, error) {
	var body any
	switch v.t {
	case TypeS, TypeN:
		body = v.str
	case TypeB:
		body = []byte(v.str) // encoding/json writes []byte as base64
	case TypeSS, TypeNS:
		body = nonNil(v.set)
	case TypeBS:
		body = v.BS()
	case TypeM:
		m := v.m
		if m == nil {
			m = Item{}
		}
		body = m
	case TypeL:
		l := v.l
		if l == nil {
			l = []Value{}
		}
		body = l
	case TypeNULL, TypeBOOL:
		body = v.b
	default:
		return []byte("{}"), nil
	}
	inner, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"`)
	buf.WriteString(string(v.t))
	buf.WriteString(`":`)
	buf.Write(inner)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads the wire form. A value with no type or several types decodes
// without error and is reported by Validate; members of the wrong JSON type are a
// decoding error, as they are for AWS (SerializationException).
func (v *Value) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return fmt.Errorf("AttributeValue: %w", err)
	}
	// Fields are applied in a fixed order so a value with several types decodes the same
	// way every time.
	names := make([]string, 0, len(fields))
	for name, raw := range fields {
		if isType(name) && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	*v = Value{}
	for _, name := range names {
		if err := v.decodeField(Type(name), fields[name]); err != nil {
			return fmt.Errorf("AttributeValue %s: %w", name, err)
		}
	}
	switch len(names) {
	case 0:
		v.bad = msgEmptyValue
	case 1:
	default:
		v.bad = msgSeveralValues
	}
	return nil
}

func isType(name string) bool {
	switch Type(name) {
	case TypeS, TypeN, TypeB, TypeSS, TypeNS, TypeBS, TypeM, TypeL, TypeNULL, TypeBOOL:
		return true
	}
	return false
}

func (v *Value) decodeField(t Type, raw json.RawMessage) error {
	v.t = t
	switch t {
	case TypeS, TypeN:
		return json.Unmarshal(raw, &v.str)
	case TypeB:
		var b []byte
		err := json.Unmarshal(raw, &b)
		v.str = string(b)
		return err
	case TypeSS, TypeNS:
		v.set = []string{}
		return json.Unmarshal(raw, &v.set)
	case TypeBS:
		var bs [][]byte
		if err := json.Unmarshal(raw, &bs); err != nil {
			return err
		}
		v.set = make([]string, len(bs))
		for i, b := range bs {
			v.set[i] = string(b)
		}
		return nil
	case TypeM:
		v.m = Item{}
		return json.Unmarshal(raw, &v.m)
	case TypeL:
		v.l = []Value{}
		return json.Unmarshal(raw, &v.l)
	default: // NULL, BOOL
		return json.Unmarshal(raw, &v.b)
	}
}

// encodeBase64 is how binary members are quoted in AWS's messages.
func encodeBase64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
