package traffic

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestWaitForMessages(t *testing.T) {
	c := startQueues(t)
	url, _ := createQueue(t, c, "evidence")
	for range 3 {
		send(t, c, url, "{}", nil)
	}
	if err := waitForMessages(context.Background(), c, url, 3, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	err := waitForMessages(context.Background(), c, url, 4, 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "3 of 4 messages") {
		t.Fatalf("got %v", err)
	}
}
