package vosfp

import "testing"

// A permanent ban through BanAddWith is listed as such; a year-long one
// goes in; Permanent with a TTL is refused and bans nothing.
func TestBanPermanent(t *testing.T) {
	h := openTest(t)
	const year = 365 * 86400
	if err := h.BanAddWith("192.0.2.77", BanAddOptions{Permanent: true}); err != nil {
		t.Fatal(err)
	}
	if err := h.BanAdd("192.0.2.78", year); err != nil {
		t.Fatal(err)
	}
	err := h.BanAddWith("192.0.2.79", BanAddOptions{TTLSeconds: 60, Permanent: true})
	if err == nil {
		t.Fatal("Permanent with a TTL: no error")
	}
	bans, err := h.Bans()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]Ban{}
	for _, b := range bans {
		seen[b.Address] = b
	}
	if b := seen["192.0.2.77"]; !b.Permanent || b.TTLLeft != 0 || b.Reason != "banned" {
		t.Fatalf("permanent ban listed as %+v", b)
	}
	if b := seen["192.0.2.78"]; b.Permanent || b.TTLLeft <= year-60 || b.TTLLeft > year {
		t.Fatalf("year-long ban listed as %+v", b)
	}
	if _, ok := seen["192.0.2.79"]; ok {
		t.Fatal("a refused ban was made")
	}
}
