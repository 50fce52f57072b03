package vosfp

import (
	"encoding/binary"
	"net"
	"testing"
)

// okFrame is the server's "200 OK" to a REGISTER, from 198.51.100.1:5060 to
// dst: what the egress program learns a verified source from.
func okFrame(dst string) []byte {
	payload := []byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP " + dst + ":5070;branch=z9hG4bK-1\r\n" +
		"Call-ID: 1@" + dst + "\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
	udp := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(udp[0:], 5060)
	binary.BigEndian.PutUint16(udp[2:], 5070)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	udp = append(udp, payload...)
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	ip = append(ip, net.ParseIP("198.51.100.1").To4()...)
	ip = append(ip, net.ParseIP(dst).To4()...)
	eth := []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00}
	return append(append(eth, ip...), udp...)
}

func TestBanStatsAndEgress(t *testing.T) {
	h := openTest(t)
	if err := h.BanAdd("192.0.2.98", 60); err != nil {
		t.Fatal(err)
	}
	before, err := h.BanStats()
	if err != nil || before.ManualUsed != 1 || before.ManualCapacity == 0 || before.AutoCapacity == 0 {
		t.Fatalf("BanStats() = %+v, %v", before, err)
	}
	if action, err := h.TestEgress(okFrame("192.0.2.97")); err != nil || action != 0 {
		t.Fatalf("TestEgress = %v, %v; want 0 (TC_ACT_OK)", action, err)
	}
	after, err := h.BanStats()
	if err != nil || after.VerifiedUsed != before.VerifiedUsed+1 ||
		after.VerifiedLearned != before.VerifiedLearned+1 {
		t.Errorf("BanStats() after a 200 to REGISTER = %+v, %v; before %+v", after, err, before)
	}
	if _, err := h.TestEgress(nil); err == nil {
		t.Error("TestEgress(nil) succeeded")
	}
}
