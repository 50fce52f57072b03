/* placeholder: replaced by the XDP program */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int vosfp_xdp(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "Dual BSD/GPL";
