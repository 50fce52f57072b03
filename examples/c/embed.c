/*
 * A minimal embedder of libvosfp: open, attach (auto mode), block a prefix,
 * print the counters, detach. Built against the installed library only:
 *
 *   cc embed.c $(pkg-config --cflags --libs libvosfp) -o embed
 *   sudo ./embed IFACE [PIN_ROOT]
 */
#include <stdio.h>
#include <stdlib.h>

#include <vosfp/vosfp.h>

static int fail(struct vosfp *h, const char *what, int err)
{
	fprintf(stderr, "embed: %s: %s (%s)\n", what, vosfp_strerror(err),
		h ? vosfp_last_error(h) : vosfp_open_error());
	return 1;
}

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct vosfp *h = NULL;
	int mode = 0, err, rc = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s IFACE [PIN_ROOT]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		opts.pin_root = argv[2];

	printf("libvosfp %s\n", vosfp_version());
	err = vosfp_open(&opts, &h);
	if (err)
		return fail(NULL, "open", err);

	err = vosfp_attach(h, argv[1], VOSFP_MODE_AUTO, &mode);
	if (err) {
		rc = fail(h, "attach", err);
		goto out;
	}
	printf("attached to %s in %s mode\n", argv[1], vosfp_mode_name(mode));

	err = vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.0/24");
	if (err) {
		rc = fail(h, "block", err);
		goto detach;
	}
	printf("blocked 192.0.2.0/24 (%lld prefixes on the block list)\n",
	       (long long)vosfp_policy_count(h, VOSFP_LIST_BLOCK));

	for (int id = 0; id < vosfp_counter_count(); id++) {
		uint64_t packets, bytes;

		err = vosfp_counter_read(h, id, &packets, &bytes);
		if (err) {
			rc = fail(h, "counters", err);
			goto detach;
		}
		printf("  %-12s %10llu packets %12llu bytes\n", vosfp_counter_name(id),
		       (unsigned long long)packets, (unsigned long long)bytes);
	}
	rc = 0;

detach:
	/* Embedders that want the filter to outlive them simply skip this. */
	err = vosfp_detach(h, argv[1]);
	if (err && !rc)
		rc = fail(h, "detach", err);
	else if (!err)
		printf("detached from %s\n", argv[1]);
out:
	vosfp_close(h);
	return rc;
}
