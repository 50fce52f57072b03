/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A host-side reference of the XDP program's verdict: the program's own
 * parsing code (parse_headers.h, sip_classify.h) compiled for the host, and
 * the decision rules written again here, independently, from DESIGN.md.
 * Stateless: no bans, no rate limit (the differential test turns both off).
 */
#ifndef VOSFP_REFERENCE_H
#define VOSFP_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#define REF_NONE (-1) /* no counter */

struct ref_verdict {
	int verdict; /* VOSFP_VERDICT_* */
	int reason;  /* VOSFP_CTR_* or REF_NONE */
};

/* The policy the test loads into the kernel too. */
#define REF_BLOCK4 "203.0.113.0/24"
#define REF_BLOCK6 "2001:db8:bad::/48"
#define REF_ALLOW4 "192.0.2.10"
#define REF_ALLOW6 "2001:db8:600d::10"
#define REF_SCANNERS "friendly-scanner,sipvicious,sipcli,VaxSIPUserAgent,pplsip,iWar,sundayddr,SIVuS,smap"

struct ref_verdict reference_verdict(const uint8_t *frame, size_t len);

/* The classifier alone, for the fuzzer: kind (enum sip_kind) and method. */
int reference_classify(const uint8_t *payload, size_t len);
/* Offset of the User-Agent value, or 0. */
uint32_t reference_user_agent(const uint8_t *payload, size_t len);

#endif
