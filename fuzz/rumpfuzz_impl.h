/* rumpfuzz_impl.h: private to librumpfuzz: the harness state and the steps of one run. */
#ifndef FUZZ_RUMPFUZZ_IMPL_H
#define FUZZ_RUMPFUZZ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/fuzz.h>
#include <rump/rump.h>

#define RFZ_DEV		RUMPFUZZ_DEVICE
#define RFZ_MNT		RUMPFUZZ_MOUNTPOINT
#define RFZ_MINIMAGE	2048u		/* smaller images are rejected */
#define RFZ_MAXIMAGE	(8u << 20)	/* and larger ones */
#define RFZ_HEADER	12u		/* "RFZ1", flags, reserved[3], image_len */
#define RFZ_NOFIX	0x01		/* header flag: leave derived fields (checksums) alone */

#define RFZ_MAXNAMES	64		/* name table: walked names first, then the fresh ones */
#define RFZ_NFRESH	6
#define RFZ_PATHMAX	256

/* An input split into its parts (pointers into the caller's data). */
struct rfz_input {
	unsigned	flags;		/* header flags (0 for a raw image) */
	const uint8_t	*image;
	size_t		image_len;
	const uint8_t	*prog;
	size_t		prog_len;
};

struct rfz_names {
	int	n;
	char	path[RFZ_MAXNAMES][RFZ_PATHMAX];
};

struct rfz_state {
	const char	*fstype;	/* NULL: probe each image */
	unsigned	flags;		/* RUMPFUZZ_F_* */
	bool		booted;
	bool		stuck;		/* a mount could not be removed: no further run is meaningful */
	char		finding[256];
	uint8_t		*img;		/* the image being run */
	size_t		imglen;
	const char	*saveimg;	/* replay -image: the expanded image is written here before the mount */
	const char	*curtype;	/* the type of the image being run */
	const char	*seen[8];	/* probed types that have been warmed up */
	void		(*hook)(const char *, void *);
	void		*hookarg;
};
extern struct rfz_state rfz;

/* rumpfuzz_input.c */
int	rfz_decode(const uint8_t *data, size_t size, struct rfz_input *in);
int	rumpfuzz_image_raw(const uint8_t *part, size_t len, uint8_t **imgp, size_t *imglenp);
/* The image of an input: its packed part expanded (fuzz/image), or its raw part. */
#define RFZ_PACKED_MAGIC	"RFI1"
bool	rfz_packed(const struct rfz_input *in);
int	rfz_image(const struct rfz_input *in, uint8_t **imgp, size_t *imglenp);

/* rumpfuzz_walk.c: bounded walk of the mounted tree, reading what it meets, collecting names. */
void	rfz_walk(struct rfz_names *nm);
/* rumpfuzz_prog.c */
void	rfz_prog_run(const uint8_t *prog, size_t len, const struct rfz_names *nm, bool verbose);

/* rumpfuzz_baseline.c: false (and a finding) when the kernel is not back at rfz.base. */
void	rfz_baseline_take(void);
bool	rfz_baseline_check(void);

/* rumpfuzz_oracle.c: consistency of the unmounted image: 1 consistent, 0 not, -1 unknown. */
int	rfz_consistent(const char *fstype, const uint8_t *img, size_t len);

/* rumpfuzz_watchdog.c */
int	rfz_watchdog_start(unsigned seconds);
void	rfz_watchdog_arm(const uint8_t *data, size_t size);
void	rfz_watchdog_disarm(void);

/* rumpfuzz_init.c: record a finding; aborts unless RUMPFUZZ_F_NOABORT. */
void	rfz_found(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool	rfz_verbose(void);

#endif /* FUZZ_RUMPFUZZ_IMPL_H */
