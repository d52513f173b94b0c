package validation

import (
	"errors"
	"fmt"
	"testing"
)

func TestFieldErrorsAreFoundThroughWrapping(t *testing.T) {
	var fe FieldErrors
	fe.Add("urn", "a URN is exactly %d digits", 6)
	fe.Add("", "the file is empty")
	err := fmt.Errorf("create school: %w", fe.OrNil())
	var all FieldErrors
	var one *FieldError
	if !errors.As(err, &all) || len(all) != 2 || !errors.As(err, &one) || one.Field != "urn" {
		t.Fatalf("errors.As through wrapping: %v %v", all, one)
	}
	if got := all.Error(); got != "urn: a URN is exactly 6 digits; the file is empty" {
		t.Fatalf("Error() = %q", got)
	}
	if all.For("urn") == "" || all.For("name") != "" {
		t.Fatal("For")
	}
	if (FieldErrors{}).OrNil() != nil {
		t.Fatal("empty FieldErrors is not nil")
	}
	if err := Invalid("kind", "choose a kind"); err.Error() != "kind: choose a kind" {
		t.Fatalf("Invalid: %v", err)
	}
}
