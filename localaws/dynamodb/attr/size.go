package attr

// MaxItemSize is DynamoDB's item size limit, 400 KB.
const MaxItemSize = 400 * 1024

// AWS's messages for a write whose item exceeds MaxItemSize: PutItem and the like, and
// UpdateItem, which words it differently.
const (
	msgItemTooLarge   = "Item size has exceeded the maximum allowed size"
	msgUpdateTooLarge = "Item size to update has exceeded the maximum allowed size"
)

// Size is the item's size by AWS's documented rules ("DynamoDB item sizes and
// formats"): the UTF-8 length of each name plus the size of its value.
func Size(it Item) int {
	total := 0
	for name, v := range it {
		total += len(name) + ValueSize(v)
	}
	return total
}

// ValueSize is the size of one value without its name: strings and binaries by byte
// length; numbers 1 byte per two significant digits plus 1; NULL and BOOL 1; sets the
// sum of their members; lists and maps 3 bytes plus 1 byte per element plus the
// elements (and, for maps, their names).
func ValueSize(v Value) int {
	switch v.t {
	case TypeS, TypeB:
		return len(v.str)
	case TypeN:
		return numberSize(v.str)
	case TypeSS, TypeBS:
		n := 0
		for _, m := range v.set {
			n += len(m)
		}
		return n
	case TypeNS:
		n := 0
		for _, m := range v.set {
			n += numberSize(m)
		}
		return n
	case TypeM:
		return 3 + len(v.m) + Size(v.m)
	case TypeL:
		n := 3 + len(v.l)
		for _, e := range v.l {
			n += ValueSize(e)
		}
		return n
	case TypeNULL, TypeBOOL:
		return 1
	}
	return 0
}

func numberSize(text string) int {
	n, ok := parseDecimal(text)
	if !ok {
		return len(text)
	}
	return (n.Digits()+1)/2 + 1
}

// CheckSize rejects an item to write that is larger than MaxItemSize.
func CheckSize(it Item) error {
	if Size(it) > MaxItemSize {
		return Errorf(msgItemTooLarge)
	}
	return nil
}

// CheckUpdatedSize rejects an item that an update made larger than MaxItemSize.
func CheckUpdatedSize(it Item) error {
	if Size(it) > MaxItemSize {
		return Errorf(msgUpdateTooLarge)
	}
	return nil
}
