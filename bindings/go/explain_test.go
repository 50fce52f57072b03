package vosfp

import "testing"

// ExplainSource names the block entry as stored, looks a v4-mapped address
// up as IPv4, and gives the decision the program would make.
func TestExplainSource(t *testing.T) {
	h := openTest(t)
	if _, err := h.PolicyAdd(Block, "192.0.2.0/24"); err != nil {
		t.Fatal(err)
	}
	e, err := h.ExplainSource("::ffff:192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if e.Address != "192.0.2.7" || e.Family != 4 || e.BlockMatches != 1 ||
		e.BlockPrefix != "192.0.2.0/24" || e.BlockTTLLeft != 0 || e.Verdict != VerdictDrop ||
		CounterName(e.Reason) != "blocked" ||
		e.Decision != "dropped: blocked by 192.0.2.0/24 (permanent)" {
		t.Errorf("ExplainSource = %+v", e)
	}
	if e, err = h.ExplainSource("2001:db8::1"); err != nil || e.Ban != "none" ||
		CounterName(e.Reason) != "passed" {
		t.Errorf("ExplainSource(2001:db8::1) = %+v, %v", e, err)
	}
	if _, err = h.ExplainSource("192.0.2.0/24"); err == nil {
		t.Error("ExplainSource of a prefix succeeded")
	}
}
