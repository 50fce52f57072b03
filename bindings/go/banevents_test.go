package vosfp

import (
	"encoding/binary"
	"net"
	"testing"
)

// registerFrame is a REGISTER from src:40000 to 198.51.100.1:5060 with the
// given User-Agent.
func registerFrame(src, ua string) []byte {
	payload := []byte("REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP " + src +
		"\r\nCSeq: 1 REGISTER\r\nUser-Agent: " + ua + "\r\nContent-Length: 0\r\n\r\n")
	udp := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], 5060)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	udp = append(udp, payload...)
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	ip = append(ip, net.ParseIP(src).To4()...)
	ip = append(ip, net.ParseIP("198.51.100.1").To4()...)
	eth := []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00}
	return append(append(eth, ip...), udp...)
}

func TestBanEvents(t *testing.T) {
	h := openTest(t)
	ev, err := h.OpenBanEvents()
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	if fd, err := ev.Fd(); err != nil || fd < 0 {
		t.Fatalf("Fd() = %d, %v", fd, err)
	}
	if got, err := ev.Consume(); err != nil || len(got) != 0 {
		t.Fatalf("Consume() before any ban = %v, %v", got, err)
	}
	frame := registerFrame("192.0.2.96", "friendly-scanner")
	for i := 0; i < 2; i++ { // the second is dropped as banned: no event
		if v, err := h.TestPacket(frame); err != nil || v != VerdictDrop {
			t.Fatalf("TestPacket(scanner) = %v, %v; want drop", v, err)
		}
	}
	got, err := ev.Consume()
	if err != nil || len(got) != 1 || got[0].Address != "192.0.2.96" ||
		got[0].Reason != "scanner" || got[0].TTLSeconds == 0 || got[0].TTLLeft == 0 {
		t.Fatalf("Consume() after a scanner = %+v, %v; want one scanner event", got, err)
	}
	if st, err := h.BanStats(); err != nil || st.EventsLost != 0 {
		t.Errorf("BanStats() = %+v, %v; want no event lost", st, err)
	}
	ev.Close()
	if _, err := ev.Consume(); err == nil {
		t.Error("Consume() after Close succeeded")
	}
}
